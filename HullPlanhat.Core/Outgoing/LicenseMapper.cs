using System.Text.Json;
using System.Text.Json.Nodes;
using HullPlanhat.Core.Hull;
using HullPlanhat.Core.Json;
using HullPlanhat.Core.Planhat;

namespace HullPlanhat.Core.Outgoing;

/// <summary>The licenses of one account, and what could not be used.</summary>
/// <param name="Licenses">Null when the connector does not sync licenses; else the mapped licenses (without companyId).</param>
public sealed record LicenseMapping(JsonArray? Licenses, IReadOnlyList<string> Problems);

/// <summary>
/// Licenses from the account's JSON attribute (§5.5, fixed per §12.12): an array, or a JSON string
/// holding one; standard and custom license mappings; falsy values kept.
/// </summary>
public static class LicenseMapper
{
    public static LicenseMapping Map(JsonObject account, ConnectorSettings settings)
    {
        var attribute = settings.AccountLicensesAttribute?.Trim();
        if (string.IsNullOrEmpty(attribute) || !settings.AccountLicensesAttributesOutbound.Any(m => m is { IsComplete: true }))
        {
            return new(null, []);
        }

        var path = attribute.StartsWith("account.", StringComparison.Ordinal) ? attribute["account.".Length..] : attribute;
        var items = AsArray(HullAttributePath.Read(account, path));
        if (items is null)
        {
            return new([], [$"The licenses attribute '{attribute}' is not a JSON array."]);
        }

        var licenses = new JsonArray();
        var problems = new List<string>();
        foreach (var item in items)
        {
            if (item is not JsonObject source)
            {
                problems.Add("A license entry is not a JSON object.");
                continue;
            }

            var license = MapOne(source, settings);
            if (HullMessages.Id(license["externalId"]) is not { } externalId)
            {
                problems.Add("A license without externalId cannot be matched in Planhat and was left out.");
                continue;
            }

            license["externalId"] = externalId;

            if (LicenseNumbers.Normalize(license) is { } invalid)
            {
                problems.Add(invalid);
                continue;
            }

            licenses.Add(license);
        }

        return new(licenses, problems);
    }

    private static JsonObject MapOne(JsonObject source, ConnectorSettings settings)
    {
        var license = new JsonObject();
        foreach (var mapping in settings.AccountLicensesAttributesOutbound.Where(m => m is { IsComplete: true }))
        {
            if (PlanhatSchema.KeyOf(PlanhatSchema.Licenses, mapping.ServiceFieldName) is { } key
                && HullAttributePath.Read(source, mapping.HullFieldName!) is { } value)
            {
                license[key] = value.DeepClone();
            }
        }

        if (CompanyMapper.CustomFields(source, settings.AccountLicensesCustomAttributesOutbound) is { Count: > 0 } custom)
        {
            license["custom"] = custom;
        }

        return license;
    }

    private static JsonArray? AsArray(JsonNode? value)
    {
        if (value is JsonArray array)
        {
            return array;
        }

        if (value is JsonValue text && text.TryGetValue<string>(out var json))
        {
            try
            {
                return JsonNode.Parse(json) as JsonArray;
            }
            catch (JsonException)
            {
                return null;
            }
        }

        return null;
    }
}
