using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace HullPlanhat.Core.Hull;

[JsonSerializable(typeof(JsonObject))]
internal sealed partial class HullJsonContext : JsonSerializerContext;
