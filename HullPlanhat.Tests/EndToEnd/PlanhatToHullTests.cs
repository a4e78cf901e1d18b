using System.Diagnostics;
using System.Text.Json.Nodes;
using HullPlanhat.Core.Hosting;
using HullPlanhat.Core.Incoming;
using HullPlanhat.Sandbox.Faults;
using HullPlanhat.Sandbox.Hull;
using HullPlanhat.Sandbox.Planhat;
using HullPlanhat.Tests.Infrastructure;
using Xunit.Abstractions;

namespace HullPlanhat.Tests.EndToEnd;

/// <summary>FetchEndusers / FetchCompanies end to end: Sandbox Planhat → SelfHost → Sandbox Hull firehose.</summary>
[Collection(ProductCollection.Name)]
public sealed class PlanhatToHullTests(ProductFixture product, ITestOutputHelper output)
{
    [Fact]
    public async Task First_run_sends_all_2500_endusers_and_an_immediate_second_run_sends_none()
    {
        var connector = await RegisteredConnectorAsync();
        var ids = await SeedEndusersAsync(connector, 2500);

        var first = await RunAsync(connector, TriggerTable.FetchEndusers);
        var users = await UserEntriesAsync(connector);
        Assert.Equal(2500, users.Count);
        Assert.Equal(ids.Select(id => "planhat:" + id).Order(), users.Select(u => u.AsUser!["anonymous_id"]!.ToString()).Order());
        Assert.Equal(2500, connector.Logs("incoming.user.success").Count);

        var second = await RunAsync(connector, TriggerTable.FetchEndusers);
        Assert.Equal(2500, (await UserEntriesAsync(connector)).Count);
        var success = connector.Logs("incoming.job.success");
        Assert.Equal(2, success.Count);
        Assert.Equal("0", success[1]["Sent"]);
        Assert.Equal("2500", success[1]["Unchanged"]);
        output.WriteLine($"2,500 endusers, first run: {first}");
        output.WriteLine($"2,500 endusers, second run: {second}");
    }

    [Fact]
    public async Task Changing_3_endusers_sends_exactly_those_3()
    {
        var connector = await RegisteredConnectorAsync();
        var ids = await SeedEndusersAsync(connector, 200);
        await RunAsync(connector, TriggerTable.FetchEndusers);
        await product.SandboxAdmin.ResetFirehoseAsync(connector.Id);

        string[] changed = [ids[3], ids[100], ids[199]];
        foreach (var id in changed)
        {
            await product.SandboxAdmin.ModifyAsync(connector.PlanhatToken, ObjectKind.Endusers, id, new JsonObject { ["position"] = "CTO" });
        }

        await RunAsync(connector, TriggerTable.FetchEndusers);

        var users = await UserEntriesAsync(connector);
        Assert.Equal(changed.Select(id => "planhat:" + id).Order(), users.Select(u => u.AsUser!["anonymous_id"]!.ToString()).Order());
        Assert.All(users, u => Assert.Equal("CTO", u.Body["planhat/position"]!.ToString()));
    }

