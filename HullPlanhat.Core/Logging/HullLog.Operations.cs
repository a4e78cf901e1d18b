using Microsoft.Extensions.Logging;

namespace HullPlanhat.Core.Logging;

/// <summary>Operator tooling: preview, run history, dead letters, poison messages, resync, dashboard (event ids 5200–5299).</summary>
public static partial class HullLog
{
    [LoggerMessage(5200, LogLevel.Information, "connector.operations.request {Action} {Status}", EventName = "connector.operations.request")]
    public static partial void OperationsRequested(this ILogger logger, string action, int status);

    [LoggerMessage(5201, LogLevel.Warning, "connector.operations.error {Action} {Error}", EventName = "connector.operations.error")]
    public static partial void OperationsFailed(this ILogger logger, string action, string error);

    [LoggerMessage(5210, LogLevel.Information, "outgoing.preview {ObjectType} {Objects} {Create} {Update} {Unchanged} {Skip} {PlanhatCalls}", EventName = "outgoing.preview")]
    public static partial void OutgoingPreviewed(this ILogger logger, string objectType, int objects, int create, int update, int unchanged, int skip, int planhatCalls);

    [LoggerMessage(5211, LogLevel.Information, "incoming.preview {ObjectType} {Fetched} {WouldSend} {Unchanged} {PlanhatCalls}", EventName = "incoming.preview")]
    public static partial void IncomingPreviewed(this ILogger logger, string objectType, int fetched, int wouldSend, int unchanged, int planhatCalls);

    [LoggerMessage(5220, LogLevel.Warning, "connector.runs.record_failed {Function} {Error}", EventName = "connector.runs.record_failed")]
    public static partial void RunRecordFailed(this ILogger logger, string function, string error);

    [LoggerMessage(5230, LogLevel.Information, "outgoing.deadletter.replay {ObjectType} {DeadLetterId} {Outcome} {Reason}", EventName = "outgoing.deadletter.replay")]
    public static partial void DeadLetterReplayed(this ILogger logger, string objectType, string deadLetterId, string outcome, string? reason);

    [LoggerMessage(5231, LogLevel.Information, "outgoing.deadletter.resolved {ObjectType} {DeadLetterId} {Reason}", EventName = "outgoing.deadletter.resolved")]
    public static partial void DeadLetterResolved(this ILogger logger, string objectType, string deadLetterId, string reason);

    [LoggerMessage(5232, LogLevel.Information, "outgoing.deadletter.deleted {DeadLetterId}", EventName = "outgoing.deadletter.deleted")]
    public static partial void DeadLetterDeleted(this ILogger logger, string deadLetterId);

    [LoggerMessage(5240, LogLevel.Information, "connector.poison.replay {Queue} {MessageId}", EventName = "connector.poison.replay")]
    public static partial void PoisonReplayed(this ILogger logger, string queue, string messageId);

    [LoggerMessage(5241, LogLevel.Information, "connector.poison.deleted {Queue} {MessageId}", EventName = "connector.poison.deleted")]
    public static partial void PoisonDeleted(this ILogger logger, string queue, string messageId);

    [LoggerMessage(5250, LogLevel.Information, "connector.resync {Kind} {ObjectId} {Forgotten}", EventName = "connector.resync")]
    public static partial void Resynced(this ILogger logger, string kind, string? objectId, int forgotten);
}
