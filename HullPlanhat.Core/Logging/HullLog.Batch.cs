using Microsoft.Extensions.Logging;

namespace HullPlanhat.Core.Logging;

/// <summary>Manual sends (batch extracts) and on-demand fetches (event ids 4200–4299).</summary>
public static partial class HullLog
{
    [LoggerMessage(4200, LogLevel.Information, "connector.batch.start {ObjectType} {Host}", EventName = "connector.batch.start")]
    public static partial void BatchStarted(this ILogger logger, string objectType, string host);

    [LoggerMessage(4201, LogLevel.Information, "connector.batch.success {ObjectType} {Lines} {Enqueued} {Skipped}", EventName = "connector.batch.success")]
    public static partial void BatchSucceeded(this ILogger logger, string objectType, long lines, long enqueued, long skipped);

    [LoggerMessage(4202, LogLevel.Error, "connector.batch.error {ObjectType} {Error}", EventName = "connector.batch.error")]
    public static partial void BatchFailed(this ILogger logger, string objectType, string error);

    [LoggerMessage(4203, LogLevel.Warning, "connector.batch.rejected {Status} {Reason}", EventName = "connector.batch.rejected")]
    public static partial void BatchRejected(this ILogger logger, int status, string reason);

    [LoggerMessage(4204, LogLevel.Information, "connector.batch.progress {ObjectType} {Lines} {Enqueued} {Skipped}", EventName = "connector.batch.progress")]
    public static partial void BatchProgressed(this ILogger logger, string objectType, long lines, long enqueued, long skipped);

    [LoggerMessage(4205, LogLevel.Warning, "connector.batch.skip {Reason}", EventName = "connector.batch.skip")]
    public static partial void BatchJobDropped(this ILogger logger, string reason);

    [LoggerMessage(4206, LogLevel.Information, "connector.batch.slowed {ObjectType} {QueueDepth} {WaitedMs}", EventName = "connector.batch.slowed")]
    public static partial void BatchSlowed(this ILogger logger, string objectType, long queueDepth, long waitedMs);

    [LoggerMessage(4207, LogLevel.Information, "connector.batch.stale {Step} {CurrentStep}", EventName = "connector.batch.stale")]
    public static partial void BatchNudgeStale(this ILogger logger, long step, long currentStep);

    [LoggerMessage(4210, LogLevel.Information, "incoming.job.requested {ObjectType}", EventName = "incoming.job.requested")]
    public static partial void IncomingJobRequested(this ILogger logger, string objectType);

    [LoggerMessage(4220, LogLevel.Error, "connector.background.error {Work} {Error}", EventName = "connector.background.error")]
    public static partial void BackgroundWorkFailed(this ILogger logger, Exception exception, string work, string error);
}
