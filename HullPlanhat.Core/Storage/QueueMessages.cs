using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace HullPlanhat.Core.Storage;

/// <summary>One Hull account change, as queued on <c>planhat-accounts</c>.</summary>
public sealed record OutgoingAccountMessage : IConnectorMessage
{
    [JsonPropertyName("connectorId")] public required string ConnectorId { get; init; }
    [JsonPropertyName("notificationId")] public string? NotificationId { get; init; }
    [JsonPropertyName("isExport")] public bool IsExport { get; init; }
    [JsonPropertyName("account")] public required JsonObject Account { get; init; }
    [JsonPropertyName("accountSegmentIds")] public IReadOnlyList<string> AccountSegmentIds { get; set; } = [];
}

/// <summary>One Hull user change (with its account and events), as queued on <c>planhat-users</c>.</summary>
public sealed record OutgoingUserMessage : IConnectorMessage
{
    [JsonPropertyName("connectorId")] public required string ConnectorId { get; init; }
    [JsonPropertyName("notificationId")] public string? NotificationId { get; init; }
    [JsonPropertyName("isExport")] public bool IsExport { get; init; }
    [JsonPropertyName("user")] public required JsonObject User { get; init; }
    [JsonPropertyName("account")] public JsonObject? Account { get; init; }
    [JsonPropertyName("segmentIds")] public IReadOnlyList<string> SegmentIds { get; set; } = [];
    [JsonPropertyName("accountSegmentIds")] public IReadOnlyList<string> AccountSegmentIds { get; set; } = [];
    [JsonPropertyName("events")] public JsonArray? Events { get; init; }
}

/// <summary>Stands in the queue for a message too large for it; the body is in a blob.</summary>
public sealed record ClaimCheck([property: JsonPropertyName("$claimCheck")] string BlobName);
