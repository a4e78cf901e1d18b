using System.Text.Json.Serialization;
using HullPlanhat.Core.Hull;
using HullPlanhat.Core.Storage;

namespace HullPlanhat.Core;

/// <summary>Source-generated serialisation for the product's wire and storage types.</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(HullNotification))]
[JsonSerializable(typeof(ConnectorSettings))]
[JsonSerializable(typeof(OutgoingAccountMessage))]
[JsonSerializable(typeof(OutgoingUserMessage))]
[JsonSerializable(typeof(ClaimCheck))]
[JsonSerializable(typeof(HullPlanhat.Core.Intake.SmartNotifierResponse))]
public sealed partial class CoreJsonContext : JsonSerializerContext;
