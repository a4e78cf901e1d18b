using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using HullPlanhat.Core.Storage;

namespace HullPlanhat.Benchmarks;

/// <summary>Counts the product's storage requests (it runs in this process) by service and operation.</summary>
public sealed class StorageCounters : IDisposable
{
    private readonly MeterListener listener = new();
    private readonly ConcurrentDictionary<string, long> counts = new(StringComparer.Ordinal);

    public StorageCounters()
    {
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Name == StorageRequestMetrics.InstrumentName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            var (service, operation, table) = StorageRequestMetrics.AllTagsOf(tags);
            counts.AddOrUpdate(table is null ? $"{service} {operation}" : $"{service} {operation} {table}", value, (_, c) => c + value);
        });
        listener.Start();
    }

    public IReadOnlyDictionary<string, long> Snapshot() => new Dictionary<string, long>(counts, StringComparer.Ordinal);

    /// <summary>Requests since <paramref name="before"/>, by "service operation".</summary>
    public IReadOnlyDictionary<string, long> Since(IReadOnlyDictionary<string, long> before) =>
        Snapshot().Select(kv => (kv.Key, Count: kv.Value - before.GetValueOrDefault(kv.Key))).Where(kv => kv.Count > 0)
            .ToDictionary(kv => kv.Key, kv => kv.Count, StringComparer.Ordinal);

    public void Dispose() => listener.Dispose();
}
