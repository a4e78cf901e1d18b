using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs.Models;
using HullPlanhat.Core.Housekeeping;
using HullPlanhat.Core.Storage;
using Microsoft.Extensions.Options;

namespace HullPlanhat.Core.Batch;

/// <summary>
/// Keeps the <c>extractjobs</c> table and the extract copies bounded: rows of jobs that finished more
/// than <see cref="HousekeepingOptions.ExtractJobRetention"/> ago are deleted, and so is every extract
/// copy older than that whose job has finished or has no row (a copy the handler could not delete, or
/// one a duplicate delivery made). A job that has not finished keeps its row and copy, so a replayed
/// poison message can still carry it on. Run by the <c>Housekeeping</c> timer.
/// </summary>
public sealed class ExtractJobPurge(StorageClients storage, IOptions<HousekeepingOptions> options, TimeProvider clock)
{
    private TableClient Table => storage.Table(StorageNames.ExtractJobsTable);

    /// <returns>The rows and the blobs deleted.</returns>
    public async Task<(int Rows, int Blobs)> RunAsync(CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync();
        var cutoff = clock.GetUtcNow() - options.Value.ExtractJobRetention;
        var rows = (await ConditionalBatches.SubmitAsync(Table, FinishedBeforeAsync(cutoff, cancellationToken), cancellationToken)).Deleted;
        var blobs = await DeleteUnneededCopiesAsync(cutoff, cancellationToken);
        return (rows, blobs);
    }

    private async IAsyncEnumerable<TableTransactionAction> FinishedBeforeAsync(DateTimeOffset cutoff, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // The row's last write is the one that set Done, so its Timestamp is when the job finished.
        var filter = TableClient.CreateQueryFilter($"Done eq {true} and Timestamp lt {cutoff}");
        await foreach (var row in Table.QueryAsync<TableEntity>(filter, select: ["PartitionKey", "RowKey"], cancellationToken: cancellationToken))
        {
            yield return new TableTransactionAction(TableTransactionActionType.Delete, row, row.ETag);
        }
    }

    private async Task<int> DeleteUnneededCopiesAsync(DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        var container = storage.Container(StorageNames.ClaimCheckContainer);
        var deleted = 0;
        await foreach (var blob in container.GetBlobsAsync(BlobTraits.None, BlobStates.None, ExtractJobStore.BlobPrefix, cancellationToken))
        {
            if (blob.Properties.LastModified is not { } modified || modified >= cutoff || ExtractJobStore.RowOfBlob(blob.Name) is not { } job)
            {
                continue;
            }

            var row = await Table.GetEntityIfExistsAsync<TableEntity>(job.Partition, job.JobId, ["Done"], cancellationToken);
            if (row.HasValue && row.Value?.GetBoolean("Done") != true)
            {
                continue;
            }

            // Conditional on the copy as listed: never delete one rewritten since.
            try
            {
                var response = await container.GetBlobClient(blob.Name).DeleteIfExistsAsync(
                    DeleteSnapshotsOption.IncludeSnapshots, new BlobRequestConditions { IfMatch = blob.Properties.ETag }, cancellationToken);
                deleted += response.Value ? 1 : 0;
            }
            catch (RequestFailedException e) when (e.Status == 412)
            {
            }
        }

        return deleted;
    }
}
