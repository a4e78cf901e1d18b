using System.Globalization;
using System.Text.Json.Nodes;
using HullPlanhat.Core.Hull;

namespace HullPlanhat.Core.Outgoing;

/// <summary>
/// Orders changes of one Hull object: queue delivery is unordered (parallel workers, retried
/// messages come back later), so each staged row carries the time Hull last changed the object and
/// an older change never replaces a newer one. 0 means unknown: then arrival order decides.
/// </summary>
public static class ChangeVersion
{
    /// <summary>Hull's <c>updated_at</c> (or, for users that lack it, <c>indexed_at</c>) in UTC ticks; 0 when absent or unreadable.</summary>
    public static long Of(JsonObject hullObject)
    {
        foreach (var field in (ReadOnlySpan<string>)["updated_at", "indexed_at"])
        {
            if (HullMessages.String(hullObject, field) is { } text
                && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
            {
                return at.UtcTicks;
            }
        }

        return 0;
    }

    /// <summary>True when both versions are known and <paramref name="candidate"/> is the older change.</summary>
    public static bool IsOlder(long candidate, long current) => candidate > 0 && current > 0 && candidate < current;
}
