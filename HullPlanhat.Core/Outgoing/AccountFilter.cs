using System.Text.Json.Nodes;
using HullPlanhat.Core.Hull;

namespace HullPlanhat.Core.Outgoing;

/// <summary>Whether an account goes to Planhat at all (original-connector-behaviour.md §5.1, fixed per §12.8–9).</summary>
public static class AccountFilter
{
    /// <returns>The reasons to skip; empty when the account passes.</returns>
    public static IReadOnlyList<string> Evaluate(JsonObject account, IReadOnlyList<string> accountSegmentIds, ConnectorSettings settings, bool isExport)
    {
        if (!settings.HasAccessToken)
        {
            return [SkipReasons.NoAccessToken];
        }

        var reasons = new List<string>();
        if (settings.AccountRequireExternalId && HullMessages.String(account, "external_id") is null)
        {
            reasons.Add(SkipReasons.AccountWithoutExternalId);
        }

        // A manual send (export) is the user's explicit choice of accounts, so the whitelist does not apply.
        if (!isExport && !accountSegmentIds.Any(settings.AccountSynchronizedSegments.Contains))
        {
            reasons.Add(SkipReasons.AccountNotInSegments);
        }

        return reasons;
    }
}
