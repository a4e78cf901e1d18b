using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using HullPlanhat.Core.Storage;

namespace HullPlanhat.Benchmarks;

/// <summary>
/// The product's storage request times (<c>hullplanhat.storage.duration</c>) by "service operation [table]",
/// kept as log-scale counts (8 buckets per doubling, ≈ 9 % wide) so a long run holds no list of values.
/// </summary>
public sealed class StorageLatencies : IDisposable
{
    private const int BucketsPerDoubling = 8;
    private const int Buckets = 27 * BucketsPerDoubling; // 1 µs … 2^27 µs (≈ 134 s)
    private readonly ConcurrentDictionary<string, long[]> counts = new(StringComparer.Ordinal);
    private readonly MeterListener listener;

    public StorageLatencies() =>
        listener = StorageInstrumentListener.Start<double>(StorageRequestMetrics.DurationInstrumentName,
            (key, seconds) => Interlocked.Increment(ref counts.GetOrAdd(key, _ => new long[Buckets])[Bucket(seconds)]));

    private static int Bucket(double seconds) =>
        Math.Clamp((int)(Math.Log2(Math.Max(1, seconds * 1e6)) * BucketsPerDoubling), 0, Buckets - 1);

    private static double UpperMilliseconds(int bucket) => Math.Pow(2, (bucket + 1) / (double)BucketsPerDoubling) / 1000;

    public IReadOnlyDictionary<string, long[]> Snapshot() => counts.ToDictionary(kv => kv.Key, kv => (long[])kv.Value.Clone(), StringComparer.Ordinal);

    /// <summary>"operation p50 / p95 ms (count)" for the operations seen since <paramref name="before"/>, the most frequent first.</summary>
    public string Since(IReadOnlyDictionary<string, long[]> before, int top = 6) => string.Join(", ", Snapshot()
        .Select(kv => (kv.Key, Counts: kv.Value.Select((c, i) => c - (before.TryGetValue(kv.Key, out var b) ? b[i] : 0)).ToArray()))
        .Select(kv => (kv.Key, kv.Counts, Total: kv.Counts.Sum()))
        .Where(kv => kv.Total > 0)
        .OrderByDescending(kv => kv.Total)
        .Take(top)
        .Select(kv => $"{kv.Key} {Percentile(kv.Counts, kv.Total, 0.5):F0} / {Percentile(kv.Counts, kv.Total, 0.95):F0}"));

    private static double Percentile(long[] buckets, long total, double p)
    {
        var rank = (long)Math.Ceiling(p * total);
        long seen = 0;
        for (var i = 0; i < buckets.Length; i++)
        {
            seen += buckets[i];
            if (seen >= rank)
            {
                return UpperMilliseconds(i);
            }
        }

        return UpperMilliseconds(buckets.Length - 1);
    }

    public void Dispose() => listener.Dispose();
}
