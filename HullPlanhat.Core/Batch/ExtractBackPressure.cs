using HullPlanhat.Core.Intake;
using HullPlanhat.Core.Logging;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HullPlanhat.Core.Batch;

/// <summary>
/// A batch job enqueues far faster than the workers drain, so before each chunk it waits for the
/// per-object queues to fall below the depth from which Hull's notifications are slowed too
/// (<see cref="FlowControlOptions.BackPressureDepth"/>): the queues stay shallow, where they are cheap.
/// </summary>
public sealed class ExtractBackPressure(
    QueueBackPressure queues,
    IOptions<FlowControlOptions> flowControl,
    IOptions<ExtractOptions> options,
    TimeProvider clock,
    ILogger<ExtractBackPressure> logger)
{
    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(1);

    /// <returns>True when there is room for a chunk (or the depth is unknown); false when the queues stayed deep for the whole wait.</returns>
    public async Task<bool> WaitForRoomAsync(string objectType, CancellationToken cancellationToken)
    {
        var threshold = flowControl.Value.BackPressureDepth;
        if (threshold <= 0)
        {
            return true;
        }

        var started = clock.GetTimestamp();
        var logged = false;
        while (true)
        {
            if (await queues.QueuedOrUnknownAsync(cancellationToken) is not { } depth)
            {
                return true; // the chunk's own sends will meet the outage and retry the message
            }

            if (depth < threshold)
            {
                return true;
            }

            var waited = clock.GetElapsedTime(started);
            if (!logged)
            {
                logger.BatchSlowed(objectType, depth, (long)waited.TotalMilliseconds);
                logged = true;
            }

            if (waited >= options.Value.ExtractBackPressureWait)
            {
                return false;
            }

            await Task.Delay(Poll, clock, cancellationToken);
        }
    }
}
