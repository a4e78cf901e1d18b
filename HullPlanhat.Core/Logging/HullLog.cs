using Microsoft.Extensions.Logging;

namespace HullPlanhat.Core.Logging;

/// <summary>
/// Every log line the product writes, named as Hull names them (hull-protocol.md §3.4): the event
/// name is the Hull message, the template's fields become the line's data.
/// </summary>
public static partial class HullLog
{
    [LoggerMessage(1000, LogLevel.Information, "connector.notification.accepted {Channel} {MessageCount} {Enqueued}", EventName = "connector.notification.accepted")]
    public static partial void NotificationAccepted(this ILogger logger, string channel, int messageCount, int enqueued);

    [LoggerMessage(1001, LogLevel.Warning, "connector.notification.rejected {Status} {Reason}", EventName = "connector.notification.rejected")]
    public static partial void NotificationRejected(this ILogger logger, int status, string reason);

    [LoggerMessage(1002, LogLevel.Error, "connector.notification.error {Reason}", EventName = "connector.notification.error")]
    public static partial void NotificationFailed(this ILogger logger, Exception exception, string reason);

    [LoggerMessage(1100, LogLevel.Information, "outgoing.account.skip {Reason}", EventName = "outgoing.account.skip")]
    public static partial void AccountSkipped(this ILogger logger, string reason);

    [LoggerMessage(1101, LogLevel.Information, "outgoing.account.success {PlanhatId} {Operation}", EventName = "outgoing.account.success")]
    public static partial void AccountSucceeded(this ILogger logger, string planhatId, string operation);

    [LoggerMessage(1102, LogLevel.Error, "outgoing.account.error {Error} {Attempts}", EventName = "outgoing.account.error")]
    public static partial void AccountFailed(this ILogger logger, string error, int attempts);

    [LoggerMessage(1103, LogLevel.Information, "outgoing.account.staged {Hash}", EventName = "outgoing.account.staged")]
    public static partial void AccountStaged(this ILogger logger, string hash);

    [LoggerMessage(1110, LogLevel.Information, "outgoing.license.skip {Reason}", EventName = "outgoing.license.skip")]
    public static partial void LicenseSkipped(this ILogger logger, string reason);

    [LoggerMessage(1200, LogLevel.Information, "outgoing.user.skip {Reason}", EventName = "outgoing.user.skip")]
    public static partial void UserSkipped(this ILogger logger, string reason);

    [LoggerMessage(1201, LogLevel.Information, "outgoing.user.success {PlanhatId} {Operation}", EventName = "outgoing.user.success")]
    public static partial void UserSucceeded(this ILogger logger, string planhatId, string operation);

    [LoggerMessage(1202, LogLevel.Error, "outgoing.user.error {Error} {Attempts}", EventName = "outgoing.user.error")]
    public static partial void UserFailed(this ILogger logger, string error, int attempts);

    [LoggerMessage(1203, LogLevel.Information, "outgoing.user.staged {Hash}", EventName = "outgoing.user.staged")]
    public static partial void UserStaged(this ILogger logger, string hash);

    [LoggerMessage(1300, LogLevel.Information, "outgoing.user_event.success {Event} {Count}", EventName = "outgoing.user_event.success")]
    public static partial void EventSucceeded(this ILogger logger, string @event, int count);

    [LoggerMessage(1301, LogLevel.Error, "outgoing.user_event.error {Event} {Error}", EventName = "outgoing.user_event.error")]
    public static partial void EventFailed(this ILogger logger, string @event, string error);

    [LoggerMessage(1302, LogLevel.Information, "outgoing.user_event.skip {Event} {Reason}", EventName = "outgoing.user_event.skip")]
    public static partial void EventSkipped(this ILogger logger, string @event, string reason);

    /// <summary>Events recorded as sent before a post that never happened, and the record could not be undone: they are not posted.</summary>
    [LoggerMessage(1303, LogLevel.Error, "outgoing.user_event.unrecorded_error {Error}", EventName = "outgoing.user_event.unrecorded_error")]
    public static partial void EventRecordNotTakenBack(this ILogger logger, string error);

    [LoggerMessage(1400, LogLevel.Information, "outgoing.flush.complete {ObjectType} {Sent} {Succeeded} {Failed} {Calls}", EventName = "outgoing.flush.complete")]
    public static partial void FlushCompleted(this ILogger logger, string objectType, int sent, int succeeded, int failed, int calls);

    [LoggerMessage(1500, LogLevel.Warning, "connector.firehose.error {Error}", EventName = "connector.firehose.error")]
    public static partial void FirehoseFailed(this ILogger logger, string error);

    [LoggerMessage(1600, LogLevel.Error, "connector.function.error {Function} {Error}", EventName = "connector.function.error")]
    public static partial void FunctionFailed(this ILogger logger, Exception exception, string function, string error);

    [LoggerMessage(1601, LogLevel.Error, "connector.message.poison {Queue} {DequeueCount}", EventName = "connector.message.poison")]
    public static partial void MessagePoisoned(this ILogger logger, string queue, long dequeueCount);
}
