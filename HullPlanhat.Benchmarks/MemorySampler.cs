using System.Diagnostics;

namespace HullPlanhat.Benchmarks;

/// <summary>Samples the managed heap while a run is in progress and reports its peak above the starting point.</summary>
public sealed class MemorySampler : IAsyncDisposable
{
    private readonly CancellationTokenSource stop = new();
    private readonly Task sampling;
    private readonly long baseline;
    private long peak;

    public MemorySampler()
    {
        baseline = GC.GetTotalMemory(forceFullCollection: true);
        peak = baseline;
        sampling = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var now = GC.GetGCMemoryInfo().HeapSizeBytes;
                if (now > Interlocked.Read(ref peak))
                {
                    Interlocked.Exchange(ref peak, now);
                }

                await Task.Delay(20).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        });
    }

    public long PeakAboveBaselineMiB => Math.Max(0, Interlocked.Read(ref peak) - baseline) / 1024 / 1024;

    public long BaselineMiB => baseline / 1024 / 1024;

    public static long WorkingSetMiB()
    {
        using var process = Process.GetCurrentProcess();
        return process.WorkingSet64 / 1024 / 1024;
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        await sampling;
        stop.Dispose();
    }
}
