using System.Text.Json;
using System.Text.Json.Nodes;

namespace HullPlanhat.Sandbox.Infrastructure;

/// <summary>Reads JSON request bodies; the Planhat gate parses once and stashes the result in HttpContext.Items.</summary>
public static class JsonBody
{
    private const string ItemKey = "sandbox.json-body";

    public sealed record Parsed(JsonNode? Node, bool Invalid);

    public static async Task<Parsed> ReadAsync(HttpRequest request, CancellationToken ct)
    {
        if (request.ContentLength == 0)
        {
            return new Parsed(null, false);
        }

        try
        {
            using var reader = new StreamReader(request.Body);
            var text = await reader.ReadToEndAsync(ct);
            return string.IsNullOrWhiteSpace(text) ? new Parsed(null, false) : new Parsed(JsonNode.Parse(text), false);
        }
        catch (JsonException)
        {
            return new Parsed(null, true);
        }
    }

    public static void Stash(HttpContext context, Parsed parsed) => context.Items[ItemKey] = parsed;

    /// <summary>Returns the parsed body (stashed by the gate, or read now).</summary>
    public static async Task<Parsed> GetAsync(HttpContext context)
    {
        if (context.Items.TryGetValue(ItemKey, out var value) && value is Parsed parsed)
        {
            return parsed;
        }

        parsed = await ReadAsync(context.Request, context.RequestAborted);
        Stash(context, parsed);
        return parsed;
    }

    /// <summary>Detaches the items of an array so they can be stored elsewhere without cloning.</summary>
    public static List<JsonNode?> Detach(JsonArray array)
    {
        var items = array.ToList();
        array.Clear();
        return items;
    }

    /// <summary>Key form of a scalar JSON value (strings as-is, numbers/bools as JSON text); null for null/empty/objects.</summary>
    public static string? KeyOf(JsonNode? node) => node switch
    {
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>() is { Length: > 0 } s ? s : null,
        JsonValue v when v.GetValueKind() is JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => v.ToJsonString(),
        _ => null,
    };

    public static string? KeyOf(JsonObject obj, string field) =>
        obj.TryGetPropertyValue(field, out var node) ? KeyOf(node) : null;
}
