using System.Text.Json.Nodes;
using HullPlanhat.Core.Json;

namespace HullPlanhat.Core.Outgoing.Users;

/// <summary>
/// The change-detection hash of a mapped enduser (§4.6 fixed per §12.5): values, not references, in
/// canonical JSON; <c>tags</c> as a set; <c>name</c> case-insensitive; <c>createDate</c> ignored;
/// the company counts.
/// </summary>
public static class EnduserHash
{
    public static string Compute(JsonObject enduser, CompanyReference company)
    {
        var normalized = (JsonObject)enduser.DeepClone();
        normalized.Remove("createDate");
        if (normalized["name"] is JsonValue name && name.TryGetValue<string>(out var text))
        {
            normalized["name"] = text.ToLowerInvariant();
        }

        if (normalized["tags"] is JsonArray tags)
        {
            var sorted = tags.Select(t => t?.ToJsonString() ?? "null").Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
            normalized["tags"] = new JsonArray(sorted.Select(t => JsonNode.Parse(t)).ToArray());
        }

        return CanonicalJson.Hash(new JsonObject { ["enduser"] = normalized, ["company"] = company.Key });
    }
}
