using System.Text.Json.Nodes;

namespace HullPlanhat.Core.Planhat;

/// <summary>
/// What one pass over a Planhat list endpoint (by offset) has read, kept for the id lookups of one
/// flush (<see cref="PlanhatIdResolver"/>): the lookups of its chunks carry the pass on where the
/// last stopped instead of each paging the list from the start. Only ids and company ids are kept.
/// A flush runs its lookups one after another, so a listing is not shared between threads.
/// </summary>
public sealed class PlanhatListing
{
    private readonly Dictionary<(string Name, string Value), List<ListedObject>> byKey = [];
    private int lookups;

    /// <summary>The lookup (numbered from 1 by <see cref="BeginLookup"/>) during which the current pass started.</summary>
    public int PassStartedAt { get; private set; }

    public int NextOffset { get; private set; }

    /// <summary>An empty page was read: the pass has seen the whole list, as it was then.</summary>
    public bool Complete { get; private set; }

    /// <returns>This lookup's number.</returns>
    public int BeginLookup()
    {
        lookups++;
        if (PassStartedAt == 0)
        {
            PassStartedAt = lookups;
        }

        return lookups;
    }

    /// <summary>Reads past the end again: objects created since the pass ended are listed after it (Planhat lists in id order).</summary>
    public void Reopen() => Complete = false;

    /// <summary>Forgets what was read and starts a new pass from the first page, during lookup <paramref name="lookup"/>.</summary>
    public void Restart(int lookup)
    {
        byKey.Clear();
        NextOffset = 0;
        Complete = false;
        PassStartedAt = lookup;
    }

    /// <summary>Forgets what was read (objects were deleted meanwhile); the next lookup starts a new pass.</summary>
    public void Forget() => Restart(0);

    public IReadOnlyList<ListedObject> Find((string Name, string Value) key) =>
        byKey.TryGetValue(key, out var found) ? found : [];

    /// <param name="keyOf">The lookup key of a listed object under one key name, null when it has none.</param>
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

/// <summary>A listed Planhat object: its id and, for endusers, its company's id.</summary>
public sealed record ListedObject(string Id, string? CompanyId);
