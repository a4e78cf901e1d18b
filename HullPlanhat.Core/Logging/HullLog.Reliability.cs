using Microsoft.Extensions.Logging;

namespace HullPlanhat.Core.Logging;

/// <summary>Recovering from what Planhat or storage lost (event ids 5100–5199).</summary>
public static partial class HullLog
{
    [LoggerMessage(5100, LogLevel.Warning, "outgoing.user.stale_id {PlanhatId}", EventName = "outgoing.user.stale_id")]
    public static partial void EnduserIdGone(this ILogger logger, string planhatId);

    /// <summary>A company id Hull or the sync state held is unknown to Planhat (deleted there): the company is written again by externalId or sourceId.</summary>
    [LoggerMessage(5102, LogLevel.Warning, "outgoing.account.stale_id {PlanhatId}", EventName = "outgoing.account.stale_id")]
    public static partial void CompanyIdGone(this ILogger logger, string planhatId);

    /// <summary>A timer function starts its run for one tick of its schedule (the tests check each tick runs once across instances).</summary>
    [LoggerMessage(5101, LogLevel.Debug, "connector.timer.run {Function} {Occurrence}", EventName = "connector.timer.run")]
    public static partial void TimerRun(this ILogger logger, string function, DateTimeOffset occurrence);
}
