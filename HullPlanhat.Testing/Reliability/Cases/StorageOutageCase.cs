using System.Diagnostics;
using System.Net;
using HullPlanhat.Sandbox.Planhat;

namespace HullPlanhat.Testing.Reliability.Cases;

/// <summary>What the host's <c>/health</c> said while storage was down, and whether the host lived through it.</summary>
public sealed record StorageOutageResult(ReliabilityRow Row, PlanhatTally Tally, int HealthPollsDuringOutage, int UnhealthyDuringOutage,
    TimeSpan HealthyAgainAfter, bool HostRestarted) : CaseResult(Row, Tally);

/// <summary>
/// Case 5: storage (Azurite, on disk) stopped mid-run for <c>outage</c> and started again on the same
/// ports, while Hull keeps sending. The host is not restarted: it must serve again by itself, lose
/// nothing it acknowledged, and say on <c>/health</c> that storage is out while it is.
/// </summary>
public static class StorageOutageCase
{
    public static async Task<StorageOutageResult> RunAsync(ReliabilityLoad load, int flushEvery, TimeSpan outage, TimeSpan timeout)
    {
        await using var rig = await ReliabilityRig.StartAsync(flushEvery, storageOnDisk: true);
        var connector = await rig.CreateConnectorAsync();
        var token = ReliabilityRig.TokenOf(connector);
        var host = await rig.StartHostAsync();
        using var http = new HttpClient { BaseAddress = host.BaseAddress, Timeout = TimeSpan.FromSeconds(15) };

        var notifications = load.Notifications(connector).ToList();
        var sender = new HullSender(rig.Sender, _ => host.BaseAddress);
        await sender.SendAllAsync(notifications.Take(notifications.Count / 2));
        await WaitForAsync(async () => (await rig.Admin.GetObjectsAsync(token, ObjectKind.Companies)).Count > 0, timeout);

        await rig.Storage.StopAsync();
        var down = Stopwatch.StartNew();
        var sending = Task.Run(() => sender.SendAllAsync(notifications.Skip(notifications.Count / 2)));
        var polls = 0;
        var unhealthy = 0;
        while (down.Elapsed < outage)
        {
            polls++;
            unhealthy += await HealthAsync(http) == HttpStatusCode.OK ? 0 : 1;
            await Task.Delay(TimeSpan.FromSeconds(1));
        }

        await rig.Storage.LaunchAsync();
        var back = Stopwatch.StartNew();
        await WaitForAsync(async () => await HealthAsync(http) == HttpStatusCode.OK, timeout);
        var healthyAgain = back.Elapsed;
        await sending;
        await PlanhatTally.WaitUntilCompleteAsync(rig.Admin, token, load, timeout);
        var drain = back.Elapsed;
        var tally = await FaultsCase.SettledTallyAsync(rig, token, load, flushEvery);
        var restarted = rig.Hosts.Count > 1 || host.HasExited;
        return new StorageOutageResult(
            new ReliabilityRow("5 storage outage", load.ToString(), $"Azurite stopped {outage.TotalSeconds:0} s mid-run, same ports after",
                tally.Lost, tally.Duplicated, drain,
                $"/health unhealthy in {unhealthy}/{polls} polls during the outage, healthy {healthyAgain.TotalSeconds:0.0} s after storage; " +
                $"host {(restarted ? "RESTARTED" : "not restarted")}; {sender.Resends} notifications resent by Hull; drain counted from storage back"),
            tally, polls, unhealthy, healthyAgain, restarted);
    }

    private static async Task<HttpStatusCode?> HealthAsync(HttpClient http)
    {
        try
        {
            using var response = await http.GetAsync("health");
            return response.StatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }

    internal static async Task WaitForAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > timeout)
            {
                throw new TimeoutException("Timed out after " + timeout);
            }

            await Task.Delay(200);
        }
    }
}
