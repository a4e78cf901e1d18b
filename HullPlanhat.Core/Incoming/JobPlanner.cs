namespace HullPlanhat.Core.Incoming;

public enum JobAction { Start, Resume, Skip }

public sealed record JobDecision(JobAction Action, string? Reason = null);

/// <summary>Whether a run starts a job, resumes the checkpointed one, or leaves it alone.</summary>
public static class JobPlanner
{
    public const string IntervalNotElapsed = "Interval between last job and now is less than configured threshold";
    public const string RunningElsewhere = "The job is running on another host";

    /// <param name="state">The jobs-table row, null before the first job.</param>
    /// <param name="now">Current time.</param>
    /// <param name="intervalMinutes">The connector's interval; 0 means every run.</param>
    /// <param name="staleAfter">A running job without heartbeat for this long is taken over.</param>
    public static JobDecision Decide(JobState? state, DateTimeOffset now, int intervalMinutes, TimeSpan staleAfter) => state switch
    {
        null => new(JobAction.Start),
        { Status: JobStatus.Running, HeartbeatAt: { } beat } when now - beat < staleAfter => new(JobAction.Skip, RunningElsewhere),
        // A crashed (stale) or failed job finishes before any new one; the interval only spaces complete jobs.
        { Status: JobStatus.Running or JobStatus.Failed } => new(JobAction.Resume),
        { LastCompletedAt: { } last } when intervalMinutes > 0 && now < last.AddMinutes(intervalMinutes) => new(JobAction.Skip, IntervalNotElapsed),
        _ => new(JobAction.Start),
    };

    /// <summary>
    /// Whether a page ends the listing. Planhat has no total and clamps <c>limit</c> silently (about
    /// 2,000 for some models), so a short page proves the end only when it is empty or shorter than
    /// a page already seen; otherwise one more page is asked for.
    /// </summary>
    public static bool IsLastPage(int rows, int requested, int largestEarlierPage) =>
        rows == 0 || (rows < requested && rows < largestEarlierPage);
}
