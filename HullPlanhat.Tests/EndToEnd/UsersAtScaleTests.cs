using System.Diagnostics;
using System.Text.Json.Nodes;
using HullPlanhat.Core.Hosting;
using HullPlanhat.Sandbox.Faults;
using HullPlanhat.Sandbox.Planhat;
using HullPlanhat.Tests.Infrastructure;
using Xunit.Abstractions;

namespace HullPlanhat.Tests.EndToEnd;

[Collection(ProductCollection.Name)]
public sealed class UsersAtScaleTests(ProductFixture product, ITestOutputHelper output)
{
    [Fact]
    public async Task Five_thousand_users_in_one_notification_need_at_most_two_enduser_bulk_calls()
    {
        var connector = await product.CreateConnectorAsync(TestUsers.Settings());
        var accounts = Enumerable.Range(0, 10).Select(i => TestUsers.Account($"scale-{i}", $"Scale {i}")).ToArray();
        await connector.StageAccountsAsync(accounts);
        var messages = Enumerable.Range(0, 5000).Select(i => TestUsers.Message(TestUsers.User($"s{i:D4}"), accounts[i % 10])).ToList();

        var clock = Stopwatch.StartNew();
        (await product.SendUsersAsync(connector, messages)).EnsureSuccessStatusCode();
        var accepted = clock.Elapsed;
        await connector.WaitForUserDecisionsAsync(5000, TimeSpan.FromMinutes(5));
        var staged = clock.Elapsed;
        await product.RunFunctionAsync(TriggerTable.FlushOutbox);

        // Figures only (speed is asserted in the benchmarks, not here).
        output.WriteLine($"intake answered {accepted.TotalSeconds:F1}s, all staged {staged.TotalSeconds:F1}s, flushed {clock.Elapsed.TotalSeconds:F1}s");

        var endusers = await connector.PlanhatAsync(ObjectKind.Endusers);
        Assert.Equal(5000, endusers.Select(e => e["externalId"]!.ToString()).Distinct().Count());
        Assert.Equal(5000, endusers.Count);
        var companies = (await connector.PlanhatAsync(ObjectKind.Companies)).ToDictionary(c => c["_id"]!.ToString(), c => c["externalId"]!.ToString());
        Assert.All(endusers, e => Assert.Equal($"scale-{int.Parse(e["externalId"]!.ToString()[6..]) % 10}", companies[e["companyId"]!.ToString()]));
        var calls = await connector.PlanhatCallsAsync();
        Assert.InRange(calls.Count(c => c.Method == "PUT" && c.Path == "/endusers"), 1, 2);
        Assert.DoesNotContain(calls, c => c.Method == "GET" && c.Path == "/endusers");
        Assert.Equal(5000, connector.Logs("outgoing.user.success").Count);
    }

    [Fact]
    public async Task With_a_fifth_of_Planhat_calls_failing_every_enduser_and_event_arrives_exactly_once()
    {
        var settings = TestUsers.Settings();
        settings["contact_events"] = new JsonArray("Logged in");
        var connector = await product.CreateConnectorAsync(settings);
        // Planhat writes only: a 500 in front of the analytics sink leaves its post's outcome unknown (ExactlyOnceTests covers analytics).
        await product.SandboxAdmin.SetFaultsAsync(connector.PlanhatToken, new FaultConfig(0.2, [429, 500], Seed: 1));
        var accounts = Enumerable.Range(0, 3).Select(i => TestUsers.Account($"flaky-acct-{i}", $"Flaky {i}")).ToArray();
        await connector.StageAccountsAsync(accounts);

        // A third have no externalId, so they are matched by email.
        var messages = Enumerable.Range(0, 60).Select(i => TestUsers.Message(
            TestUsers.User($"f{i:D2}", withExternalId: i % 3 != 0), accounts[i % 3],
            [TestUsers.Event("Logged in", new JsonObject { ["n"] = i })])).ToList();
        foreach (var batch in messages.Chunk(20))
        {
            (await product.SendUsersAsync(connector, batch)).EnsureSuccessStatusCode();
        }

        await connector.WaitForUserDecisionsAsync(60);
        for (var run = 0; run < 8 && (await product.SandboxAdmin.GetAnalyticsAsync(connector.PlanhatToken)).Count < 60; run++)
        {
            await product.RunFunctionAsync(TriggerTable.FlushOutbox);
        }

        // A late replay of the first batch (nothing changed, same events) sends nothing new either.
        (await product.SendUsersAsync(connector, messages.Take(5))).EnsureSuccessStatusCode();
        await connector.WaitForUserDecisionsAsync(65);
        await product.RunFunctionAsync(TriggerTable.FlushOutbox);

        var endusers = await connector.PlanhatAsync(ObjectKind.Endusers);
        Assert.Equal(60, endusers.Count);
        Assert.Equal(60, endusers.Select(e => e["email"]!.ToString()).Distinct().Count());
        var activities = await product.SandboxAdmin.GetAnalyticsAsync(connector.PlanhatToken);
        Assert.Equal(60, activities.Count);
        Assert.Equal(60, activities.Select(a => a["info"]!["n"]!.GetValue<int>()).Distinct().Count());
        Assert.Equal(3, (await connector.PlanhatAsync(ObjectKind.Companies)).Count);
        Assert.Contains(await connector.PlanhatCallsAsync(), c => c.Status is 429 or 500);
    }
}