    [Fact]
    public async Task Companies_are_sent_once_and_then_only_the_3_that_changed()
    {
        var connector = await RegisteredConnectorAsync();
        var ids = await product.SandboxAdmin.SeedAsync(connector.PlanhatToken, ObjectKind.Companies, Enumerable.Range(0, 40).Select(i => new JsonObject
        {
            ["name"] = $"Company {i}", ["externalId"] = $"co-{i}", ["domains"] = new JsonArray($"co{i}.example"), ["shareable"] = true,
        }));

        await RunAsync(connector, TriggerTable.FetchCompanies);
        var accounts = await product.SandboxAdmin.GetFirehoseAsync(connector.Id);
        Assert.Equal(40, accounts.Count);
        var acme = accounts.Single(a => a.AsAccount!["external_id"]!.ToString() == "co-7");
        Assert.Equal(("traits", "account"), (acme.Type, acme.SubjectType));
        Assert.Equal($"planhat:{ids[7]}", acme.AsAccount!["anonymous_id"]!.ToString());
        Assert.Equal("co7.example", acme.AsAccount!["domain"]!.ToString());
        Assert.Equal("""{"value":"Company 7","operation":"setIfNull"}""", acme.Body["name"]!.ToJsonString());
        Assert.False(acme.Body.ContainsKey("planhat/shareable"));
        Assert.Equal(40, connector.Logs("incoming.account.success").Count);

        await RunAsync(connector, TriggerTable.FetchCompanies);
        Assert.Equal(40, (await product.SandboxAdmin.GetFirehoseAsync(connector.Id)).Count);

        await product.SandboxAdmin.ResetFirehoseAsync(connector.Id);
        string[] changed = [ids[0], ids[20], ids[39]];
        foreach (var id in changed)
        {
            await product.SandboxAdmin.ModifyAsync(connector.PlanhatToken, ObjectKind.Companies, id, new JsonObject { ["phase"] = "churned" });
        }

        await RunAsync(connector, TriggerTable.FetchCompanies);
        var sent = await product.SandboxAdmin.GetFirehoseAsync(connector.Id);
        Assert.Equal(changed.Select(id => "planhat:" + id).Order(), sent.Select(a => a.AsAccount!["anonymous_id"]!.ToString()).Order());
    }

    [Fact]
    public async Task A_job_stopped_after_its_first_page_resumes_and_every_enduser_reaches_Hull_exactly_once()
    {
        var connector = await RegisteredConnectorAsync();
        var ids = await SeedEndusersAsync(connector, 6000); // two pages of 5,000

        // Page 1 is served, page 2 keeps failing through every retry.
        await product.SandboxAdmin.SetFaultsAsync(connector.PlanhatToken, new FaultConfig(FailureRate: 1, Statuses: [500], AfterCalls: 1));
        await product.RunFunctionAsync(TriggerTable.FetchEndusers);
        var error = Assert.Single(connector.Logs("incoming.job.error"));
        Assert.Equal("5000", error["Offset"]);
        Assert.Equal(5000, (await UserEntriesAsync(connector)).Count);
        Assert.Empty(connector.Logs("incoming.job.success"));

        await product.SandboxAdmin.SetFaultsAsync(connector.PlanhatToken, FaultConfig.None);
        await product.RunFunctionAsync(TriggerTable.FetchEndusers);

        var resumed = Assert.Single(connector.Logs("incoming.job.resume"));
        Assert.Equal("5000", resumed["Offset"]);
        Assert.Single(connector.Logs("incoming.job.success"));
        var users = await UserEntriesAsync(connector);
        Assert.Equal(ids.Select(id => "planhat:" + id).Order(), users.Select(u => u.AsUser!["anonymous_id"]!.ToString()).Order());
        var lists = (await connector.PlanhatCallsAsync()).Where(c => c.Method == "GET" && c.Path.EndsWith("endusers") && c.Status == 200).ToList();
        Assert.Equal(["offset=0", "offset=5000"], lists.Select(c => c.Query.Split('&').Single(p => p.StartsWith("offset="))));
    }

    [Fact]
    public async Task Endusers_Hull_did_not_accept_get_no_hash_and_are_sent_on_the_next_run_without_repeating_the_others()
    {
        var connector = await RegisteredConnectorAsync();
        var ids = await SeedEndusersAsync(connector, 250); // three firehose requests of 100, 100, 50

        await product.SandboxAdmin.SetFirehoseFaultsAsync(connector.Id, new FaultConfig(FailureRate: 1, Statuses: [503], AfterCalls: 2));
        await product.RunFunctionAsync(TriggerTable.FetchEndusers);
        Assert.Single(connector.Logs("incoming.job.error"));
        // Two of the three requests (sent side by side, so either two) were accepted.
        var accepted = (await UserEntriesAsync(connector)).Count;
        Assert.Contains(accepted, new[] { 150, 200 });
        Assert.Equal(accepted, connector.Logs("incoming.user.success").Count);

        await product.SandboxAdmin.SetFirehoseFaultsAsync(connector.Id, FaultConfig.None);
        await product.RunFunctionAsync(TriggerTable.FetchEndusers);

        var users = await UserEntriesAsync(connector);
        Assert.Equal(ids.Select(id => "planhat:" + id).Order(), users.Select(u => u.AsUser!["anonymous_id"]!.ToString()).Order());
        Assert.Single(connector.Logs("incoming.job.success"));
    }

