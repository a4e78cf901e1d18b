using System.Text.Json.Nodes;
using HullPlanhat.Core.Planhat;

namespace HullPlanhat.Core.Operations.Preview;

/// <summary>How a previewed object is found in Planhat: its id, else its own keys.</summary>
public sealed record HeldKey(string? PlanhatId, string? ExternalId, string? SourceId, string? Email);

/// <summary>
/// Reads, never writes, the objects Planhat holds for previewed payloads: a few by one filtered GET
/// each, more by paging the collection once (5,000 per call) until every one is found, so previewing
/// N objects costs about (Planhat's collection size)/5,000 reads, not N.
/// </summary>
public sealed class PlanhatHeldObjects(PlanhatClient planhat)
{
    public async Task<JsonObject?[]> FindAsync(PlanhatConnection connection, string collection, IReadOnlyList<HeldKey> keys, CancellationToken cancellationToken)
    {
        var found = new JsonObject?[keys.Count];
        if (keys.Count == 0)
        {
            return found;
        }

        if (keys.Count <= PlanhatIdResolver.QueryEachUpTo)
        {
            for (var i = 0; i < keys.Count; i++)
            {
                if (keys[i].PlanhatId is { } id)
                {
                    var raw = await planhat.SendRawAsync(connection, HttpMethod.Get, $"{collection}/{Uri.EscapeDataString(id)}", null, cancellationToken);
                    found[i] = raw.Status == System.Net.HttpStatusCode.NotFound ? null
                        : (int)raw.Status is >= 200 and < 300 ? (raw.Body.Trim() is "" or "null" ? null : JsonNode.Parse(raw.Body) as JsonObject)
                        : throw new PlanhatApiException(raw.Status, "GET", collection, raw.Body);
                    continue;
                }

                var query = Filter(keys[i]);
                if (query is not null)
                {
                    found[i] = (await planhat.QueryAsync(connection, $"{collection}?{query}", cancellationToken)).FirstOrDefault(o => Matches(o, keys[i]));
                }
            }

            return found;
        }

        var missing = Enumerable.Range(0, keys.Count).ToHashSet();
        for (var offset = 0; missing.Count > 0; offset += PlanhatIdResolver.PageSize)
        {
            var page = await planhat.ListPageAsync(connection, collection, PlanhatIdResolver.PageSize, offset, cancellationToken);
            if (page.Count == 0)
            {
                break;
            }

            var index = Index(page);
            foreach (var i in missing.ToList())
            {
                if (Lookup(index, keys[i]) is { } held)
                {
                    found[i] = held;
                    missing.Remove(i);
                }
            }
        }

        return found;
    }

    private static string? Filter(HeldKey key) =>
        key.ExternalId is { } ext ? "externalId=" + Uri.EscapeDataString(ext)
        : key.SourceId is { } source ? "sourceId=" + Uri.EscapeDataString(source)
        : key.Email is { } email ? "email=" + Uri.EscapeDataString(email)
        : null;

    /// <summary>A filter Planhat ignored must not pick a stranger.</summary>
    private static bool Matches(JsonObject held, HeldKey key) =>
        key.PlanhatId is { } id ? Text(held, "_id") == id
        : key.ExternalId is { } ext ? Text(held, "externalId") == ext
        : key.SourceId is { } source ? Text(held, "sourceId") == source
        : key.Email is { } email && string.Equals(Text(held, "email"), email, StringComparison.OrdinalIgnoreCase);

    private static Dictionary<string, JsonObject> Index(IReadOnlyList<JsonObject> page)
    {
        var index = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
        foreach (var held in page)
        {
            foreach (var (name, value) in new[] { ("_id", Text(held, "_id")), ("externalId", Text(held, "externalId")), ("sourceId", Text(held, "sourceId")), ("email", Text(held, "email")?.ToLowerInvariant()) })
            {
                if (value is not null)
                {
                    index.TryAdd(name + ":" + value, held);
                }
            }
        }

        return index;
    }

    private static JsonObject? Lookup(Dictionary<string, JsonObject> index, HeldKey key) =>
        key.PlanhatId is { } id ? index.GetValueOrDefault("_id:" + id)
        : key.ExternalId is { } ext ? index.GetValueOrDefault("externalId:" + ext)
        : key.SourceId is { } source ? index.GetValueOrDefault("sourceId:" + source)
        : key.Email is { } email ? index.GetValueOrDefault("email:" + email.ToLowerInvariant())
        : null;

    private static string? Text(JsonObject source, string key) =>
        source[key] is JsonValue value && value.TryGetValue<string>(out var text) && text.Length > 0 ? text : null;
}
