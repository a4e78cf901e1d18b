using System.Text.Json.Serialization;

namespace HullPlanhat.Core.Batch;

/// <summary>The body Hull POSTs to <c>/batch</c> and <c>/batch-accounts</c> (hull-protocol.md §1.7).</summary>
public sealed record BatchRequest
{
    [JsonPropertyName("url")] public string? Url { get; init; }
    [JsonPropertyName("format")] public string? Format { get; init; }
    [JsonPropertyName("object_type")] public string? ObjectType { get; init; }
}

/// <summary>Which kind of report an extract holds.</summary>
public enum ExtractKind { Users, Accounts }

[JsonSerializable(typeof(BatchRequest))]
internal sealed partial class BatchJsonContext : JsonSerializerContext;
