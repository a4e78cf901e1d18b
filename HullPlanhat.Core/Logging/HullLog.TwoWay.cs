using Microsoft.Extensions.Logging;

namespace HullPlanhat.Core.Logging;

/// <summary>Two-way sync: echoes not sent back, Planhat webhooks (event ids 5300–5399).</summary>
public static partial class HullLog
{
    [LoggerMessage(5300, LogLevel.Information, "incoming.account.skip {PlanhatId} {Reason}", EventName = "incoming.account.skip")]
    public static partial void IncomingAccountSkipped(this ILogger logger, string planhatId, string reason);

    [LoggerMessage(5301, LogLevel.Information, "incoming.user.skip {PlanhatId} {Reason}", EventName = "incoming.user.skip")]
    public static partial void IncomingUserSkipped(this ILogger logger, string planhatId, string reason);

    [LoggerMessage(5310, LogLevel.Information, "incoming.webhook.accepted {Enqueued}", EventName = "incoming.webhook.accepted")]
    public static partial void WebhookAccepted(this ILogger logger, int enqueued);

    [LoggerMessage(5311, LogLevel.Warning, "incoming.webhook.rejected {Status} {Reason}", EventName = "incoming.webhook.rejected")]
    public static partial void WebhookRejected(this ILogger logger, int status, string reason);

    [LoggerMessage(5312, LogLevel.Information, "incoming.webhook.skip {ObjectType} {PlanhatId} {Reason}", EventName = "incoming.webhook.skip")]
    public static partial void WebhookObjectSkipped(this ILogger logger, string objectType, string planhatId, string reason);

    [LoggerMessage(5313, LogLevel.Information, "incoming.webhook.success {ObjectType} {PlanhatId} {Sent} {LatencyMs}", EventName = "incoming.webhook.success")]
    public static partial void WebhookObjectForwarded(this ILogger logger, string objectType, string planhatId, int sent, long latencyMs);
}
