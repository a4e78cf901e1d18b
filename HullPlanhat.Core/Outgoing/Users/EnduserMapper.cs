using System.Text.Json.Nodes;
using HullPlanhat.Core.Hull;
using HullPlanhat.Core.Json;
using HullPlanhat.Core.Planhat;

namespace HullPlanhat.Core.Outgoing.Users;

/// <summary>
/// Hull user (+ its account) → Planhat enduser fields (§4.3): standard and custom mappings, where an
/// <c>account.</c>-prefixed path reads the account. Only missing/null values are dropped, so
/// <c>false</c>, <c>0</c> and <c>""</c> reach Planhat (§12.4). <c>companyId</c> is resolved at flush time.
/// </summary>
public static class EnduserMapper
{
    private const string AccountPrefix = "account.";

    public static JsonObject Map(JsonObject user, JsonObject? account, ConnectorSettings settings)
    {
        var enduser = new JsonObject();
        foreach (var mapping in settings.ContactAttributesOutbound.Where(m => m is { IsComplete: true }))
        {
            if (PlanhatSchema.KeyOf(PlanhatSchema.Contacts, mapping.ServiceFieldName) is { } key
                && Read(user, account, mapping.HullFieldName!) is { } value)
            {
                enduser[key] = value.DeepClone();
            }
        }

        var custom = new JsonObject();
        foreach (var mapping in settings.ContactCustomAttributesOutbound.Where(m => m is { IsComplete: true }))
        {
            if (Read(user, account, mapping.HullFieldName!) is { } value)
            {
                custom[mapping.ServiceFieldName!.Trim()] = value.DeepClone();
            }
        }

        if (custom.Count > 0)
        {
            enduser["custom"] = custom;
        }

        NormalizeIdentity(enduser);
        return enduser;
    }

    /// <summary>Numeric ids become strings; the email is trimmed and dropped when blank (<see cref="EnduserValidator"/> checks its form).</summary>
    private static void NormalizeIdentity(JsonObject enduser)
    {
        if (enduser["externalId"] is JsonValue && HullMessages.Id(enduser["externalId"]) is { } externalId)
        {
            enduser["externalId"] = externalId;
        }

        if (enduser["email"] is JsonValue email && email.TryGetValue<string>(out var text))
        {
            if (text.Trim() is { Length: > 0 } trimmed)
            {
                enduser["email"] = trimmed;
            }
            else
            {
                enduser.Remove("email");
            }
        }
    }

    /// <summary>Reads <paramref name="path"/> from the user, or from the account when it starts with <c>account.</c>.</summary>
    public static JsonNode? Read(JsonObject user, JsonObject? account, string path) =>
        path.StartsWith(AccountPrefix, StringComparison.Ordinal)
            ? HullAttributePath.Read(account, path[AccountPrefix.Length..])
            : HullAttributePath.Read(user, path);

    /// <summary>A non-empty string field of a mapped enduser, or null.</summary>
    public static string? Text(JsonObject enduser, string key) => HullMessages.String(enduser, key);
}
