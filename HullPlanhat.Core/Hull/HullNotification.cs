using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace HullPlanhat.Core.Hull;

/// <summary>The credentials Hull sends with every notification.</summary>
public sealed record HullConfiguration(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("organization")] string Organization,
    [property: JsonPropertyName("secret")] string Secret);

/// <summary>The connector object of a notification; settings stay raw until parsed.</summary>
public sealed record HullConnector
{
    [JsonPropertyName("id")] public string? Id { get; init; }
    [JsonPropertyName("name")] public string? Name { get; init; }
    [JsonPropertyName("private_settings")] public JsonObject? PrivateSettings { get; init; }
}

public sealed record HullSegment(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("name")] string? Name);

/// <summary>A Hull smart-notifier body (hull-protocol.md §1.3). Messages stay raw JSON.</summary>
public sealed record HullNotification
{
    [JsonPropertyName("notification_id")] public string? NotificationId { get; init; }
    [JsonPropertyName("configuration")] public HullConfiguration? Configuration { get; init; }
    [JsonPropertyName("connector")] public HullConnector? Connector { get; init; }
    [JsonPropertyName("channel")] public string? Channel { get; init; }
    /// <summary>Raw elements: each is validated on its own (<see cref="Intake.NotificationSplitter"/>), so one bad element cannot fail the batch.</summary>
    [JsonPropertyName("messages")] public IReadOnlyList<JsonNode?>? Messages { get; init; }
    // Not used by the product; kept raw so an odd segment list cannot fail the notification.
    [JsonPropertyName("segments")] public JsonNode? Segments { get; init; }
    [JsonPropertyName("accounts_segments")] public JsonNode? AccountsSegments { get; init; }

    /// <summary>Raw, so a non-boolean value is read as <c>false</c> instead of failing the notification.</summary>
    [JsonPropertyName("is_export")] public JsonNode? IsExportValue { get; init; }

    [JsonIgnore] public bool IsExport => IsExportValue is JsonValue value && value.TryGetValue<bool>(out var export) && export;
}

public static class HullChannels
{
    public const string UserUpdate = "user:update";
    public const string AccountUpdate = "account:update";
}
