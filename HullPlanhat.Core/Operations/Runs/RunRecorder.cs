using System.Diagnostics.Metrics;
using HullPlanhat.Core.Logging;
using HullPlanhat.Core.Telemetry;
using Microsoft.Extensions.Logging;

namespace HullPlanhat.Core.Operations.Runs;

/// <summary>
/// Records runs (outbox flushes, incoming imports) for <c>GET /api/runs</c>. The seam is one
/// <c>await using var run = runs.Begin(...)</c> in the runner: everything measured in that async flow
/// on the product's own meter (objects synced, skipped, failed, Planhat calls and 429s, firehose
/// calls) is added to the run, so the runners need no counting code of their own.
/// </summary>
public sealed class RunRecorder : IDisposable
{
    internal const string SyncedInstrument = "hullplanhat.objects.synced";
    internal const string SkippedInstrument = "hullplanhat.objects.skipped";
    internal const string FailedInstrument = "hullplanhat.objects.failed";
    internal const string PlanhatCallsInstrument = "hullplanhat.planhat.calls";
    internal const string FirehoseCallsInstrument = "hullplanhat.firehose.calls";
    private static readonly HashSet<string> Counted = [SyncedInstrument, SkippedInstrument, FailedInstrument, PlanhatCallsInstrument, FirehoseCallsInstrument];

    private readonly AsyncLocal<RunScope?> current = new();
    private readonly MeterListener listener = new();
    private readonly RunStore store;
    private readonly TimeProvider clock;
    private readonly ILogger<RunRecorder> logger;

    public RunRecorder(RunStore store, IMeterFactory meters, TimeProvider clock, ILogger<RunRecorder> logger)
    {
        this.store = store;
        this.clock = clock;
        this.logger = logger;

        // Only this container's meter: several hosts may share a process (tests).
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == ProductMetrics.Name && ReferenceEquals(instrument.Meter.Scope, meters) && Counted.Contains(instrument.Name))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            if (Current is { } run)
            {
                run.Count(instrument.Name, value, StatusOf(tags));
            }
        });
        listener.Start();
    }

    internal DateTimeOffset Now => clock.GetUtcNow();

    /// <summary>The run of this async flow, if one is being recorded.</summary>
    public RunScope? Current
    {
        get
        {
            var run = current.Value;
            while (run is { IsClosed: true })
            {
                run = run.Outer;
            }

            return run;
        }
    }

    /// <summary>Starts recording a run of <paramref name="function"/> for one connector in this async flow.</summary>
    public RunScope Begin(string function, string connectorId)
    {
        var run = new RunScope(this, function, connectorId, clock.GetUtcNow(), Current);
        current.Value = run;
        return run;
    }

    /// <summary>Planhat's answer to a bulk upsert made in this flow (see <see cref="BulkAnswerTap"/>).</summary>
    public void BulkAnswered(int created, int updated, int unchanged) => Current?.Upserted(created, updated, unchanged);

    internal async ValueTask CompleteAsync(RunScope run)
    {
        if (ReferenceEquals(current.Value, run))
        {
            current.Value = run.Outer;
        }

        if (run.IsEmpty)
        {
            return;
        }

        try
        {
            // The run's own token may be cancelled already (a timed-out flush); its record still counts.
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            await store.SaveAsync(run.ToRecord(RunStore.NewId(clock.GetUtcNow()), clock.GetUtcNow()), run.Errors, timeout.Token);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // History must never fail the work it describes.
            logger.RunRecordFailed(run.Function, e.GetType().Name + ": " + e.Message);
        }
    }

    private static int? StatusOf(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        foreach (var tag in tags)
        {
            if (tag.Key == "status" && tag.Value is int status)
            {
                return status;
            }
        }

        return null;
    }

    public void Dispose() => listener.Dispose();
}
