using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using HullPlanhat.Core.Storage;

namespace HullPlanhat.Benchmarks;

/// <summary>Counts the product's storage requests (it runs in this process) by service and operation.</summary>
public sealed class StorageCounters : IDisposable
{
    private readonly ConcurrentDictionary<string, long> counts = new(StringComparer.Ordinal);
    private readonly MeterListener listener;

    public StorageCounters() =>
        listener = StorageInstrumentListener.Start<long>(StorageRequestMetrics.InstrumentName, (key, value) => counts.AddOrUpdate(key, value, (_, c) => c + value));

    public IReadOnlyDictionary<string, long> Snapshot() => new Dictionary<string, long>(counts, StringComparer.Ordinal);

    /// <summary>Requests since <paramref name="before"/>, by "service operation".</summary>
    public IReadOnlyDictionary<string, long> Since(IReadOnlyDictionary<string, long> before) =>
        Snapshot().Select(kv => (kv.Key, Count: kv.Value - before.GetValueOrDefault(kv.Key))).Where(kv => kv.Count > 0)
            .ToDictionary(kv => kv.Key, kv => kv.Count, StringComparer.Ordinal);

    public void Dispose() => listener.Dispose();
}
