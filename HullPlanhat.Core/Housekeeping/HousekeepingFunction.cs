using HullPlanhat.Core.Batch;
using HullPlanhat.Core.Hosting;
using HullPlanhat.Core.Hull;
using HullPlanhat.Core.Logging;
using Microsoft.Extensions.Logging;

namespace HullPlanhat.Core.Housekeeping;

/// <summary>
/// <c>Housekeeping</c> (timer, hourly): deletes the state no longer needed from the tables that are
/// not per object — expired notification ids, finished batch jobs and their extract copies. Each purge
/// fails on its own. (Per-object state expires where it is used: sent event ids in the flush,
/// <see cref="Incoming.UnseenHashPurge"/> after a complete import, run history when a run is saved.)
/// </summary>
public sealed class HousekeepingFunction(NotificationIdPurge notificationIds, ExtractJobPurge extractJobs, ILogger<HousekeepingFunction> logger) : ITimerFunction
{
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        await PurgeAsync(NotificationReplayGuard.TableName, notificationIds.RunAsync, cancellationToken);
        await PurgeAsync(Storage.StorageNames.ExtractJobsTable, async ct =>
        {
            var (rows, blobs) = await extractJobs.RunAsync(ct);
            if (blobs > 0)
            {
                logger.HousekeepingPurged("extract copies", blobs);
            }

            return rows;
        }, cancellationToken);
    }

    private async Task PurgeAsync(string store, Func<CancellationToken, Task<int>> purge, CancellationToken cancellationToken)
    {
        try
        {
            logger.HousekeepingPurged(store, await purge(cancellationToken));
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            logger.HousekeepingFailed(e, store, e.Message);
        }
    }
}
