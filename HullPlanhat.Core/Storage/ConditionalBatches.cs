using Azure.Data.Tables;

namespace HullPlanhat.Core.Storage;

/// <summary>
/// Sends a stream of row actions (deletes, merges) as entity-group transactions of up to 100 rows,
/// one partition each, in the order the rows were read. Each action carries the ETag of the row as
/// read, so a row rewritten since (by a flush, an import, another instance) or already gone is left
/// alone: the transaction failing on it is sent again without it. Memory holds one batch at a time.
/// An insert (<see cref="TableTransactionActionType.Add"/>) of a row that exists is left out the same
/// way: inserts claim rows, and <see cref="ApplyBatchAsync"/> tells which were claimed.
/// </summary>
public static class ConditionalBatches
{
    public const int MaxRows = 100;

    /// <param name="landed">As for <see cref="ApplyBatchAsync"/>: whether the row an action failed on holds that very action (a transaction whose reply was lost).</param>
    /// <returns>How many deletes and how many other actions (merges, replaces) were applied.</returns>
    public static async Task<(int Deleted, int Updated)> SubmitAsync(TableClient table, IAsyncEnumerable<TableTransactionAction> actions, CancellationToken cancellationToken,
        Func<TableTransactionAction, CancellationToken, Task<bool>>? landed = null)
    {
        var (deleted, updated) = (0, 0);
        var batch = new List<TableTransactionAction>(MaxRows);
        await foreach (var action in actions.WithCancellation(cancellationToken))
        {
            if (batch.Count == MaxRows || (batch.Count > 0 && batch[0].Entity.PartitionKey != action.Entity.PartitionKey))
            {
                Count(await SubmitBatchAsync(table, batch, cancellationToken, landed));
                batch.Clear();
            }

            batch.Add(action);
        }

        if (batch.Count > 0)
        {
            Count(await SubmitBatchAsync(table, batch, cancellationToken, landed));
        }

        return (deleted, updated);

        void Count(List<TableTransactionAction> applied)
        {
            var deletes = applied.Count(a => a.ActionType == TableTransactionActionType.Delete);
            deleted += deletes;
            updated += applied.Count - deletes;
        }
    }

    /// <summary>One transaction of up to <see cref="MaxRows"/> actions on one partition, sent again without each action whose row changed, vanished or (an insert) exists.</summary>
    /// <param name="landed">
    /// Whether the row an action failed on holds this very action: storage retried a transaction whose
    /// reply was lost and met its own write. A transaction is all or nothing, so then every action sent landed.
    /// </param>
    /// <returns>The actions applied.</returns>
    public static Task<List<TableTransactionAction>> ApplyBatchAsync(TableClient table, IReadOnlyList<TableTransactionAction> batch, CancellationToken cancellationToken,
        Func<TableTransactionAction, CancellationToken, Task<bool>>? landed = null) =>
        SubmitBatchAsync(table, batch, cancellationToken, landed);

    private static async Task<List<TableTransactionAction>> SubmitBatchAsync(TableClient table, IReadOnlyList<TableTransactionAction> batch, CancellationToken cancellationToken,
        Func<TableTransactionAction, CancellationToken, Task<bool>>? landed = null)
    {
        var pending = batch.ToList();
        while (pending.Count > 0)
        {
            try
            {
                await table.SubmitNamedTransactionAsync(pending, cancellationToken);
                return pending;
            }
            catch (TableTransactionFailedException e) when (e.Status is 404 or 409 or 412 && e.FailedTransactionActionIndex is { } failed && failed < pending.Count)
            {
                if (landed is not null && await landed(pending[failed], cancellationToken))
                {
                    return pending;
                }

                pending.RemoveAt(failed); // changed, gone or (an insert) there already: not ours to touch any more
            }
        }

        return pending;
    }
}
