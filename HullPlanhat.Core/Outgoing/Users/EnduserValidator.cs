using System.Text.Json.Nodes;

namespace HullPlanhat.Core.Outgoing.Users;

/// <summary>Enduser checks before staging (§4.4); every failing reason is reported, in the original's order.</summary>
public static class EnduserValidator
{
    /// <param name="enduser">The mapped enduser.</param>
    /// <param name="company">How the user's company will be found.</param>
    public static IReadOnlyList<string> Validate(JsonObject enduser, CompanyReference company)
    {
        var reasons = new List<string>();
        if (!company.IsKnown)
        {
            reasons.Add(SkipReasons.NoCompanyId);
        }

        if (EnduserMapper.Text(enduser, "email") is null && EnduserMapper.Text(enduser, "externalId") is null)
        {
            reasons.Add(SkipReasons.NoEmailOrExternalId);
        }

        if (EnduserMapper.Text(enduser, "email") is { } email && !EmailAddress.IsValid(email))
        {
            reasons.Add(SkipReasons.InvalidEmail);
        }

        return reasons;
    }
}
