namespace HullPlanhat.Testing.Reliability.Cases;

/// <summary>A case's table row and the final Planhat tally it was drawn from.</summary>
public record CaseResult(ReliabilityRow Row, PlanhatTally Tally);

/// <summary>The Planhat faults of cases 1–3: 10 % of calls refused before the write, 10 % of writes applied with the reply lost.</summary>
public static class PlanhatFaults
{
    public static readonly Sandbox.Faults.FaultConfig FailedAndLostReplies = new(0.1, [429, 500, 503], LostReplyRate: 0.1);

    public const string Description = "10% 429/5xx before write, 10% lost replies";
}
