using System.Collections.Concurrent;

namespace HullPlanhat.Benchmarks;

/// <summary>Counts the product's log lines by Hull name without keeping them (large runs would otherwise hold every line).</summary>
public sealed class LogTally
{
    private readonly ConcurrentDictionary<string, long> counts = new(StringComparer.Ordinal);

    /// <summary>For <c>CapturedLogs</c>: counts the line, keeps none.</summary>
    public bool CountAndDrop(string? eventName)
    {
        if (eventName is not null)
        {
            counts.AddOrUpdate(eventName, 1, (_, c) => c + 1);
        }

        return false;
    }

    public long Count(params string[] eventNames) => eventNames.Sum(n => counts.GetValueOrDefault(n));
}
