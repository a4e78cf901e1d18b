using Azure;
using Azure.Data.Tables;

namespace HullPlanhat.Core.Storage;

/// <summary>
/// A row written only if it is still as read: inserted when absent, replaced when at the ETag read.
/// Storage's client sends a write again when its reply is lost, and the second attempt meets the
/// first (409, 412); each write therefore carries a token of its own, and on a conflict the row read
/// back tells whether it is this write that landed.
/// </summary>
public static class ConditionalRowWrite
{
    private const string WriterColumn = "Writer";

    /// <param name="etag">The ETag read; default when the row was absent.</param>
    /// <returns>The row's new ETag, or null when another writer got there first.</returns>
    public static async Task<ETag?> TryWriteAsync(TableClient table, TableEntity entity, ETag etag, CancellationToken cancellationToken)
    {
        Stamp(entity);
        try
        {
            var response = await (etag == default
                ? table.AddEntityAsync(entity, cancellationToken)
                : table.UpdateEntityAsync(entity, etag, TableUpdateMode.Replace, cancellationToken));
            return response.Headers.ETag;
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
            return await LandedAsync(table, entity, cancellationToken);
        }
    }

    /// <summary>Gives <paramref name="entity"/> a token of its own, for a conditional write sent another way (a group commit).</summary>
    public static TableEntity Stamp(TableEntity entity)
    {
        entity[WriterColumn] = Guid.NewGuid().ToString("N");
        return entity;
    }

    /// <summary>
    /// For an action of a transaction that failed on it (409, 412): whether its row holds this very
    /// (<see cref="Stamp"/>ed) write, i.e. the transaction landed and storage's retry met it. A transaction
    /// is all or nothing, so then every action of it landed. An unstamped action never counts.
    /// </summary>
    public static async Task<bool> HoldsAsync(TableClient table, TableTransactionAction action, CancellationToken cancellationToken) =>
        action.Entity is TableEntity entity && entity.ContainsKey(WriterColumn) && await LandedAsync(table, entity, cancellationToken) is not null;

    /// <summary>After a conflict (409, 412) on the write of <paramref name="entity"/> (<see cref="Stamp"/>ed): the row's ETag when it holds that very write, else null.</summary>
    public static async Task<ETag?> LandedAsync(TableClient table, TableEntity entity, CancellationToken cancellationToken)
    {
        var writer = entity.GetString(WriterColumn) ?? throw new InvalidOperationException("The entity was not stamped.");
        var row = await table.GetEntityIfExistsAsync<TableEntity>(entity.PartitionKey, entity.RowKey, [WriterColumn], cancellationToken);
        return row.HasValue && row.Value?.GetString(WriterColumn) == writer ? row.Value.ETag : null;
    }
}
