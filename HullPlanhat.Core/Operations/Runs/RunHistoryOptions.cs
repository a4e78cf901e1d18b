namespace HullPlanhat.Core.Operations.Runs;

/// <summary><c>Operations:*</c>: how long run history and row errors are kept.</summary>
public sealed class RunHistoryOptions
{
    /// <summary>Runs and their row errors older than this are deleted (Census keeps 14 days).</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(14);

    /// <summary>How often a process sweeps a connector's expired runs.</summary>
    public TimeSpan SweepEvery { get; set; } = TimeSpan.FromHours(1);
}
