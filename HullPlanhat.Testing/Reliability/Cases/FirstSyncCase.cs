using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using HullPlanhat.Sandbox.Planhat;

namespace HullPlanhat.Testing.Reliability.Cases;

/// <summary>
/// Case 8: a first sync against a Planhat that already holds every user unchanged (a customer moving
/// from the original connector, or after a restore). Hull sends the users; once all are staged one
/// flush runs (the timer is off, so the count is that of one flush, not of how many ticks the intake
/// spans): every Hull user must get its <c>planhat/id</c>, Planhat's own, in at most 10 Planhat calls.
/// Users are those of <see cref="ReliabilityLoad"/>: one in five without an external id (found by email).
/// </summary>
public static class FirstSyncCase
{
    public const int MaxCalls = 10;

    public static async Task<ReliabilityRow> RunAsync(int users, TimeSpan timeout)
    {
        await using var rig = await ReliabilityRig.StartAsync(flushEvery: 10,
            settings: new Dictionary<string, string> { ["AzureWebJobs__FlushOutbox__Disabled"] = "true" });
        var connector = await rig.CreateConnectorAsync();
        var token = ReliabilityRig.TokenOf(connector);
        var host = await rig.StartHostAsync();
        var load = new ReliabilityLoad(KeyedAccounts: 1, KeylessAccounts: 0, Users: users, UsersWithEvents: 0, Prefix: "fs-");
        var notifications = load.Notifications(connector).ToList();
        var sender = new HullSender(rig.Sender, _ => host.BaseAddress);

        // The account first: its company is what the endusers belong to.
        await sender.SendAllAsync(notifications.Take(1));
        await WaitForLinesAsync(host, ["outgoing.account.staged"], 1, timeout);
        await RunFlushAsync(host);
        var companyId = (await rig.Admin.GetObjectsAsync(token, ObjectKind.Companies)).Single()["_id"]!.ToString();

        // Planhat holds every user exactly as the connector would write it.
        await rig.Admin.SeedAsync(token, ObjectKind.Endusers, Enumerable.Range(0, users).Select(i =>
        {
            var user = load.User(i);
            var enduser = new JsonObject { ["name"] = user["name"]!.ToString(), ["email"] = user["email"]!.ToString(), ["companyId"] = companyId };
            if (user["external_id"] is { } externalId)
            {
                enduser["externalId"] = externalId.ToString();
            }

            return enduser;
        }));
        await rig.Admin.ResetCallsAsync(token);

        var clock = Stopwatch.StartNew();
        await sender.SendAllAsync(notifications.Skip(1));
        await WaitForLinesAsync(host, ["outgoing.user.staged", "outgoing.user.skip"], users, timeout);
        var staged = clock.Elapsed;
        await RunFlushAsync(host);
        var drain = clock.Elapsed;

        var calls = await rig.Admin.GetCallsAsync(token);
        var held = await rig.Admin.GetObjectsAsync(token, ObjectKind.Endusers);
        var idOf = held.GroupBy(e => e["email"]!.ToString(), StringComparer.OrdinalIgnoreCase).ToDictionary(g => g.Key, g => g.First()["_id"]!.ToString(), StringComparer.OrdinalIgnoreCase);
        var written = (await rig.Admin.GetFirehoseAsync(connector.Id))
            .Where(e => e.SubjectType == "user" && e.Body["planhat/id"] is not null)
            .GroupBy(e => e.AsUser!["email"]!.ToString(), StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => g.Last().Body["planhat/id"]!.ToString(), StringComparer.OrdinalIgnoreCase);
        var lost = Enumerable.Range(0, users).Select(load.Email).Count(email => !written.TryGetValue(email, out var id) || id != idOf.GetValueOrDefault(email));
        var byEndpoint = calls.GroupBy(c => $"{c.Method} /{c.Path.Split('/').Last()}").Select(g => $"{g.Count()}× {g.Key}");
        return new ReliabilityRow("8 first sync", $"{users:N0} users Planhat already holds unchanged", "none", lost, held.Count - users, drain,
            $"Planhat calls: {calls.Count} (≤ {MaxCalls}: {(calls.Count <= MaxCalls ? "yes" : "NO")}; {string.Join(", ", byEndpoint)}); " +
            $"planhat/id written back for {written.Count:N0}/{users:N0}; staged in {staged.TotalSeconds:0} s, one flush {(drain - staged).TotalSeconds:0} s");
    }

    private static async Task RunFlushAsync(SelfHostProcess host)
    {
        using var http = new HttpClient { BaseAddress = host.BaseAddress, Timeout = TimeSpan.FromMinutes(10) };
        using var request = new HttpRequestMessage(HttpMethod.Post, "admin/functions/FlushOutbox");
        request.Headers.Add("x-functions-key", ReliabilityRig.MasterKey);
        using var response = await http.SendAsync(request);
        if (response.StatusCode != HttpStatusCode.Accepted)
        {
            throw new InvalidOperationException($"FlushOutbox answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }
    }

    private static async Task WaitForLinesAsync(SelfHostProcess host, string[] messages, int count, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (Count(host, messages) < count)
        {
            if (clock.Elapsed > timeout)
            {
                throw new TimeoutException($"{Count(host, messages)} of {count} {string.Join("/", messages)} lines after {timeout}: " +
                    string.Join(Environment.NewLine, host.Lines.TakeLast(10)));
            }

            await Task.Delay(500);
        }
    }

    private static int Count(SelfHostProcess host, string[] messages) =>
        host.Lines.Count(line => messages.Any(m => line.Contains($"\"message\":\"{m}\"", StringComparison.Ordinal)));
}
