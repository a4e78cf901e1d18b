namespace HullPlanhat.Core.Incoming;

public static class JobStatus
{
    public const string Running = "running";
    public const string Failed = "failed";
    public const string Completed = "completed";
}

/// <summary>
/// One row of the <c>jobs</c> table per connector and <see cref="IncomingKind"/>: the current (or last)
/// job's checkpoint and counters, who runs it, and when the last job completed.
/// </summary>
public sealed record JobState
{
    public required string Status { get; init; }
    public required string JobId { get; init; }
    public required DateTimeOffset StartedAt { get; init; }
    public DateTimeOffset? EndedAt { get; init; }

    /// <summary>Planhat offset of the next page to fetch.</summary>
    public int Offset { get; init; }

    /// <summary>Largest page Planhat returned in this job (tells a clamped page from the last one).</summary>
    public int LargestPage { get; init; }

    public int Pages { get; init; }
    public long Fetched { get; init; }
    public long Sent { get; init; }
    public long Unchanged { get; init; }
    public long PlanhatCalls { get; init; }
    public long FirehoseRequests { get; init; }

    /// <summary>The run holding the job; with <see cref="HeartbeatAt"/> it keeps other hosts off.</summary>
    public string? Owner { get; init; }
    public DateTimeOffset? HeartbeatAt { get; init; }
    public string? LastError { get; init; }

    /// <summary>
    /// This job, completed, went through every page from the first in one go, saw no object twice
    /// (offset paging shifts when Planhat changes mid-run) and left a digest for every page: the next
    /// job may trust them (<see cref="PageDigests"/>).
    /// </summary>
    public bool DigestsValid { get; init; }

    /// <summary>
    /// This job, completed, may have left <c>hashes</c> rows of objects Planhat no longer lists: its purge
    /// marked some, failed, or did not run (a resumed job). A next job that sees the very same objects
    /// skips its purge only when this is false (<see cref="UnseenHashPurge"/>).
    /// </summary>
    public bool UnseenPending { get; init; } = true;

    /// <summary>When the last job that went through every page ended; the interval counts from here.</summary>
    public DateTimeOffset? LastCompletedAt { get; init; }

    public static JobState New(string owner, DateTimeOffset now, DateTimeOffset? lastCompletedAt) => new()
    {
        Status = JobStatus.Running,
        JobId = Guid.NewGuid().ToString("N"),
        StartedAt = now,
        Owner = owner,
        HeartbeatAt = now,
        LastCompletedAt = lastCompletedAt,
    };
}
