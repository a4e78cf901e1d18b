using System.Text.Json.Nodes;

namespace HullPlanhat.Core.Operations.Preview;

public static class PreviewDecisions
{
    public const string Create = "create";
    public const string Update = "update";
    public const string Unchanged = "unchanged";
    public const string Skip = "skip";
}

/// <summary>What the real path would do with one previewed object.</summary>
/// <param name="Index">The message's position in the request.</param>
/// <param name="Fields">For <c>update</c>: the Planhat fields whose value would change (custom fields as <c>custom.Name</c>).</param>
/// <param name="Events">Whitelisted events the real path would post (users).</param>
public sealed record PreviewVerdict(int Index, string ObjectType, string? HullId, string Decision, string? Reason = null,
    IReadOnlyList<string>? Fields = null, string? PlanhatId = null, int Events = 0, JsonObject? Payload = null)
{
    public JsonObject ToJson() => new()
    {
        ["index"] = Index,
        ["objectType"] = ObjectType,
        ["hullId"] = HullId,
        ["decision"] = Decision,
        ["reason"] = Reason,
        ["fields"] = Fields is null ? null : new JsonArray(Fields.Select(f => (JsonNode)f).ToArray()),
        ["planhatId"] = PlanhatId,
        ["events"] = Events,
        ["payload"] = Payload?.DeepClone(),
    };
}
