using System.Diagnostics;

namespace HullPlanhat.Benchmarks;

/// <summary>
/// CPU time over a stretch of work for the whole machine (<c>/proc/stat</c>) and for this process
/// (the product and the Hull stand-in): with the emulator's own share (<see cref="EmulatorCpu"/>) it
/// tells whether a phase was bound by the machine's cores rather than by any one process.
/// </summary>
public sealed class MachineCpu
{
    private readonly (TimeSpan Busy, TimeSpan Total) machineStart = ReadMachine();
    private readonly TimeSpan ownStart = Process.GetCurrentProcess().TotalProcessorTime;

    public static MachineCpu Start() => new();

    /// <returns>This process's CPU µs per unit, the whole machine's CPU µs per unit, and the share of all cores busy.</returns>
    public (double OwnMicrosecondsPerUnit, double MachineMicrosecondsPerUnit, double Busy) Stop(long units)
    {
        var (busy, total) = ReadMachine();
        var own = Process.GetCurrentProcess().TotalProcessorTime - ownStart;
        var machineBusy = busy - machineStart.Busy;
        var machineTotal = total - machineStart.Total;
        return (own.TotalMicroseconds / Math.Max(1, units), machineBusy.TotalMicroseconds / Math.Max(1, units),
            machineTotal > TimeSpan.Zero ? machineBusy / machineTotal : 0);
    }

    // The first line of /proc/stat: user nice system idle iowait irq softirq steal ..., in clock ticks (USER_HZ, 100 on Linux).
    private static (TimeSpan Busy, TimeSpan Total) ReadMachine()
    {
        if (!File.Exists("/proc/stat"))
        {
            return (TimeSpan.Zero, TimeSpan.Zero);
        }

        var ticks = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Take(8).Select(long.Parse).ToArray();
        var idle = ticks[3] + ticks[4];
        var total = ticks.Sum();
        return (TimeSpan.FromMilliseconds((total - idle) * 10), TimeSpan.FromMilliseconds(total * 10));
    }
}
