using System.Text.Json.Nodes;

namespace HullPlanhat.Core.Operations.DeadLetters;

/// <summary>One row of the <c>deadletters</c> table as an operator sees it.</summary>
/// <param name="ReplayedAt">When it was last sent back through the outbox; it stays listed until Planhat accepts it.</param>
public sealed record DeadLetterEntry(string Id, string ObjectType, string HullId, int Attempts, string Error, DateTimeOffset? FailedAt, DateTimeOffset? ReplayedAt)
{
    public JsonObject ToJson() => new()
    {
        ["id"] = Id, ["objectType"] = ObjectType, ["hullId"] = HullId, ["attempts"] = Attempts, ["error"] = Error,
        ["failedAt"] = FailedAt, ["replayedAt"] = ReplayedAt, ["status"] = ReplayedAt is null ? "failed" : "replaying",
    };
}

/// <summary>What a replay did with one dead letter.</summary>
public sealed record ReplayOutcome(string Id, string Outcome, string? Reason = null)
{
    public const string Staged = "staged";
    public const string Refused = "refused";
    public const string NotFound = "not_found";

    public JsonObject ToJson() => new() { ["id"] = Id, ["outcome"] = Outcome, ["reason"] = Reason };
}
