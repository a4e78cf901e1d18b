using System.Text.Json.Nodes;
using HullPlanhat.Core.Hull;
using HullPlanhat.Core.Json;

namespace HullPlanhat.Core.Outgoing.Users;

/// <summary>
/// How a user's company is found at flush time: the account's Planhat id (<c>planhat/id</c>), else
/// the id the company flush recorded for the account's <c>external_id</c>.
/// </summary>
public sealed record CompanyReference(string? PlanhatId, string? ExternalId)
{
    public bool IsKnown => PlanhatId is not null || ExternalId is not null;

    /// <summary>
    /// What identifies the company in the change hash: another company is a change. The external id
    /// comes first, so the account learning its Planhat id (our own write-back) does not re-send its users.
    /// </summary>
    public string? Key => ExternalId is not null ? "ext:" + ExternalId : PlanhatId is not null ? "id:" + PlanhatId : null;

    public static CompanyReference Of(JsonObject? account) => new(
        HullAttributePath.Read(account, "planhat.id") is JsonValue id && id.TryGetValue<string>(out var text) && text.Length > 0 ? text : null,
        HullMessages.String(account, "external_id"));

    public JsonObject ToJson() => new() { ["planhatId"] = PlanhatId, ["externalId"] = ExternalId };

    public static CompanyReference FromJson(JsonNode? node) => new(
        HullMessages.String(node as JsonObject, "planhatId"), HullMessages.String(node as JsonObject, "externalId"));
}
