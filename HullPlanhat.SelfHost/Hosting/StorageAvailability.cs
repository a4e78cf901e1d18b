using HullPlanhat.Core.Logging;
using HullPlanhat.Core.Storage;

namespace HullPlanhat.SelfHost.Hosting;

/// <summary>
/// Waits until storage answers and holds every table, queue and container, retrying with
/// exponential backoff and a <c>connector.storage.unreachable</c> line per attempt. One wait is
/// shared by every queue listener and timer, so a host started before its storage stays up
/// (and <c>/health</c> says unhealthy) until storage comes, then serves normally.
/// </summary>
public sealed class StorageAvailability(StorageClients storage, IHostApplicationLifetime lifetime, ILogger<StorageAvailability> logger)
{
    public static readonly TimeSpan FirstDelay = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(30);
    private readonly Lock gate = new();
    private Task? ready;

    /// <summary>Completes once storage is provisioned; cancelled only by <paramref name="cancellationToken"/>.</summary>
    public Task WaitAsync(CancellationToken cancellationToken)
    {
        lock (gate)
        {
            ready ??= RetryUntilReadyAsync(lifetime.ApplicationStopping);
        }

        return ready.WaitAsync(cancellationToken);
    }

    private async Task RetryUntilReadyAsync(CancellationToken cancellationToken)
    {
        var delay = FirstDelay;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await storage.EnsureCreatedAsync().WaitAsync(cancellationToken);
                if (attempt > 1)
                {
                    logger.StorageReady(attempt);
                }

                return;
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                logger.StorageUnreachable(attempt, delay.TotalSeconds, e.GetBaseException().Message);
            }

            await Task.Delay(delay, cancellationToken);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxDelay.Ticks));
        }
    }
}
