using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace HullPlanhat.Core.Hull;

/// <summary>
/// Read helpers over one raw Hull message (user:update or account:update). Messages are untrusted
/// JSON: every reader tolerates any shape, and ids may arrive as numbers.
/// </summary>
public static class HullMessages
{
    public static JsonObject? Account(JsonObject message) => message["account"] as JsonObject is { Count: > 0 } account ? account : null;

    public static JsonObject? User(JsonObject message) => message["user"] as JsonObject is { Count: > 0 } user ? user : null;

    public static IReadOnlyList<string> SegmentIds(JsonObject message, string property) =>
        message[property] is JsonArray segments
            ? segments.OfType<JsonObject>().Select(s => Id(s["id"])).OfType<string>().ToArray()
            : [];

    /// <summary>
    /// The key an account's sync state is kept under: its Hull id, else its <c>external_id</c>. A user's
    /// company is found by the same key of the user's account.
    /// </summary>
    public static string? AccountKey(JsonObject? account) => String(account, "id") ?? String(account, "external_id");

    /// <summary>A non-empty string, or an integer written as one (ids such as <c>external_id</c> are often numeric).</summary>
    public static string? String(JsonObject? source, string key) => Id(source?[key]);

    /// <summary>The value as an id string: a non-empty string or an integral number; anything else is null.</summary>
    public static string? Id(JsonNode? node)
    {
        if (node is not JsonValue value)
        {
            return null;
        }

        if (value.TryGetValue<string>(out var text))
        {
            return text.Length > 0 ? text : null;
        }

        if (value.GetValueKind() == JsonValueKind.Number
            && decimal.TryParse(value.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var number)
            && decimal.Truncate(number) == number)
        {
            return number.ToString("0", CultureInfo.InvariantCulture);
        }

        return null;
    }
}
