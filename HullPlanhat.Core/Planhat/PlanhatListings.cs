using System.Collections.Concurrent;
using System.Text.Json.Nodes;

namespace HullPlanhat.Core.Planhat;

/// <summary>
/// Passes over a Planhat list endpoint (by offset), each kept for <see cref="Lifetime"/> and carried
/// on where the last lookup stopped, so that the lookups of one flush (one per 5,000-object chunk)
/// read the list about once between them instead of once each. Only ids and company ids are kept.
/// </summary>
public sealed class PlanhatListings(TimeProvider clock)
{
    /// <summary>How long what a pass has read is trusted: about one flush.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(2);

    private readonly ConcurrentDictionary<(string ConnectorId, string ApiBase, string ListPath), PlanhatListing> listings = new();

    /// <summary>The pass for this list, a new one when there is none or it is older than <see cref="Lifetime"/>.</summary>
    public PlanhatListing For(PlanhatConnection connection, PlanhatIdLookup lookup, bool fresh = false)
    {
        var now = clock.GetUtcNow();
        foreach (var expired in listings.Where(l => now - l.Value.StartedAt > Lifetime))
        {
            listings.TryRemove(expired);
        }

        var key = (connection.ConnectorId, connection.ApiBase.ToString(), lookup.ListPath);
        return fresh
            ? listings[key] = new PlanhatListing(now)
            : listings.GetOrAdd(key, _ => new PlanhatListing(now));
    }
}

/// <summary>What one pass over a Planhat list has read so far: per key (name, normalised value), the objects listed with it, in list order.</summary>
public sealed class PlanhatListing(DateTimeOffset startedAt)
{
    public DateTimeOffset StartedAt { get; } = startedAt;

    /// <summary>One lookup reads or extends the pass at a time.</summary>
    public SemaphoreSlim Gate { get; } = new(1, 1);

    public int NextOffset { get; private set; }

    /// <summary>An empty page was read: the pass has seen the whole list.</summary>
    public bool Complete { get; private set; }

    private readonly Dictionary<(string Name, string Value), List<ListedObject>> byKey = [];

    public IReadOnlyList<ListedObject> Find((string Name, string Value) key) =>
        byKey.TryGetValue(key, out var found) ? found : [];

    public void Add(IReadOnlyList<JsonObject> page, IReadOnlyList<string> keyNames, Func<JsonObject, string, (string, string)?> keyOf)
    {
        foreach (var found in page)
        {
            if (found["_id"]?.ToString() is not { Length: > 0 } id)
            {
                continue;
            }

            var listed = new ListedObject(id, found["companyId"]?.ToString());
            foreach (var name in keyNames)
            {
                if (keyOf(found, name) is { } key)
                {
                    if (!byKey.TryGetValue(key, out var objects))
                    {
                        byKey[key] = objects = [];
                    }

                    objects.Add(listed);
                }
            }
        }

        NextOffset += page.Count;
        Complete |= page.Count == 0;
    }
}

public sealed record ListedObject(string Id, string? CompanyId);
