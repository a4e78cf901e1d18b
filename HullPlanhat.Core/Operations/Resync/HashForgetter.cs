using Azure;
using Azure.Data.Tables;
using HullPlanhat.Core.Incoming;
using HullPlanhat.Core.Outgoing.Outbox;
using HullPlanhat.Core.Storage;

namespace HullPlanhat.Core.Operations.Resync;

/// <summary>What a resync forgets: an incoming kind (Planhat → Hull) or an outgoing one (Hull → Planhat).</summary>
public sealed record ResyncKind(string Name, IncomingKind? Incoming, string? OutgoingType)
{
    public static readonly ResyncKind Companies = new("companies", IncomingKind.Companies, null);
    public static readonly ResyncKind Endusers = new("endusers", IncomingKind.Endusers, null);
    public static readonly ResyncKind Accounts = new("accounts", null, OutboxObjectTypes.Company);
    public static readonly ResyncKind Users = new("users", null, OutboxObjectTypes.Enduser);
    public static readonly IReadOnlyList<ResyncKind> All = [Companies, Endusers, Accounts, Users];

    public static ResyncKind? Parse(string name) => All.FirstOrDefault(k => k.Name == name);
}

/// <summary>
/// Forgets stored hashes so the next run sends objects again. Incoming: the <c>hashes</c> rows
/// (keyed by Planhat id) lose their hash (company rows keep the claims endusers link by), so the next import sends every company / enduser to Hull
/// (and stops trusting its page digests: <see cref="PageDigests"/>).
/// Outgoing: the <c>syncstate</c> rows (keyed by Hull id) keep their Planhat id and change version —
/// so the next send is still keyed by id and an older change still cannot overwrite a newer one —
/// and lose only their hash, so the next notification of each object is sent to Planhat.
/// </summary>
public sealed class HashForgetter(StorageClients storage, PageDigests pageDigests)
{
    public const string ForgottenHash = "";

    /// <returns>How many stored hashes were forgotten.</returns>
    public async Task<int> ForgetAsync(string connectorId, ResyncKind kind, string? objectId, CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync();
        return kind.Incoming is { } incoming
            ? await ForgetIncomingAsync(connectorId, incoming, objectId, cancellationToken)
            : await ForgetOutgoingAsync(connectorId, kind.OutgoingType!, objectId, cancellationToken);
    }

    private async Task<int> ForgetIncomingAsync(string connectorId, IncomingKind kind, string? planhatId, CancellationToken cancellationToken)
    {
        // First: from here on no import trusts a page digest that may still count a forgotten hash as Hull's.
        await pageDigests.MarkChangedOutsideAsync(connectorId, kind, cancellationToken);
        var partition = HashStore.Partition(connectorId, kind);
        var filter = planhatId is not null
            ? $"PartitionKey eq '{Quote(partition)}' and RowKey eq '{Quote(TableKeys.Encode(planhatId))}'"
            : $"PartitionKey eq '{Quote(partition)}'";
        return await BlankHashesAsync(storage.Table(StorageNames.HashesTable), filter, cancellationToken);
    }

    private async Task<int> ForgetOutgoingAsync(string connectorId, string objectType, string? hullId, CancellationToken cancellationToken)
    {
        var table = storage.Table(StorageNames.SyncStateTable);
        var partition = TableKeys.Encode(connectorId);
        var prefix = objectType + "_";
        var filter = hullId is not null
            ? $"PartitionKey eq '{Quote(partition)}' and RowKey eq '{Quote(prefix + TableKeys.Encode(hullId))}'"
            // Rows {type}_{id}; older versions' {type}ext_{external id} rows were id lookups, not hashes, and stay.
            : $"PartitionKey eq '{Quote(partition)}' and RowKey ge '{Quote(prefix)}' and RowKey lt '{Quote(objectType)}`'";
        return await BlankHashesAsync(table, filter, cancellationToken);
    }

    /// <summary>Blanks the hash of the rows; the rest of each row (ids, versions, company claims for linking endusers) stays. Streams: one transaction's rows in memory.</summary>
    private static async Task<int> BlankHashesAsync(TableClient table, string filter, CancellationToken cancellationToken)
    {
        return (await ConditionalBatches.SubmitAsync(table, BlanksAsync(), cancellationToken)).Updated;

        async IAsyncEnumerable<TableTransactionAction> BlanksAsync()
        {
            await foreach (var row in table.QueryAsync<TableEntity>(filter, maxPerPage: 1000, select: ["PartitionKey", "RowKey", "Hash"], cancellationToken: cancellationToken))
            {
                if (row.GetString("Hash") is { Length: > 0 })
                {
                    yield return new(TableTransactionActionType.UpdateMerge, new TableEntity(row.PartitionKey, row.RowKey) { ["Hash"] = ForgottenHash }, ETag.All);
                }
            }
        }
    }

    private static string Quote(string value) => value.Replace("'", "''", StringComparison.Ordinal);
}
