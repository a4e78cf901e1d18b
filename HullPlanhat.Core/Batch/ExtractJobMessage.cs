using System.Text.Json.Serialization;

namespace HullPlanhat.Core.Batch;

/// <summary>
/// A message on <c>planhat-extracts</c>: "move batch job <see cref="JobId"/> on". The first one also
/// carries the extract's URL (encrypted: a signed URL grants the data); every later one is only a
/// nudge, because where the job stands lives in its <see cref="ExtractJobStore"/> row. A nudge names
/// the <see cref="Step"/> it carries on from, so a copy that arrives after that step was committed stops.
/// </summary>
public sealed record ExtractJobMessage
{
    [JsonPropertyName("jobId")] public string? JobId { get; init; }
    [JsonPropertyName("connectorId")] public string? ConnectorId { get; init; }
    [JsonPropertyName("kind")] public ExtractKind Kind { get; init; }
    [JsonPropertyName("segmentId")] public string? SegmentId { get; init; }
    [JsonPropertyName("protectedUrl")] public string? ProtectedUrl { get; init; }

    /// <summary>The job step this nudge is for; absent on the first message (and on nudges sent before steps existed, which are taken as current).</summary>
    [JsonPropertyName("step")] public long? Step { get; init; }
}

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, UseStringEnumConverter = true)]
[JsonSerializable(typeof(ExtractJobMessage))]
internal sealed partial class ExtractJobJsonContext : JsonSerializerContext;
