using System.Text.Json.Serialization;

namespace HullPlanhat.Core.Intake;

/// <summary>Hull's flow-control answer (hull-protocol.md §1.6).</summary>
public sealed record FlowControl(
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("size")] int Size,
    [property: JsonPropertyName("in")] int In,
    [property: JsonPropertyName("in_time")] int InTime);

public sealed record SmartNotifierResponse(
    [property: JsonPropertyName("flow_control")] FlowControl FlowControl,
    [property: JsonPropertyName("metrics")] IReadOnlyList<object> Metrics,
    [property: JsonPropertyName("errors")] IReadOnlyList<string> Errors);

/// <summary>Configuration section <c>Hull:FlowControl</c>; defaults are the original connector's.</summary>
public sealed class FlowControlOptions
{
    public int UserSize { get; set; } = 200;
    public int AccountSize { get; set; } = 20;
    public int In { get; set; } = 5;
    public int InTime { get; set; } = 60_000;

    /// <summary>Queued per-object messages (users + accounts) from which Hull is asked to slow down; 0 turns back-pressure off.</summary>
    public int BackPressureDepth { get; set; } = 2_000;

    /// <summary>The longest wait (ms) back-pressure asks of Hull.</summary>
    public int MaxBackPressureIn { get; set; } = 60_000;

    public FlowControl Next(string channel) =>
        new("next", channel == Hull.HullChannels.UserUpdate ? UserSize : AccountSize, In, InTime);

    /// <summary>Channels we do not handle: acknowledged so Hull moves on.</summary>
    public static FlowControl Unsupported { get; } = new("next", 10, 5, 10);

    /// <summary>Permanent problems of the whole notification (bad signature, bad body, refused credentials): a resend would fail alike, so Hull moves on.</summary>
    public static FlowControl Refused { get; } = new("next", 10, 5, 10);

    /// <summary>Transient failures: Hull retries later.</summary>
    public static FlowControl Retry { get; } = new("retry", 10, 1000, 10);

    /// <summary>Too large: Hull resends in batches of one.</summary>
    public static FlowControl RetrySmaller { get; } = new("retry", 1, 1000, 10);
}
