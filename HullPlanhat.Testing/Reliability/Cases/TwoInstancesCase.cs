using System.Diagnostics;
using System.Text.Json.Nodes;
using HullPlanhat.Sandbox.Planhat;

namespace HullPlanhat.Testing.Reliability.Cases;

/// <summary>What two instances did with one budget and one schedule.</summary>
/// <param name="MaxCallsPerMinute">The most Planhat API calls (analytics aside) in any 60 s span, across both instances.</param>
/// <param name="MaxCallsPerWindow">The most in one of the shared budget's 10 s windows (by arrival at Planhat).</param>
/// <param name="TicksRun">Flush ticks that ran, on either instance.</param>
/// <param name="TicksRunTwice">Flush ticks that ran on both instances (must be 0).</param>
/// <param name="RunsPerInstance">Flush runs of each instance.</param>
public sealed record TwoInstancesResult(ReliabilityRow Row, PlanhatTally Tally, int Budget, int PermitsPerWindow, int MaxCallsPerMinute, int MaxCallsPerWindow,
    int TicksRun, int TicksRunTwice, IReadOnlyList<int> RunsPerInstance) : CaseResult(Row, Tally);

/// <summary>
/// Case 3: two SelfHost processes on the same storage, Hull's notifications alternating between
/// them, with one Planhat budget per token: the calls Planhat receives from both stay within it,
/// and every tick of the flush schedule runs on one instance only.
/// </summary>
public static class TwoInstancesCase
{
    /// <param name="budget">Planhat__RequestsPerMinute of both instances.</param>
    /// <param name="chunkSize">Objects per bulk call: small makes a small load need many calls.</param>
    public static async Task<TwoInstancesResult> RunAsync(ReliabilityLoad load, int flushEvery, int budget, int chunkSize, TimeSpan timeout)
    {
        await using var rig = await ReliabilityRig.StartAsync(flushEvery, settings: new Dictionary<string, string>
        {
            ["Planhat__RequestsPerMinute"] = $"{budget}",
            ["Planhat__BulkChunkSize"] = $"{chunkSize}",
        });
        var connector = await rig.CreateConnectorAsync();
        var token = ReliabilityRig.TokenOf(connector);
        await rig.Admin.SetFaultsAsync(token, PlanhatFaults.FailedAndLostReplies);
        var first = await rig.StartHostAsync();
        var second = await rig.StartHostAsync();

        await new HullSender(rig.Sender, i => i % 2 == 0 ? first.BaseAddress : second.BaseAddress).SendAllAsync(load.Notifications(connector));
        var (_, drain) = await PlanhatTally.WaitUntilCompleteAsync(rig.Admin, token, load, timeout);
        var tally = await FaultsCase.SettledTallyAsync(rig, token, load, flushEvery);

        var calls = (await rig.Admin.GetCallsAsync(token)).Where(c => !c.Path.StartsWith("/analytics", StringComparison.Ordinal)).Select(c => c.At).Order().ToList();
        var perMinute = calls.Select((at, i) => calls.Skip(i).TakeWhile(later => later - at < TimeSpan.FromMinutes(1)).Count()).DefaultIfEmpty().Max();
        var perWindow = calls.GroupBy(at => at.UtcTicks / TimeSpan.FromSeconds(10).Ticks).Select(g => g.Count()).DefaultIfEmpty().Max();
        var runs = new[] { first, second }.Select(TimerRuns).ToList();
        var ticks = runs.SelectMany(r => r).GroupBy(occurrence => occurrence).ToList();
        var permits = Math.Max(1, budget / 7);
        var result = new TwoInstancesResult(
            new ReliabilityRow("3 two instances", load.ToString(), PlanhatFaults.Description + $", budget {budget}/min", tally.Lost, tally.Duplicated, drain,
                $"max Planhat calls in 60 s: {perMinute} (budget {budget}), in a 10 s window: {perWindow} ({permits} allowed); " +
                $"flush ticks run: {ticks.Count} ({string.Join(" + ", runs.Select(r => r.Count))} per instance), twice: {ticks.Count(t => t.Count() > 1)}"),
            tally, budget, permits, perMinute, perWindow, ticks.Count, ticks.Count(t => t.Count() > 1), [.. runs.Select(r => r.Count)]);
        return result;
    }

    /// <summary>The FlushOutbox ticks a host ran, from its <c>connector.timer.run</c> lines.</summary>
    private static List<string> TimerRuns(SelfHostProcess host) =>
        [.. host.Lines.Select(Parse).OfType<JsonObject>()
            .Where(l => l["message"]?.ToString() == "connector.timer.run" && l["data"]?["function"]?.ToString() == "FlushOutbox")
            .Select(l => l["data"]!["occurrence"]!.ToString())];

    private static JsonObject? Parse(string line)
    {
        try
        {
            return JsonNode.Parse(line) as JsonObject;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }
}
