using Azure.Data.Tables;
using HullPlanhat.Core.Storage;

namespace HullPlanhat.Core.Incoming;

/// <summary>
/// Deletes the <c>hashes</c> rows of Planhat objects that no longer exist, after a complete import run:
/// one that listed every page from offset 0 in one go without an error (a resumed or failed run sees
/// only part of Planhat and purges nothing). A row is deleted only when two complete runs in a row did
/// not see it: offset paging can skip an object when another is deleted mid-run, and a single miss only
/// marks the row (<see cref="MissedByColumn"/> = the run). Rows written since the run started (objects
/// this connector created, a webhook's import) are left alone, and so is any row changed after it was
/// read (every delete and mark is conditional on its ETag). A complete run whose every page matched the
/// previous run's page digests (<see cref="PageDigests"/>) saw the very objects that run saw: when that
/// run's purge left nothing marked, there is nothing to find and the partition is not scanned again.
/// </summary>
public sealed class UnseenHashPurge(StorageClients storage)
{
    public const string SamePortfolio = "Every page matched the previous complete run's digests and its purge left nothing marked: nothing to find.";

    /// <summary>The job id of the last complete run that did not see the object.</summary>
    public const string MissedByColumn = "MissedBy";

    private TableClient Table => storage.Table(StorageNames.HashesTable);

    /// <param name="runStartedAt">When the complete run started: rows written since are kept.</param>
    /// <param name="jobId">The complete run.</param>
    /// <param name="previousJobId">The complete run before it (null when the previous run was not complete).</param>
    /// <returns>Rows deleted, and rows marked as missed once.</returns>
    public async Task<(int Deleted, int Marked)> RunAsync(string connectorId, IncomingKind kind, DateTimeOffset runStartedAt, string jobId, string? previousJobId,
        SeenIds seen, CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync();
        return await ConditionalBatches.SubmitAsync(Table, ActionsAsync(), cancellationToken, MarkedByThisRunAsync);

        // A transaction whose reply was lost, met by storage's retry (412 on a row it marked): the mark is this run's, so every
        // action of it landed. Counted, the marks keep UnseenPending set, so the next complete run does not skip its purge.
        async Task<bool> MarkedByThisRunAsync(TableTransactionAction action, CancellationToken ct) =>
            action.ActionType == TableTransactionActionType.UpdateMerge
            && (await Table.GetEntityIfExistsAsync<TableEntity>(action.Entity.PartitionKey, action.Entity.RowKey, [MissedByColumn], ct)) is { HasValue: true } row
            && row.Value!.GetString(MissedByColumn) == jobId;

        async IAsyncEnumerable<TableTransactionAction> ActionsAsync()
        {
            var filter = TableClient.CreateQueryFilter($"PartitionKey eq {HashStore.Partition(connectorId, kind)} and Timestamp lt {runStartedAt}");
            await foreach (var row in Table.QueryAsync<TableEntity>(filter, maxPerPage: 1000, select: ["PartitionKey", "RowKey", MissedByColumn], cancellationToken: cancellationToken))
            {
                if (seen.ContainsRow(row.RowKey))
                {
                    continue;
                }

                if (previousJobId is not null && row.GetString(MissedByColumn) == previousJobId)
                {
                    yield return new TableTransactionAction(TableTransactionActionType.Delete, row, row.ETag);
                }
                else
                {
                    yield return new TableTransactionAction(TableTransactionActionType.UpdateMerge,
                        new TableEntity(row.PartitionKey, row.RowKey) { [MissedByColumn] = jobId }, row.ETag);
                }
            }
        }
    }
}
