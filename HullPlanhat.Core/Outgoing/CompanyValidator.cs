using System.Text.Json.Nodes;

namespace HullPlanhat.Core.Outgoing;

/// <summary>Company checks before any write (§5.3); every failing reason is reported.</summary>
public static class CompanyValidator
{
    /// <summary>Whether the owner check needs Planhat's users at all (only when an owner is mapped).</summary>
    public static bool NeedsPlanhatUsers(JsonObject company) => company["owner"] is not null || company["coOwner"] is not null;

    /// <param name="planhatUserIds">Planhat user ids, or null when <see cref="NeedsPlanhatUsers"/> is false.</param>
    public static IReadOnlyList<string> Validate(JsonObject company, IReadOnlySet<string>? planhatUserIds)
    {
        var reasons = new List<string>();
        if (company["name"] is not JsonValue name || name.ToString().Trim().Length == 0)
        {
            reasons.Add(SkipReasons.NoCompanyName);
        }

        if (company["owner"] is { } owner && !IsKnownUser(owner, planhatUserIds))
        {
            reasons.Add(SkipReasons.InvalidOwner);
        }

        if (company["coOwner"] is { } coOwner && !IsKnownUser(coOwner, planhatUserIds))
        {
            reasons.Add(SkipReasons.InvalidCoOwner);
        }

        return reasons;
    }

    private static bool IsKnownUser(JsonNode id, IReadOnlySet<string>? userIds) =>
        id is JsonValue value && value.TryGetValue<string>(out var text) && userIds?.Contains(text) == true;
}
