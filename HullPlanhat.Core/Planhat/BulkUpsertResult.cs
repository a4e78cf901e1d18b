using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace HullPlanhat.Core.Planhat;

/// <summary>The keys Planhat reports for an inserted or updated row.</summary>
public sealed record BulkKey(
    [property: JsonPropertyName("_id")] string? Id,
    [property: JsonPropertyName("externalId")] string? ExternalId,
    [property: JsonPropertyName("sourceId")] string? SourceId);

/// <summary>Planhat's bulk upsert response (planhat-api.md §2).</summary>
public sealed record BulkUpsertResult
{
    [JsonPropertyName("created")] public int Created { get; init; }
    [JsonPropertyName("createdErrors")] public JsonArray CreatedErrors { get; set; } = [];
    [JsonPropertyName("insertsKeys")] public IReadOnlyList<BulkKey> InsertsKeys { get; set; } = [];
    [JsonPropertyName("updated")] public int Updated { get; init; }
    [JsonPropertyName("updatedErrors")] public JsonArray UpdatedErrors { get; set; } = [];
    [JsonPropertyName("updatesKeys")] public IReadOnlyList<BulkKey> UpdatesKeys { get; set; } = [];
    [JsonPropertyName("nonupdates")] public int NonUpdates { get; init; }
    [JsonPropertyName("permissionErrors")] public JsonArray PermissionErrors { get; set; } = [];

    public IEnumerable<BulkKey> SucceededKeys => InsertsKeys.Concat(UpdatesKeys);

    public IEnumerable<JsonNode?> Errors => CreatedErrors.Concat(UpdatedErrors).Concat(PermissionErrors);
}
