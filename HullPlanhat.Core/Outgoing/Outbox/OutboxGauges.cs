using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using HullPlanhat.Core.Telemetry;

namespace HullPlanhat.Core.Outgoing.Outbox;

/// <summary>
/// Feeds the <c>hullplanhat.outbox.depth</c> and <c>oldest_age_seconds</c> gauges (the dashboard's
/// outbox tiles): the flusher measures each connector's outbox after flushing it.
/// </summary>
public sealed class OutboxGauges
{
    /// <summary>Rows counted per measurement at most; a deeper outbox reports this figure.</summary>
    public const int MaxCounted = 20_000;

    private readonly ConcurrentDictionary<string, (long Depth, DateTimeOffset? Oldest)> byConnector = new(StringComparer.Ordinal);
    private readonly OutboxStore outbox;
    private readonly TimeProvider clock;

    public OutboxGauges(OutboxStore outbox, TimeProvider clock, ProductMetrics metrics)
    {
        this.outbox = outbox;
        this.clock = clock;
        metrics.ObserveOutbox(
            () => byConnector.Select(c => new Measurement<long>(c.Value.Depth, new KeyValuePair<string, object?>("connector", c.Key))),
            () => byConnector.Select(c => new Measurement<double>(
                c.Value.Oldest is { } oldest ? Math.Max(0, (clock.GetUtcNow() - oldest).TotalSeconds) : 0,
                new KeyValuePair<string, object?>("connector", c.Key))));
    }

    public async Task MeasureAsync(string connectorId, CancellationToken cancellationToken) =>
        byConnector[connectorId] = await outbox.MeasureAsync(connectorId, MaxCounted, cancellationToken);

    /// <summary>The last measurement of one connector (depth, oldest staged row).</summary>
    public (long Depth, DateTimeOffset? Oldest) Of(string connectorId) => byConnector.GetValueOrDefault(connectorId);
}
