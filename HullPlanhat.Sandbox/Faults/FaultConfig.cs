namespace HullPlanhat.Sandbox.Faults;

/// <summary>
/// Fault injection settings: after the first <see cref="AfterCalls"/> calls, each call fails with probability
/// <see cref="FailureRate"/> using a status drawn from <see cref="Statuses"/>. <c>FailureRate = 0</c> disables.
/// Faults after the write: a write that got through is applied, then its reply is lost (a 502) with
/// probability <see cref="LostReplyRate"/>, or delayed by <see cref="SlowReplyMilliseconds"/> with
/// probability <see cref="SlowReplyRate"/> (longer than the client waits, it is a lost reply too).
/// <see cref="AnalyticsOnly"/> faults the analytics endpoints and nothing else.
/// <see cref="MaxBodyBytes"/> (Hull's firehose only): a body larger than this is refused with a 413, as a
/// proxy in front of an API refuses it; 0 takes any size.
/// </summary>
public sealed record FaultConfig(
    double FailureRate = 0,
    IReadOnlyList<int>? Statuses = null,
    int? Seed = null,
    int AfterCalls = 0,
    bool IncludeAnalytics = false,
    double LostReplyRate = 0,
    double SlowReplyRate = 0,
    int SlowReplyMilliseconds = 0,
    bool AnalyticsOnly = false,
    int MaxBodyBytes = 0)
{
    public static FaultConfig None { get; } = new();
}
