using System.Text.Json.Nodes;

namespace HullPlanhat.Core.Planhat;

/// <summary>How objects of one Planhat type are found by their own keys.</summary>
/// <param name="ListPath">The list endpoint, with the projection that keeps pages small.</param>
/// <param name="Keys">The keys an object is known by, in the order Planhat matches them.</param>
public sealed record PlanhatIdLookup(string ListPath, IReadOnlyList<string> Keys)
{
    public static readonly PlanhatIdLookup Companies = new("leancompanies?", ["sourceId", "externalId"]);
    public static readonly PlanhatIdLookup Endusers = new("endusers?select=_id,externalId,email,companyId&", ["externalId", "email"]);
}

/// <summary>
/// Finds the Planhat ids of objects Planhat accepted without naming them (a bulk upsert does not
/// list unchanged rows): a few by one filtered query each, more by paging the list endpoint. The
/// lookups of one flush share one pass (<see cref="PlanhatListing"/>), so a re-sent chunk or a first
/// sync against a Planhat that already holds the data costs about one call per 5,000 objects listed,
/// once per flush, instead of one per object, or one pass per chunk.
/// </summary>
public sealed class PlanhatIdResolver(PlanhatClient planhat)
{
    /// <summary>Up to this many objects, one filtered query each is cheaper than paging the whole list.</summary>
    public const int QueryEachUpTo = 3;

    public const int PageSize = 5000;

    /// <param name="listing">The pass the lookups of this flush share; null for a lookup of its own.</param>
    /// <returns>The Planhat id per item, null where none was found. Throws when a call fails.</returns>
    public async Task<string?[]> ResolveAsync(PlanhatConnection connection, PlanhatIdLookup lookup, IReadOnlyList<JsonObject> items, PlanhatListing? listing,
        CancellationToken cancellationToken)
    {
        var ids = new string?[items.Count];
        var keys = items.Select(item => KeyOf(lookup, item)).ToArray();
        if (items.Count <= QueryEachUpTo)
        {
            for (var i = 0; i < items.Count; i++)
            {
                if (keys[i] is { } key)
                {
                    var found = await planhat.QueryAsync(connection, $"{lookup.ListPath}{key.Name}={Uri.EscapeDataString(key.Value)}", cancellationToken);
                    ids[i] = Pick(found, key, items[i]);
                }
            }

            return ids;
        }

        var wanted = new Dictionary<(string, string), List<int>>();
        for (var i = 0; i < items.Count; i++)
        {
            if (keys[i] is { } key)
            {
                var slot = (key.Name, Normalize(key));
                if (!wanted.TryGetValue(slot, out var indexes))
                {
                    wanted[slot] = indexes = [];
                }

                indexes.Add(i);
            }
        }

        listing ??= new PlanhatListing();
        var thisLookup = listing.BeginLookup();
        // Objects created since the pass went by (e.g. by this flush's earlier chunks) are listed after its end.
        listing.Reopen();
        if (!await ReadUntilFoundAsync(connection, lookup, listing, wanted.Keys, cancellationToken) && listing.PassStartedAt < thisLookup)
        {
            // Offsets shift when objects are deleted: a pass from an earlier lookup may have skipped some. One new pass.
            listing.Restart(thisLookup);
            await ReadUntilFoundAsync(connection, lookup, listing, wanted.Keys, cancellationToken);
        }

        foreach (var (key, indexes) in wanted)
        {
            foreach (var found in listing.Find(key))
            {
                foreach (var i in indexes)
                {
                    // Several endusers may share an email: the one in the item's company wins.
                    if (ids[i] is null || (Text(items[i], "companyId") is { } companyId && found.CompanyId == companyId))
                    {
                        ids[i] = found.Id;
                    }
                }
            }
        }

        return ids;
    }

