using System.Diagnostics;
using HullPlanhat.Testing;

namespace HullPlanhat.Benchmarks;

/// <summary>
/// The storage emulator's CPU time over a stretch of work: what each message or object cost it, and
/// how busy it was. The emulator serves every request on one Node thread, so at 100 % busy its
/// throughput is 1 / (CPU per object): comparing the product's cost per object with the ceiling's cost
/// per message tells how much of the gap to the ceiling is work the emulator does for the product's
/// table rows, and how much is the emulator waiting.
/// </summary>
public sealed class EmulatorCpu
{
    private readonly AzuriteProcess emulator;
    private readonly TimeSpan? startCpu;
    private readonly Stopwatch wall = Stopwatch.StartNew();

    private EmulatorCpu(AzuriteProcess emulator)
    {
        this.emulator = emulator;
        startCpu = emulator.ProcessorTime;
    }

    public static EmulatorCpu Start(AzuriteProcess emulator) => new(emulator);

    /// <returns>CPU µs per unit and the share of one core used since the start; null when the emulator's process is not ours to read.</returns>
    public (double MicrosecondsPerUnit, double Busy)? Stop(long units) =>
        startCpu is { } start && emulator.ProcessorTime is { } end && units > 0
            ? ((end - start).TotalMicroseconds / units, (end - start) / wall.Elapsed)
            : null;
}
