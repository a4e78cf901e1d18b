using HullPlanhat.Core.Incoming;

namespace HullPlanhat.Tests.Unit;

public sealed class JobPlannerTests
{
    private static readonly DateTimeOffset Now = new(2025, 1, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Stale = TimeSpan.FromMinutes(5);

    private static JobState State(string status, DateTimeOffset? heartbeat = null, DateTimeOffset? lastCompleted = null) => new()
    {
        Status = status, JobId = "j", StartedAt = Now.AddHours(-1), HeartbeatAt = heartbeat, LastCompletedAt = lastCompleted, Offset = 5000,
    };

    [Fact]
    public void First_run_starts_a_job() => Assert.Equal(JobAction.Start, JobPlanner.Decide(null, Now, 180, Stale).Action);

    [Fact]
    public void Completed_job_inside_the_interval_is_skipped_with_the_original_reason()
    {
        var decision = JobPlanner.Decide(State(JobStatus.Completed, lastCompleted: Now.AddMinutes(-179)), Now, 180, Stale);
        Assert.Equal(new JobDecision(JobAction.Skip, JobPlanner.IntervalNotElapsed), decision);
    }

    [Fact]
    public void Interval_counts_from_the_end_of_the_last_completed_job() =>
        Assert.Equal(JobAction.Start, JobPlanner.Decide(State(JobStatus.Completed, lastCompleted: Now.AddMinutes(-180)), Now, 180, Stale).Action);

    [Fact]
    public void Interval_zero_starts_every_run() =>
        Assert.Equal(JobAction.Start, JobPlanner.Decide(State(JobStatus.Completed, lastCompleted: Now), Now, 0, Stale).Action);

    [Fact]
    public void Running_job_with_a_fresh_heartbeat_is_left_to_its_owner() =>
        Assert.Equal(JobAction.Skip, JobPlanner.Decide(State(JobStatus.Running, heartbeat: Now.AddMinutes(-1)), Now, 0, Stale).Action);

    [Fact]
    public void Job_killed_mid_run_is_resumed_once_its_heartbeat_is_stale() =>
        Assert.Equal(JobAction.Resume, JobPlanner.Decide(State(JobStatus.Running, heartbeat: Now.AddMinutes(-6)), Now, 0, Stale).Action);

    [Fact]
    public void Failed_job_is_resumed_even_inside_the_interval() =>
        Assert.Equal(JobAction.Resume, JobPlanner.Decide(State(JobStatus.Failed, lastCompleted: Now.AddMinutes(-1)), Now, 180, Stale).Action);

    [Theory]
    [InlineData(0, 5000, 5000, true)]
    [InlineData(1200, 5000, 5000, true)]
    [InlineData(5000, 5000, 5000, false)]
    [InlineData(2000, 5000, 0, false)] // maybe clamped by Planhat: ask once more
    [InlineData(2000, 5000, 2000, false)]
    [InlineData(1999, 5000, 2000, true)]
    public void A_short_page_ends_the_listing_only_when_it_cannot_be_a_clamped_one(int rows, int requested, int largestEarlier, bool last) =>
        Assert.Equal(last, JobPlanner.IsLastPage(rows, requested, largestEarlier));
}
