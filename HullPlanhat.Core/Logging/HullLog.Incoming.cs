using Microsoft.Extensions.Logging;

namespace HullPlanhat.Core.Logging;

/// <summary>Planhat → Hull imports (event ids 3000–3199).</summary>
public static partial class HullLog
{
    [LoggerMessage(3000, LogLevel.Information, "incoming.job.start {ObjectType} {JobId} {StartedAt}", EventName = "incoming.job.start")]
    public static partial void IncomingJobStarted(this ILogger logger, string objectType, string jobId, DateTimeOffset startedAt);

    [LoggerMessage(3001, LogLevel.Information, "incoming.job.resume {ObjectType} {JobId} {StartedAt} {Offset} {Fetched} {Sent}", EventName = "incoming.job.resume")]
    public static partial void IncomingJobResumed(this ILogger logger, string objectType, string jobId, DateTimeOffset startedAt, int offset, long fetched, long sent);

    [LoggerMessage(3002, LogLevel.Information, "incoming.job.progress {ObjectType} {JobId} {Offset} {Pages} {Fetched} {Sent} {Unchanged}", EventName = "incoming.job.progress")]
    public static partial void IncomingJobProgress(this ILogger logger, string objectType, string jobId, int offset, int pages, long fetched, long sent, long unchanged);

    [LoggerMessage(3003, LogLevel.Information,
        "incoming.job.success {ObjectType} {JobId} {StartedAt} {EndedAt} {Pages} {Fetched} {Sent} {Unchanged} {PlanhatCalls} {FirehoseRequests}",
        EventName = "incoming.job.success")]
    public static partial void IncomingJobSucceeded(this ILogger logger, string objectType, string jobId, DateTimeOffset startedAt, DateTimeOffset endedAt,
        int pages, long fetched, long sent, long unchanged, long planhatCalls, long firehoseRequests);

    [LoggerMessage(3004, LogLevel.Error, "incoming.job.error {ObjectType} {JobId} {Offset} {Error}", EventName = "incoming.job.error")]
    public static partial void IncomingJobFailed(this ILogger logger, string objectType, string jobId, int offset, string error);

    [LoggerMessage(3005, LogLevel.Debug, "incoming.job.skip {ObjectType} {Reason} {LastCompletedAt} {IntervalMinutes}", EventName = "incoming.job.skip")]
    public static partial void IncomingJobSkipped(this ILogger logger, string objectType, string reason, DateTimeOffset? lastCompletedAt, int intervalMinutes);

    [LoggerMessage(3010, LogLevel.Information, "incoming.account.success {PlanhatId} {Change}", EventName = "incoming.account.success")]
    public static partial void IncomingAccountSucceeded(this ILogger logger, string planhatId, string change);

    [LoggerMessage(3020, LogLevel.Information, "incoming.user.success {PlanhatId} {Change} {Linked}", EventName = "incoming.user.success")]
    public static partial void IncomingUserSucceeded(this ILogger logger, string planhatId, string change, bool linked);
}
