namespace HullPlanhat.Sandbox.Faults;

/// <summary>
/// Fault injection settings: after the first <see cref="AfterCalls"/> calls, each call fails with probability
/// <see cref="FailureRate"/> using a status drawn from <see cref="Statuses"/>. <c>FailureRate = 0</c> disables.
/// </summary>
public sealed record FaultConfig(
    double FailureRate = 0,
    IReadOnlyList<int>? Statuses = null,
    int? Seed = null,
    int AfterCalls = 0,
    bool IncludeAnalytics = false)
{
    public static FaultConfig None { get; } = new();
}
