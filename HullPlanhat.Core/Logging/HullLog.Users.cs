using Microsoft.Extensions.Logging;

namespace HullPlanhat.Core.Logging;

/// <summary>Log lines of the user → enduser flow (event ids 2200–2399).</summary>
public static partial class HullLog
{
    /// <summary>The user waits (up to an hour) for its company to be created in Planhat: the one line that explains a user not sent yet.</summary>
    [LoggerMessage(2200, LogLevel.Information, "outgoing.user.waiting {CompanyExternalId}", EventName = "outgoing.user.waiting")]
    public static partial void UserWaitingForCompany(this ILogger logger, string? companyExternalId);

    [LoggerMessage(2201, LogLevel.Information, "outgoing.user_event.staged {Event}", EventName = "outgoing.user_event.staged")]
    public static partial void EventStaged(this ILogger logger, string @event);

}