    [Fact]
    public async Task The_interval_setting_prevents_a_second_run_inside_the_window()
    {
        var connector = await RegisteredConnectorAsync(intervalMinutes: 180);
        var ids = await SeedEndusersAsync(connector, 3);
        await RunAsync(connector, TriggerTable.FetchEndusers);
        Assert.Equal(3, (await UserEntriesAsync(connector)).Count);
        var calls = (await connector.PlanhatCallsAsync()).Count;

        await product.SandboxAdmin.ModifyAsync(connector.PlanhatToken, ObjectKind.Endusers, ids[0], new JsonObject { ["position"] = "CEO" });
        await product.RunFunctionAsync(TriggerTable.FetchEndusers);

        var skip = Assert.Single(connector.Logs("incoming.job.skip"));
        Assert.Equal(JobPlanner.IntervalNotElapsed, skip["Reason"]);
        Assert.Equal(3, (await UserEntriesAsync(connector)).Count);
        Assert.Equal(calls, (await connector.PlanhatCallsAsync()).Count);
        Assert.Single(connector.Logs("incoming.job.start"));
    }

    [Fact]
    public async Task An_enduser_arrives_linked_to_its_companys_account()
    {
        var connector = await RegisteredConnectorAsync();
        var companyId = (await product.SandboxAdmin.SeedAsync(connector.PlanhatToken, ObjectKind.Companies,
            [new JsonObject { ["name"] = "Acme", ["externalId"] = "acme-ext" }]))[0];
        var userId = (await product.SandboxAdmin.SeedAsync(connector.PlanhatToken, ObjectKind.Endusers,
            [new JsonObject { ["email"] = "ann@acme.example", ["name"] = "Ann", ["companyId"] = companyId }]))[0];

        await RunAsync(connector, TriggerTable.FetchCompanies);
        await RunAsync(connector, TriggerTable.FetchEndusers);

        var entries = (await product.SandboxAdmin.GetFirehoseAsync(connector.Id)).Where(e => e.AsUser is not null).ToList();
        var user = Assert.Single(entries, e => e.SubjectType == "user");
        Assert.Equal("ann@acme.example", user.AsUser!["email"]!.ToString());
        Assert.Equal(companyId, user.Body["planhat/company_id"]!.ToString());
        var link = Assert.Single(entries, e => e.SubjectType == "account");
        Assert.Equal("planhat:" + userId, link.AsUser!["anonymous_id"]!.ToString());
        Assert.Equal("acme-ext", link.AsAccount!["external_id"]!.ToString());
        Assert.Equal("planhat:" + companyId, link.AsAccount!["anonymous_id"]!.ToString());
        Assert.Empty(link.Body);

        // The company came from the import's own table: no per-company Planhat lookup.
        Assert.DoesNotContain(await connector.PlanhatCallsAsync(), c => c.Path.Contains("companies/"));
        var logged = Assert.Single(connector.Logs("incoming.user.success"));
        Assert.Equal("user", logged.Context["subject_type"]);
        Assert.Equal("ann@acme.example", logged.Context["user_email"]);
    }