    /// <summary>Reads on in the pass until every key has been listed or the list ends.</summary>
    /// <returns>Whether every key has been listed.</returns>
    private async Task<bool> ReadUntilFoundAsync(PlanhatConnection connection, PlanhatIdLookup lookup, PlanhatListing listing,
        IReadOnlyCollection<(string Name, string Value)> keys, CancellationToken cancellationToken)
    {
        var missing = keys.Where(k => listing.Find(k).Count == 0).ToHashSet();
        while (missing.Count > 0 && !listing.Complete)
        {
            // Planhat clamps the page size it does not allow; only an empty page proves the end.
            var page = await planhat.QueryAsync(connection, $"{lookup.ListPath}limit={PageSize}&offset={listing.NextOffset}", cancellationToken);
            listing.Add(page, lookup.Keys, ListedKey);
            missing.RemoveWhere(k => listing.Find(k).Count > 0);
        }

        return missing.Count == 0;
    }

    private static (string, string)? ListedKey(JsonObject found, string name) =>
        Text(found, name) is { } value ? (name, Normalize(new(name, value))) : null;

    /// <summary>
    /// Gives the rows among <paramref name="indexes"/> that Planhat accepted without naming them
    /// their ids; a row whose id cannot be found fails (and is retried) with <paramref name="notFound"/>.
    /// </summary>
    public async Task NameAcceptedAsync(PlanhatConnection connection, PlanhatIdLookup lookup, IReadOnlyList<JsonObject> items,
        BulkRowOutcome[] outcomes, IEnumerable<int> indexes, string notFound, PlanhatListing? listing, CancellationToken cancellationToken)
    {
        var unnamed = indexes.Where(i => outcomes[i] is { Succeeded: true, PlanhatId: null }).ToList();
        if (unnamed.Count == 0)
        {
            return;
        }

        var (found, error) = await TryResolveAsync(connection, lookup, unnamed.Select(i => items[i]).ToList(), listing, cancellationToken);
        for (var k = 0; k < unnamed.Count; k++)
        {
            outcomes[unnamed[k]] = found.ElementAtOrDefault(k) is { } id
                ? new BulkRowOutcome(true, id, null)
                : new BulkRowOutcome(false, null, error is null ? notFound : $"Planhat accepted it, but looking up its id failed: {error}");
        }
    }

    /// <summary><see cref="ResolveAsync"/> with a failed call as an error instead of an exception.</summary>
    public Task<(string?[] Ids, string? Error)> TryResolveAsync(PlanhatConnection connection, PlanhatIdLookup lookup, IReadOnlyList<JsonObject> items,
        PlanhatListing? listing, CancellationToken cancellationToken) =>
        PlanhatCalls.TryAsync<(string?[], string?)>(
            async () => (await ResolveAsync(connection, lookup, items, listing, cancellationToken), null),
            error => ([], error), cancellationToken);

    private sealed record Key(string Name, string Value);

    private static Key? KeyOf(PlanhatIdLookup lookup, JsonObject item) =>
        lookup.Keys.Select(name => Text(item, name) is { } value ? new Key(name, value) : null).FirstOrDefault(k => k is not null);

    private static string Normalize(Key key) => key.Name == "email" ? key.Value.ToLowerInvariant() : key.Value;

    /// <summary>The object a filtered query returned that really has the key (a filter Planhat ignored must not pick a stranger).</summary>
    private static string? Pick(IReadOnlyList<JsonObject> found, Key key, JsonObject item)
    {
        var same = found.Where(f => Text(f, key.Name) is { } value && Normalize(new(key.Name, value)) == Normalize(key)).ToList();
        return (same.FirstOrDefault(f => SameCompany(f, item)) ?? same.FirstOrDefault())?["_id"]?.ToString();
    }

    private static bool SameCompany(JsonObject found, JsonObject item) =>
        Text(item, "companyId") is { } companyId && Text(found, "companyId") == companyId;

    private static string? Text(JsonObject source, string key) =>
        source[key] is JsonValue value && value.TryGetValue<string>(out var text) && text.Length > 0 ? text : null;
}
