using HullPlanhat.Core.Hull;
using HullPlanhat.Core.Storage;

namespace HullPlanhat.Core.Outgoing.Users;

/// <summary>
/// Whether a user goes to Planhat at all (original-connector-behaviour.md §4.1), plus the account
/// whitelist the original documented but never enforced (§12.7). Every reason is reported (§12.9).
/// </summary>
public static class UserFilter
{
    /// <returns>The reasons to skip; empty when the user passes.</returns>
    public static IReadOnlyList<string> Evaluate(OutgoingUserMessage message, ConnectorSettings settings)
    {
        if (!settings.HasAccessToken)
        {
            return [SkipReasons.NoAccessToken];
        }

        // A manual send (export) is the user's explicit choice, so the whitelists do not apply (as for accounts).
        if (message.IsExport)
        {
            return [];
        }

        var reasons = new List<string>();
        if (!message.SegmentIds.Any(settings.ContactSynchronizedSegments.Contains))
        {
            reasons.Add(SkipReasons.UserNotInSegments);
        }

        if (!message.AccountSegmentIds.Any(settings.AccountSynchronizedSegments.Contains))
        {
            reasons.Add(SkipReasons.UserAccountNotInSegments);
        }

        return reasons;
    }
}
