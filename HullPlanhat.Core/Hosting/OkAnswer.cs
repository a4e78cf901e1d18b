using System.Text.Json.Serialization;

namespace HullPlanhat.Core.Hosting;

/// <summary>The original's immediate answer to work that goes on in the background: <c>{"ok":true}</c>.</summary>
public sealed record OkAnswer([property: JsonPropertyName("ok")] bool Ok);

[JsonSerializable(typeof(OkAnswer))]
internal sealed partial class BatchAnswerJsonContext : JsonSerializerContext;
