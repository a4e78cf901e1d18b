using System.Text.Json.Nodes;
using HullPlanhat.Sandbox.Client;
using HullPlanhat.Sandbox.Planhat;

namespace HullPlanhat.Testing.Reliability;

/// <summary>
/// What Planhat (the Sandbox) holds of one load, object by object: <see cref="Lost"/> counts what
/// Hull sent and Planhat lacks, <see cref="Duplicated"/> every object beyond the first for one Hull object.
/// Activities are posted at most once (Planhat cannot be asked whether a post it answered ambiguously
/// was applied), so where the host may be killed between recording and posting them, their losses are
/// counted apart in <see cref="ActivitiesDropped"/> and not in <see cref="Lost"/>.
/// </summary>
public sealed record PlanhatTally(int Expected, int Lost, int Duplicated, string Detail, int ActivitiesDropped = 0)
{
    public bool Complete => Lost == 0;

    public static async Task<PlanhatTally> TakeAsync(SandboxClient admin, string token, ReliabilityLoad load, CancellationToken cancellationToken = default,
        bool activitiesAtMostOnce = false)
    {
        var parts = new[]
        {
            Count("companies", load.Accounts, Enumerable.Range(0, load.Accounts).Select(load.AccountName),
                await admin.GetObjectsAsync(token, ObjectKind.Companies, cancellationToken), o => Text(o, "name")),
            Count("licenses", load.Accounts, Enumerable.Range(0, load.Accounts).Select(load.LicenseId),
                await admin.GetObjectsAsync(token, ObjectKind.Licenses, cancellationToken), o => Text(o, "externalId")),
            Count("endusers", load.Users, Enumerable.Range(0, load.Users).Select(load.Email),
                await admin.GetObjectsAsync(token, ObjectKind.Endusers, cancellationToken), o => Text(o, "email")?.ToLowerInvariant()),
            Count("activities", load.UsersWithEvents, Enumerable.Range(0, load.UsersWithEvents).Select(load.EventKey),
                await admin.GetAnalyticsAsync(token, cancellationToken), o => (o["info"] as JsonObject)?["key"]?.ToString()),
        };
        var dropped = activitiesAtMostOnce ? parts[^1].Lost : 0;
        return new PlanhatTally(parts.Sum(p => p.Expected), parts.Sum(p => p.Lost) - dropped, parts.Sum(p => p.Duplicated),
            string.Join(", ", parts.Select(p => $"{p.Name} {p.Found}/{p.Expected}" + (p.Duplicated > 0 ? $" ({p.Duplicated} duplicated)" : ""))), dropped);
    }

    private sealed record Part(string Name, int Expected, int Found, int Lost, int Duplicated);

    private static Part Count(string name, int expected, IEnumerable<string> keys, IReadOnlyList<JsonObject> found, Func<JsonObject, string?> keyOf)
    {
        var wanted = keys.ToHashSet(StringComparer.Ordinal);
        var seen = found.Select(keyOf).Where(k => k is not null && wanted.Contains(k)).GroupBy(k => k!, StringComparer.Ordinal).ToList();
        return new Part(name, expected, seen.Count, wanted.Count - seen.Count, seen.Sum(g => g.Count() - 1));
    }

    private static string? Text(JsonObject source, string key) => source[key] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    /// <summary>Takes tallies until nothing is lost; returns the last one and how long that took (the time to drain).</summary>
    public static async Task<(PlanhatTally Tally, TimeSpan Waited)> WaitUntilCompleteAsync(SandboxClient admin, string token, ReliabilityLoad load, TimeSpan timeout,
        CancellationToken cancellationToken = default, bool activitiesAtMostOnce = false)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var tally = await TakeAsync(admin, token, load, cancellationToken, activitiesAtMostOnce);
            if (tally.Complete || clock.Elapsed > timeout)
            {
                return (tally, clock.Elapsed);
            }

            await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken);
        }
    }
}
