using System.Diagnostics;

namespace HullPlanhat.Testing.Reliability.Cases;

/// <summary>Case 1: failed writes and lost replies on every Planhat write, one SelfHost process.</summary>
public static class FaultsCase
{
    public static async Task<CaseResult> RunAsync(ReliabilityLoad load, int flushEvery, TimeSpan timeout)
    {
        await using var rig = await ReliabilityRig.StartAsync(flushEvery);
        var connector = await rig.CreateConnectorAsync();
        var token = ReliabilityRig.TokenOf(connector);
        await rig.Admin.SetFaultsAsync(token, PlanhatFaults.FailedAndLostReplies);
        var host = await rig.StartHostAsync();

        await new HullSender(rig.Sender, _ => host.BaseAddress).SendAllAsync(load.Notifications(connector));
        var (_, drain) = await PlanhatTally.WaitUntilCompleteAsync(rig.Admin, token, load, timeout);
        var tally = await SettledTallyAsync(rig, token, load, flushEvery);
        return new CaseResult(new ReliabilityRow("1 Planhat faults", load.ToString(), PlanhatFaults.Description, tally.Lost, tally.Duplicated, drain, tally.Detail), tally);
    }

    /// <summary>The tally two flush periods after draining, so a late duplicate would show.</summary>
    internal static async Task<PlanhatTally> SettledTallyAsync(ReliabilityRig rig, string token, ReliabilityLoad load, int flushEvery, bool activitiesAtMostOnce = false)
    {
        await Task.Delay(TimeSpan.FromSeconds(2 * flushEvery));
        return await PlanhatTally.TakeAsync(rig.Admin, token, load, activitiesAtMostOnce: activitiesAtMostOnce);
    }
}
