using System.Diagnostics;

namespace HullPlanhat.Benchmarks;

/// <summary>Collects named figures and prints them as an aligned table.</summary>
public sealed class Figures(string title)
{
    private readonly List<(string Name, string Value)> rows = [];

    public void Add(string name, string value) => rows.Add((name, value));

    public void Add(string name, TimeSpan value) => Add(name, $"{value.TotalSeconds:F2} s");

    public void AddMemory()
    {
        using var process = Process.GetCurrentProcess();
        Add("peak working set (process)", $"{process.PeakWorkingSet64 / 1024 / 1024} MiB");
        Add("managed heap after GC", $"{GC.GetTotalMemory(forceFullCollection: true) / 1024 / 1024} MiB");
    }

    public void Print()
    {
        Console.WriteLine();
        Console.WriteLine($"== {title}");
        var width = rows.Count == 0 ? 0 : rows.Max(r => r.Name.Length);
        foreach (var (name, value) in rows)
        {
            Console.WriteLine($"   {name.PadRight(width)}  {value}");
        }
    }
}
