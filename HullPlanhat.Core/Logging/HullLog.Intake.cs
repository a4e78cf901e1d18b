using Microsoft.Extensions.Logging;

namespace HullPlanhat.Core.Logging;

/// <summary>Intake safeguards: credentials, replays, deferred splitting, repaired bodies (event ids 1010–1029).</summary>
public static partial class HullLog
{
    [LoggerMessage(1010, LogLevel.Warning, "connector.credentials.refused {ConnectorId} {Organization} {Reason}", EventName = "connector.credentials.refused")]
    public static partial void CredentialsRefused(this ILogger logger, string connectorId, string organization, string reason);

    [LoggerMessage(1011, LogLevel.Information, "connector.credentials.verified {ConnectorId} {Organization}", EventName = "connector.credentials.verified")]
    public static partial void CredentialsVerified(this ILogger logger, string connectorId, string organization);

    [LoggerMessage(1012, LogLevel.Warning, "connector.credentials.unavailable {ConnectorId} {Reason}", EventName = "connector.credentials.unavailable")]
    public static partial void CredentialsUnavailable(this ILogger logger, string connectorId, string reason);

    [LoggerMessage(1013, LogLevel.Information, "connector.notification.replayed {NotificationId} {State}", EventName = "connector.notification.replayed")]
    public static partial void NotificationReplayed(this ILogger logger, string notificationId, string state);

    [LoggerMessage(1014, LogLevel.Information, "connector.notification.deferred {MessageCount}", EventName = "connector.notification.deferred")]
    public static partial void NotificationDeferred(this ILogger logger, int messageCount);

    [LoggerMessage(1015, LogLevel.Information, "connector.notification.split {Enqueued}", EventName = "connector.notification.split")]
    public static partial void NotificationSplit(this ILogger logger, int enqueued);

    [LoggerMessage(1016, LogLevel.Warning, "connector.notification.repaired {Reason}", EventName = "connector.notification.repaired")]
    public static partial void NotificationRepaired(this ILogger logger, string reason);
}
