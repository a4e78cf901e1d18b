using System.Text.Json.Nodes;
using HullPlanhat.Core.Hull;
using HullPlanhat.Core.Json;
using HullPlanhat.Core.Planhat;

namespace HullPlanhat.Core.Outgoing;

/// <summary>
/// Hull account → Planhat company fields (§5.2): standard and custom mappings, <c>externalId</c>
/// from the account. Only missing/null values are dropped: <c>false</c>, <c>0</c> and <c>""</c> are sent.
/// </summary>
public static class CompanyMapper
{
    public static JsonObject Map(JsonObject account, ConnectorSettings settings)
    {
        var company = new JsonObject();
        foreach (var mapping in settings.AccountAttributesOutbound.Where(m => m is { IsComplete: true }))
        {
            if (PlanhatSchema.KeyOf(PlanhatSchema.Companies, mapping.ServiceFieldName) is { } key
                && HullAttributePath.Read(account, mapping.HullFieldName!) is { } value)
            {
                company[key] = value.DeepClone();
            }
        }

        if (CustomFields(account, settings.AccountCustomAttributesOutbound) is { Count: > 0 } custom)
        {
            company["custom"] = custom;
        }

        if (HullMessages.String(account, "external_id") is { } externalId)
        {
            company["externalId"] = externalId;
        }

        return company;
    }

    /// <summary><c>custom.{trimmed name}</c> for every complete custom mapping whose value is present.</summary>
    public static JsonObject CustomFields(JsonObject source, IReadOnlyList<FieldMapping> mappings)
    {
        var custom = new JsonObject();
        foreach (var mapping in mappings.Where(m => m is { IsComplete: true }))
        {
            if (HullAttributePath.Read(source, mapping.HullFieldName!) is { } value)
            {
                custom[mapping.ServiceFieldName!.Trim()] = value.DeepClone();
            }
        }

        return custom;
    }
}
