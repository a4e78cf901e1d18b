using System.Diagnostics;

namespace HullPlanhat.Benchmarks;

/// <summary>Samples this process's resident set (working set) and managed heap every 200 ms; reports the peaks.</summary>
public sealed class RssSampler : IAsyncDisposable
{
    private readonly CancellationTokenSource stop = new();
    private readonly Task sampling;
    private long peakRss;
    private long peakHeap;

    public RssSampler()
    {
        sampling = Task.Run(async () =>
        {
            using var process = Process.GetCurrentProcess();
            while (!stop.IsCancellationRequested)
            {
                process.Refresh();
                peakRss = Math.Max(peakRss, process.WorkingSet64);
                peakHeap = Math.Max(peakHeap, GC.GetGCMemoryInfo().HeapSizeBytes);
                await Task.Delay(200).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        });
    }

    public long PeakRssMiB => Interlocked.Read(ref peakRss) / 1024 / 1024;

    public long PeakHeapMiB => Interlocked.Read(ref peakHeap) / 1024 / 1024;

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        await sampling;
        stop.Dispose();
    }
}
