using System.Diagnostics;
using HullPlanhat.Sandbox.Planhat;

namespace HullPlanhat.Testing.Reliability.Cases;

/// <summary>
/// Case 2: the host is killed with <c>kill -9</c> as soon as the first enduser reached Planhat
/// (notifications still arriving, queue messages in flight, the flush lock held), then started
/// again on the same storage; Hull keeps resending what the dead host did not answer.
/// </summary>
public static class CrashRestartCase
{
    public static async Task<CaseResult> RunAsync(ReliabilityLoad load, int flushEvery, TimeSpan timeout)
    {
        await using var rig = await ReliabilityRig.StartAsync(flushEvery);
        var connector = await rig.CreateConnectorAsync();
        var token = ReliabilityRig.TokenOf(connector);
        await rig.Admin.SetFaultsAsync(token, PlanhatFaults.FailedAndLostReplies);
        var current = await rig.StartHostAsync();

        var sending = Task.Run(() => new HullSender(rig.Sender, _ => current.BaseAddress).SendAllAsync(load.Notifications(connector)));
        var untilFirst = Stopwatch.StartNew();
        while ((await rig.Admin.GetObjectsAsync(token, ObjectKind.Endusers)).Count == 0)
        {
            if (untilFirst.Elapsed > timeout)
            {
                throw new TimeoutException("No enduser reached Planhat: " + string.Join(Environment.NewLine, current.Lines.TakeLast(20)));
            }

            await Task.Delay(100);
        }

        var before = await PlanhatTally.TakeAsync(rig.Admin, token, load);
        await current.KillAsync();
        var restart = Stopwatch.StartNew();
        current = await rig.StartHostAsync();
        var startup = restart.Elapsed;
        await sending;
        // A kill between recording activities and posting them drops them (at most once, by design).
        await PlanhatTally.WaitUntilCompleteAsync(rig.Admin, token, load, timeout, activitiesAtMostOnce: true);
        var drain = restart.Elapsed;
        var tally = await FaultsCase.SettledTallyAsync(rig, token, load, flushEvery, activitiesAtMostOnce: true);
        return new CaseResult(new ReliabilityRow("2 kill -9, restart", load.ToString(), PlanhatFaults.Description + ", kill -9 at the first enduser",
            tally.Lost, tally.Duplicated, drain,
            $"killed with {before.Expected - before.Lost}/{before.Expected} in Planhat; host up again in {startup.TotalSeconds:0.0} s; drain counted from the restart; {tally.ActivitiesDropped} activities dropped by the kill (at most once)"), tally);
    }
}
