using System.Diagnostics.Metrics;
using HullPlanhat.Core.Telemetry;

namespace HullPlanhat.Benchmarks;

/// <summary>Counts the product's own metrics (it runs in this process) — e.g. firehose requests.</summary>
public sealed class ProductCounters : IDisposable
{
    private readonly MeterListener listener = new();
    private long firehoseCalls;

    public ProductCounters()
    {
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == ProductMetrics.Name && instrument.Name == "hullplanhat.firehose.calls")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref firehoseCalls, value));
        listener.Start();
    }

    public long FirehoseCalls => Interlocked.Read(ref firehoseCalls);

    public void Dispose() => listener.Dispose();
}
