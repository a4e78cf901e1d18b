using System.Text.Json.Serialization;
using HullPlanhat.Core.Hull;

namespace HullPlanhat.Core.Intake;

/// <summary>
/// Reads notification bodies. The depth limit is above the default 64 so one deeply nested element
/// is rejected on its own by <see cref="NotificationSplitter"/> instead of failing the whole body.
/// </summary>
[JsonSourceGenerationOptions(MaxDepth = 256, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(HullNotification))]
internal sealed partial class IntakeJsonContext : JsonSerializerContext;
