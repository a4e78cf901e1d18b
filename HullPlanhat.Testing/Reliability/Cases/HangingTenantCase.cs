using System.Diagnostics;
using HullPlanhat.Sandbox.Faults;

namespace HullPlanhat.Testing.Reliability.Cases;

/// <summary>How late the healthy connector's waves arrived while the other connector's Planhat hung.</summary>
public sealed record HangingTenantResult(ReliabilityRow Row, PlanhatTally Tally, IReadOnlyList<TimeSpan> WaveLatencies, PlanhatTally HangingTally)
    : CaseResult(Row, Tally);

/// <summary>
/// Case 7: two connectors on one host; one's Planhat accepts writes but never answers in time. The
/// other connector's notifications arrive in waves, one per <c>waveEvery</c>: each wave must reach
/// Planhat within a few flush periods, not after the hanging connector's flush gives up.
/// </summary>
public static class HangingTenantCase
{
    public static async Task<HangingTenantResult> RunAsync(ReliabilityLoad wave, int waves, TimeSpan waveEvery, ReliabilityLoad hangingLoad, int flushEvery, TimeSpan timeout)
    {
        await using var rig = await ReliabilityRig.StartAsync(flushEvery);
        var hanging = await rig.CreateConnectorAsync();
        var healthy = await rig.CreateConnectorAsync();
        var hangingToken = ReliabilityRig.TokenOf(hanging);
        await rig.Admin.SetFaultsAsync(hangingToken, new FaultConfig(SlowReplyRate: 1, SlowReplyMilliseconds: (int)TimeSpan.FromMinutes(10).TotalMilliseconds));
        var host = await rig.StartHostAsync();
        var sender = new HullSender(rig.Sender, _ => host.BaseAddress);

        await sender.SendAllAsync(hangingLoad.Notifications(hanging));
        var latencies = new List<TimeSpan>();
        var token = ReliabilityRig.TokenOf(healthy);
        PlanhatTally? last = null;
        for (var i = 0; i < waves; i++)
        {
            var started = Stopwatch.StartNew();
            var load = wave.For($"w{i}-");
            await sender.SendAllAsync(load.Notifications(healthy));
            (last, _) = await PlanhatTally.WaitUntilCompleteAsync(rig.Admin, token, load, timeout);
            latencies.Add(started.Elapsed);
            if (waveEvery - started.Elapsed is { } rest && rest > TimeSpan.Zero)
            {
                await Task.Delay(rest);
            }
        }

        var all = await Task.WhenAll(Enumerable.Range(0, waves).Select(i => PlanhatTally.TakeAsync(rig.Admin, token, wave.For($"w{i}-"))));
        var hangingTally = await PlanhatTally.TakeAsync(rig.Admin, hangingToken, hangingLoad);
        var lost = all.Sum(t => t.Lost);
        var duplicated = all.Sum(t => t.Duplicated);
        return new HangingTenantResult(
            new ReliabilityRow("7 one Planhat hangs", $"{waves} waves of {wave} (+ {hangingLoad} to the hanging one)",
                "other connector's Planhat never answers a write", lost, duplicated, latencies.Max(),
                $"wave latencies {string.Join(", ", latencies.Select(l => $"{l.TotalSeconds:0.0}"))} s (flush every {flushEvery} s); hanging connector: {hangingTally.Detail}"),
            last!, latencies, hangingTally);
    }
}