    [Fact]
    public async Task An_enduser_whose_company_was_not_imported_yet_is_linked_through_a_company_lookup()
    {
        var connector = await RegisteredConnectorAsync();
        var companyId = (await product.SandboxAdmin.SeedAsync(connector.PlanhatToken, ObjectKind.Companies,
            [new JsonObject { ["name"] = "Beta", ["externalId"] = "beta-ext" }]))[0];
        await SeedEndusersAsync(connector, 3, companyId);

        await RunAsync(connector, TriggerTable.FetchEndusers);

        var links = (await product.SandboxAdmin.GetFirehoseAsync(connector.Id)).Where(e => e.SubjectType == "account").ToList();
        Assert.Equal(3, links.Count);
        Assert.All(links, l => Assert.Equal("beta-ext", l.AsAccount!["external_id"]!.ToString()));
        Assert.Single(await connector.PlanhatCallsAsync(), c => c.Path.EndsWith("companies/" + companyId));
    }

    [Fact]
    public async Task Objects_Hull_cannot_take_are_skipped_with_their_reason_and_the_rest_of_the_page_goes_on_once()
    {
        var connector = await RegisteredConnectorAsync();
        JsonNode deep = new JsonObject { ["leaf"] = 1 };
        for (var level = 0; level < 40; level++)
        {
            deep = new JsonObject { ["a"] = deep };
        }

        await product.SandboxAdmin.SeedAsync(connector.PlanhatToken, ObjectKind.Companies,
        [
            new JsonObject { ["name"] = "Good A", ["externalId"] = "good-a" },
            new JsonObject { ["name"] = "Huge external id", ["externalId"] = new string('x', 40_000) },
            new JsonObject { ["name"] = "Deep", ["externalId"] = "deep", ["custom"] = new JsonObject { ["x"] = deep } },
            new JsonObject { ["_id"] = new string('a', 2_000), ["name"] = "Not an id" },
            new JsonObject { ["name"] = "Good B", ["externalId"] = "good-b" },
        ]);
        await product.SandboxAdmin.SeedAsync(connector.PlanhatToken, ObjectKind.Endusers,
        [
            new JsonObject { ["email"] = "a@x.example" },
            new JsonObject { ["email"] = "lost-company@x.example", ["companyId"] = new string('c', 10_000) },
            new JsonObject { ["email"] = new string('e', 100_000) + "@x.example" },
            new JsonObject { ["email"] = "b@x.example" },
        ]);

        for (var run = 0; run < 2; run++)
        {
            await product.RunFunctionAsync(TriggerTable.FetchCompanies);
            await product.RunFunctionAsync(TriggerTable.FetchEndusers);
        }

        var sent = await product.SandboxAdmin.GetFirehoseAsync(connector.Id);
        Assert.Equal(["good-a", "good-b"], sent.Where(e => e.SubjectType == "account" && e.AsUser is null).Select(e => e.AsAccount!["external_id"]!.ToString()).Order());
        Assert.Equal(["a@x.example", "b@x.example", "lost-company@x.example"], sent.Where(e => e.SubjectType == "user").Select(e => e.AsUser!["email"]!.ToString()).Order());
        Assert.Equal(4, connector.Logs("incoming.job.success").Count);
        Assert.Empty(connector.Logs("incoming.job.error"));
        Assert.Equal(
            [IncomingMapper.IdentityTooLong, IncomingMapper.NoUsableId, IncomingMapper.TooDeep],
            connector.Logs("incoming.account.skip").Take(3).Select(l => l["Reason"]!).Order());
        Assert.Equal(IncomingMapper.IdentityTooLong, connector.Logs("incoming.user.skip")[0]["Reason"]);
    }

