using System.Text.Json.Nodes;

namespace HullPlanhat.Core.Hull;

/// <summary>Read helpers over one raw Hull message (user:update or account:update).</summary>
public static class HullMessages
{
    public static JsonObject? Account(JsonObject message) => message["account"] as JsonObject is { Count: > 0 } account ? account : null;

    public static JsonObject? User(JsonObject message) => message["user"] as JsonObject is { Count: > 0 } user ? user : null;

    public static IReadOnlyList<string> SegmentIds(JsonObject message, string property) =>
        message[property] is JsonArray segments
            ? segments.OfType<JsonObject>().Select(s => s["id"]?.GetValue<string>()).OfType<string>().ToArray()
            : [];

    public static string? String(JsonObject? source, string key) =>
        source?[key] is JsonValue value && value.TryGetValue<string>(out var text) && !string.IsNullOrEmpty(text) ? text : null;
}
