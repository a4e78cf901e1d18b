using Microsoft.Extensions.Logging;

namespace HullPlanhat.Core.Logging;

/// <summary>Log lines of the user → enduser flow (event ids 2200–2399).</summary>
public static partial class HullLog
{
    [LoggerMessage(2200, LogLevel.Debug, "outgoing.user.waiting {CompanyExternalId}", EventName = "outgoing.user.waiting")]
    public static partial void UserWaitingForCompany(this ILogger logger, string? companyExternalId);

    [LoggerMessage(2201, LogLevel.Information, "outgoing.user_event.staged {Event}", EventName = "outgoing.user_event.staged")]
    public static partial void EventStaged(this ILogger logger, string @event);

}
