using Azure;
using Azure.Data.Tables;
using HullPlanhat.Core.Storage;

namespace HullPlanhat.Core.Hull;

/// <summary>
/// Deletes the <c>notificationids</c> rows whose token has expired: past its <c>exp</c> Hull's
/// signature check refuses a replay anyway, and <see cref="NotificationReplayGuard"/> already treats such
/// a row as forgotten. Run by the <c>Housekeeping</c> timer.
/// </summary>
public sealed class NotificationIdPurge(StorageClients storage, TimeProvider clock)
{
    private TableClient Table => storage.Table(NotificationReplayGuard.TableName);

    /// <returns>How many rows were deleted.</returns>
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        await Table.CreateIfNotExistsAsync(cancellationToken);
        var now = clock.GetUtcNow();
        return (await ConditionalBatches.SubmitAsync(Table, ExpiredAsync(now, cancellationToken), cancellationToken)).Deleted;
    }

    private async IAsyncEnumerable<TableTransactionAction> ExpiredAsync(DateTimeOffset now, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var row in Table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"ExpiresAt lt {now}"), select: ["PartitionKey", "RowKey"], cancellationToken: cancellationToken))
        {
            yield return new TableTransactionAction(TableTransactionActionType.Delete, row, row.ETag);
        }
    }
}
