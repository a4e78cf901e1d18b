using Microsoft.Extensions.Logging;

namespace HullPlanhat.Core.Logging;

/// <summary>Internal users API, status and health (event ids 4000–4199).</summary>
public static partial class HullLog
{
    [LoggerMessage(4000, LogLevel.Warning, "connector.internal_api.rejected {Status} {Reason}", EventName = "connector.internal_api.rejected")]
    public static partial void InternalApiRejected(this ILogger logger, int status, string reason);

    [LoggerMessage(4001, LogLevel.Warning, "connector.internal_api.planhat_error {Operation} {Status}", EventName = "connector.internal_api.planhat_error")]
    public static partial void InternalApiPlanhatFailed(this ILogger logger, string operation, int status);

    [LoggerMessage(4002, LogLevel.Debug, "connector.internal_api.users_listed {Count} {Refresh}", EventName = "connector.internal_api.users_listed")]
    public static partial void InternalUsersListed(this ILogger logger, int count, bool refresh);

    [LoggerMessage(4100, LogLevel.Information, "connector.status {Status} {MessageCount}", EventName = "connector.status")]
    public static partial void StatusEvaluated(this ILogger logger, string status, int messageCount);

    [LoggerMessage(4101, LogLevel.Warning, "connector.status.report_failed {Error}", EventName = "connector.status.report_failed")]
    public static partial void StatusReportFailed(this ILogger logger, string error);

    [LoggerMessage(4150, LogLevel.Error, "connector.health.unhealthy {Error}", EventName = "connector.health.unhealthy")]
    public static partial void HealthCheckFailed(this ILogger logger, string error);
}