    [Fact]
    public async Task A_company_Hull_refuses_on_its_own_is_skipped_with_Hulls_answer_and_the_rest_of_its_post_reaches_Hull()
    {
        var connector = await RegisteredConnectorAsync();
        await product.SandboxAdmin.SetFirehoseFaultsAsync(connector.Id, new FaultConfig(MaxBodyBytes: 80_000));
        var ids = await product.SandboxAdmin.SeedAsync(connector.PlanhatToken, ObjectKind.Companies, Enumerable.Range(0, 60).Select(i => new JsonObject
        {
            ["name"] = $"Company {i}", ["externalId"] = $"refused-{i}", ["custom"] = new JsonObject { ["notes"] = i == 17 ? new string('n', 100_000) : "short" },
        }));

        await product.RunFunctionAsync(TriggerTable.FetchCompanies);

        var sent = await product.SandboxAdmin.GetFirehoseAsync(connector.Id);
        Assert.Equal(59, sent.Count);
        Assert.DoesNotContain(sent, e => e.AsAccount!["external_id"]!.ToString() == "refused-17");
        var skip = Assert.Single(connector.Logs("incoming.account.skip"));
        Assert.Contains("Hull refused it: Hull firehose answered 413", skip["Reason"], StringComparison.Ordinal);
        Assert.Single(connector.Logs("incoming.job.success"));
        Assert.Empty(connector.Logs("incoming.job.error"));

        // The refused one is not lost for good: once it changes it is sent; the 59 unchanged are not sent again.
        await product.SandboxAdmin.ModifyAsync(connector.PlanhatToken, ObjectKind.Companies, ids[17], new JsonObject { ["custom"] = new JsonObject { ["notes"] = "trimmed" } });
        await product.RunFunctionAsync(TriggerTable.FetchCompanies);
        sent = await product.SandboxAdmin.GetFirehoseAsync(connector.Id);
        Assert.Equal(60, sent.Count);
        Assert.Equal("trimmed", sent.Single(e => e.AsAccount!["external_id"]!.ToString() == "refused-17").Body["planhat/custom"]?["notes"]?.ToString());
        Assert.Empty(connector.Logs("incoming.job.error"));
    }

    private async Task<TestConnector> RegisteredConnectorAsync(int intervalMinutes = 0)
    {
        var interval = intervalMinutes.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var connector = await product.CreateConnectorAsync(new JsonObject { ["fetch_interval_users"] = interval, ["fetch_interval_accounts"] = interval });
        // A notification is how the product learns a connector (and the Sandbox's Hull learns its secret).
        (await connector.SendAccountsAsync([])).EnsureSuccessStatusCode();
        return connector;
    }

    private Task<IReadOnlyList<string>> SeedEndusersAsync(TestConnector connector, int count, string? companyId = null) =>
        product.SandboxAdmin.SeedAsync(connector.PlanhatToken, ObjectKind.Endusers, Enumerable.Range(0, count).Select(i => new JsonObject
        {
            ["email"] = $"user{i}@example.com",
            ["externalId"] = $"ext-{i}",
            ["firstName"] = "User",
            ["lastName"] = i.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["companyId"] = companyId,
            ["custom"] = new JsonObject { ["Score30"] = i % 7 },
        }));

    private async Task<IReadOnlyList<FirehoseEntry>> UserEntriesAsync(TestConnector connector) =>
        (await product.SandboxAdmin.GetFirehoseAsync(connector.Id)).Where(e => e.SubjectType == "user").ToList();

    /// <summary>Runs a fetch and describes it: wall time, Planhat calls, firehose requests (from the job's success log).</summary>
    private async Task<string> RunAsync(TestConnector connector, string function)
    {
        var calls = (await connector.PlanhatCallsAsync()).Count;
        var watch = Stopwatch.StartNew();
        await product.RunFunctionAsync(function);
        var elapsed = watch.Elapsed;
        var success = connector.Logs("incoming.job.success").LastOrDefault();
        return $"{elapsed.TotalSeconds:F2} s, {(await connector.PlanhatCallsAsync()).Count - calls} Planhat calls, "
            + $"{success?["FirehoseRequests"]} firehose requests, sent {success?["Sent"]}, unchanged {success?["Unchanged"]}";
    }
}
