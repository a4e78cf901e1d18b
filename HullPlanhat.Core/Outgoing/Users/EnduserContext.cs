using System.Text.Json.Nodes;
using HullPlanhat.Core.Hull;

namespace HullPlanhat.Core.Outgoing.Users;

/// <summary>What an enduser row carries besides its payload (<see cref="Outbox.OutboxRow.Context"/>).</summary>
/// <param name="SendEnduser">False when Planhat already has this enduser and only events are left to send.</param>
/// <param name="Company">How to find the user's company at flush time.</param>
/// <param name="AccountClaims">The account's Hull claims, to link the user to it on write-back.</param>
/// <param name="HullPlanhatId">The <c>planhat/id</c> Hull already has for the user.</param>
public sealed record EnduserContext(bool SendEnduser, CompanyReference Company, JsonObject? AccountClaims, string? HullPlanhatId)
{
    public JsonObject ToJson() => new()
    {
        ["sendEnduser"] = SendEnduser,
        ["company"] = Company.ToJson(),
        ["account"] = AccountClaims?.DeepClone(),
        ["hullPlanhatId"] = HullPlanhatId,
    };

    public static EnduserContext FromJson(JsonObject? context) => new(
        context?["sendEnduser"] is not JsonValue send || !send.TryGetValue<bool>(out var value) || value,
        CompanyReference.FromJson(context?["company"]),
        context?["account"] as JsonObject is { Count: > 0 } account ? (JsonObject)account.DeepClone() : null,
        HullMessages.String(context, "hullPlanhatId"));
}
