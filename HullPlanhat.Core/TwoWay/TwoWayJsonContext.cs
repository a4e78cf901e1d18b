using System.Text.Json.Serialization;

namespace HullPlanhat.Core.TwoWay;

[JsonSerializable(typeof(IReadOnlyDictionary<string, string>))]
[JsonSerializable(typeof(WebhookObjectMessage))]
internal sealed partial class TwoWayJsonContext : JsonSerializerContext;
