using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace HullPlanhat.Core.Planhat;

[JsonSerializable(typeof(BulkUpsertResult))]
[JsonSerializable(typeof(JsonNode))]
internal sealed partial class PlanhatJsonContext : JsonSerializerContext;
