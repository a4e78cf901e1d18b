using System.Text.Json.Serialization;
using HullPlanhat.Core.Status;

namespace HullPlanhat.Core.InternalApi;

/// <summary>A JSON error answer: <c>{"message": "..."}</c>.</summary>
public sealed record ErrorBody([property: JsonPropertyName("message")] string Message);

/// <summary><c>GET /health</c>'s answer.</summary>
public sealed record HealthBody(
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("storage")] string Storage);

/// <summary>Source-generated serialisation for the internal API, status and health answers.</summary>
[JsonSerializable(typeof(ErrorBody))]
[JsonSerializable(typeof(HealthBody))]
[JsonSerializable(typeof(ConnectorStatus))]
public sealed partial class InternalApiJsonContext : JsonSerializerContext;
