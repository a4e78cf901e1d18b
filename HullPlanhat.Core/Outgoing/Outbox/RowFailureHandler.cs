using HullPlanhat.Core.Telemetry;
using Microsoft.Extensions.Options;

namespace HullPlanhat.Core.Outgoing.Outbox;

/// <summary>
/// A row Planhat refused: retried later with backoff, and after <see cref="OutboxOptions.MaxAttempts"/>
/// moved to the dead-letter table. Returns the attempt number for the caller's error log.
/// </summary>
public sealed class RowFailureHandler(OutboxStore outbox, DeadLetterStore deadLetters, IOptions<OutboxOptions> options, ProductMetrics metrics, Operations.Runs.RunRecorder runs)
{
    public async Task<(int Attempts, bool DeadLettered)> FailAsync(OutboxRow row, string error, CancellationToken cancellationToken)
    {
        var attempts = row.Attempts + 1;
        metrics.Failed(row.ObjectType);
        runs.Current?.RowFailed(row.ObjectType, row.HullId, error, attempts);
        if (attempts >= options.Value.MaxAttempts)
        {
            await deadLetters.AddAsync(row, error, cancellationToken);
            await outbox.CompleteAsync([row], cancellationToken);
            metrics.DeadLettered(row.ObjectType);
            return (attempts, true);
        }

        await outbox.FailAsync(row, error, options.Value.RetryDelayAfter(row.Attempts), cancellationToken);
        return (attempts, false);
    }
}
