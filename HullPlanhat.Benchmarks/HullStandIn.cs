using System.Diagnostics;
using System.Text.Json.Nodes;

namespace HullPlanhat.Benchmarks;

/// <summary>
/// Sends a stream of messages as Hull does: notifications of the <c>size</c> the last answer asked
/// for, each after the <c>in</c> it asked to wait, from a few senders at once. Messages are built
/// as they are sent, so the benchmark holds no portfolio in memory. Paced (<paramref name="objectsPerSecond"/>),
/// a notification is not sent before its objects' turn at that rate: an open load the workers can keep up with.
/// </summary>
public sealed class HullStandIn(BenchContext bench, int senders = 2, double? objectsPerSecond = null)
{
    private readonly List<double> latencies = [];
    private long waitedMs;
    private int slowed;

    /// <summary>POST-to-answer times of every notification, in ms.</summary>
    public IReadOnlyList<double> Latencies => latencies;

    public long WaitedMs => waitedMs;

    /// <summary>Answers that asked for a smaller size or a longer wait than the first (back-pressure).</summary>
    public int Slowed => slowed;

    public async Task SendAsync(IEnumerable<JsonObject> messages, Func<IEnumerable<JsonObject>, string> notification, int firstSize)
    {
        using var source = messages.GetEnumerator();
        var gate = new Lock();
        var clock = Stopwatch.StartNew();
        long taken = 0;
        await Task.WhenAll(Enumerable.Range(0, senders).Select(async _ =>
        {
            var (size, wait) = (firstSize, 0);
            while (true)
            {
                var batch = new List<JsonObject>(size);
                long first;
                lock (gate)
                {
                    while (batch.Count < size && source.MoveNext())
                    {
                        batch.Add(source.Current);
                    }

                    (first, taken) = (taken, taken + batch.Count);
                }

                if (batch.Count == 0)
                {
                    return;
                }

                if (objectsPerSecond is { } rate && TimeSpan.FromSeconds(first / rate) - clock.Elapsed is { Ticks: > 0 } early)
                {
                    await Task.Delay(early);
                }

                var (elapsed, flow) = await bench.PostAsync(notification(batch));
                (size, wait) = (flow?["size"]?.GetValue<int>() ?? size, flow?["in"]?.GetValue<int>() ?? 0);
                lock (latencies)
                {
                    latencies.Add(elapsed.TotalMilliseconds);
                    waitedMs += wait;
                    slowed += size < firstSize || wait >= 1000 ? 1 : 0;
                }

                await Task.Delay(wait);
            }
        }));
    }

    public double Percentile(double p)
    {
        lock (latencies)
        {
            if (latencies.Count == 0)
            {
                return 0;
            }

            var sorted = latencies.Order().ToList();
            return sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];
        }
    }
}
