using System.Text.Json;
using System.Text.Json.Nodes;
using HullPlanhat.Core.Incoming;
using HullPlanhat.Core.Json;

namespace HullPlanhat.Core.TwoWay;

/// <summary>One changed Planhat object named by a webhook.</summary>
public sealed record ChangedObject(IncomingKind Kind, string PlanhatId);

/// <summary>
/// Reads what a Planhat Automation's "Call a webhook" step sends (docs/planhat-webhooks.md). The body
/// is one item or an array of up to <see cref="MaxItems"/>; an item is the record itself
/// (<c>&lt;&lt;object&gt;&gt;</c>), or names it: <c>{"model": "company", "_id": "…"}</c>, or wraps it:
/// <c>{"model": "enduser", "object": {…}}</c> (also <c>data</c>, <c>record</c>; <c>id</c> for <c>_id</c>;
/// <c>type</c> or <c>objectType</c> for <c>model</c>). The model may also come from the query
/// (<c>?model=</c>) and, for a whole record, from its fields (an enduser has <c>email</c> or
/// <c>companyId</c>). Only the id is used: the connector reads the current record from Planhat, so
/// a late or replayed webhook never sends an older state. Pure: JSON in, objects or a reason out.
/// </summary>
public static class PlanhatWebhookPayload
{
    public const int MaxItems = 100;
    private static readonly string[] Wrappers = ["object", "data", "record"];
    private static readonly string[] ModelKeys = ["model", "type", "objectType"];

    public static (IReadOnlyList<ChangedObject> Objects, string? Error) Parse(ReadOnlySpan<byte> body, string? queryModel)
    {
        JsonNode? root;
        try
        {
            root = UntrustedJson.Parse(body);
        }
        catch (JsonException e)
        {
            return ([], "Malformed JSON: " + e.Message);
        }

        var items = root switch
        {
            JsonArray array => array.ToList(),
            JsonObject => [root],
            _ => null,
        };
        if (items is null || items.Count == 0)
        {
            return ([], "The body must be a JSON object (the changed record) or a non-empty array of them.");
        }

        if (items.Count > MaxItems)
        {
            return ([], $"At most {MaxItems} records per call; this one has {items.Count}.");
        }

        Kind(queryModel, out var fallback);
        if (queryModel is { Length: > 0 } && fallback is null)
        {
            return ([], $"Unknown model '{queryModel}' in the query: use company or enduser.");
        }

        var objects = new List<ChangedObject>(items.Count);
        for (var i = 0; i < items.Count; i++)
        {
            var (changed, error) = Item(items[i], fallback);
            if (error is not null)
            {
                return ([], items.Count == 1 ? error : $"Item {i}: {error}");
            }

            objects.Add(changed!);
        }

        return (objects.DistinctBy(o => (o.Kind.Name, o.PlanhatId)).ToList(), null);
    }

    private static (ChangedObject? Object, string? Error) Item(JsonNode? node, IncomingKind? fallback)
    {
        if (node is not JsonObject item)
        {
            return (null, "A record must be a JSON object.");
        }

        var record = Wrappers.Select(w => item[w]).OfType<JsonObject>().FirstOrDefault() ?? item;
        var model = ModelKeys.Select(k => Text(item[k]) ?? Text(record[k])).FirstOrDefault(m => m is not null);
        if (model is not null && !Kind(model, out _))
        {
            return (null, $"Unknown model '{model}': use company or enduser.");
        }

        Kind(model, out var kind);
        kind ??= fallback ?? Infer(record);
        if (kind is null)
        {
            return (null, "Cannot tell whether the record is a company or an enduser: add \"model\": \"company\" or \"enduser\", or ?model= to the URL.");
        }

        var id = Text(record["_id"]) ?? Text(record["id"]) ?? Text(item["_id"]) ?? Text(item["id"]);
        if (id is null)
        {
            return (null, "The record has no _id.");
        }

        return IsObjectId(id)
            ? (new ChangedObject(kind, id), null)
            : (null, "The _id must be a Planhat id (24 hexadecimal characters).");
    }

    private static bool Kind(string? model, out IncomingKind? kind)
    {
        kind = model?.Trim().Replace(" ", string.Empty, StringComparison.Ordinal).Replace("_", string.Empty, StringComparison.Ordinal).ToLowerInvariant() switch
        {
            "company" or "companies" => IncomingKind.Companies,
            "enduser" or "endusers" or "contact" or "contacts" => IncomingKind.Endusers,
            _ => null,
        };
        return kind is not null;
    }

    // A whole record: endusers carry an email or their company's id, companies neither.
    private static IncomingKind? Infer(JsonObject record) =>
        record.Count <= 1 ? null
        : record.ContainsKey("email") || record.ContainsKey("companyId") ? IncomingKind.Endusers
        : record.ContainsKey("name") ? IncomingKind.Companies
        : null;

    private static bool IsObjectId(string id) => id.Length == 24 && id.All(char.IsAsciiHexDigit);

    private static string? Text(JsonNode? node) =>
        node is JsonValue value && value.TryGetValue<string>(out var text) && text.Trim() is { Length: > 0 } trimmed ? trimmed : null;
}
