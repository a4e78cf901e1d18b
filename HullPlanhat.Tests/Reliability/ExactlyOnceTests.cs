using System.Text.Json.Nodes;
using HullPlanhat.Core.Hosting;
using HullPlanhat.Sandbox.Faults;
using HullPlanhat.Sandbox.Hull;
using HullPlanhat.Sandbox.Planhat;
using HullPlanhat.Tests.Infrastructure;
using Xunit.Abstractions;

namespace HullPlanhat.Tests.Reliability;

/// <summary>
/// At-least-once delivery plus idempotent writes, end to end over Azurite + Sandbox + SelfHost:
/// lost replies, reordering, a Planhat that already holds the data, a hanging tenant.
/// </summary>
[Collection(ProductCollection.Name)]
public sealed class ExactlyOnceTests(ProductFixture product, ITestOutputHelper output)
{
    private static JsonObject Settings()
    {
        var settings = TestUsers.Settings();
        settings["account_require_externalid"] = false;
        settings["contact_events"] = new JsonArray("Logged in");
        settings["account_licenses_attribute"] = "ph_licenses";
        settings["account_licenses_attributes_outbound"] = new JsonArray(
            TestUsers.Mapping("id", "externalId"), TestUsers.Mapping("product", "product"));
        return settings;
    }

    [Fact]
    public async Task Failed_writes_and_lost_replies_on_every_Planhat_write_lose_nothing_and_duplicate_nothing()
    {
        var connector = await product.CreateConnectorAsync(Settings());
        var keyed = Enumerable.Range(0, 60).Select(i => License(TestUsers.Account($"lr-{i}", $"Lost reply {i}"), $"LIC-{i}")).ToArray();
        var keyless = Enumerable.Range(0, 8).Select(i => License(
            new JsonObject { ["id"] = $"hull-keyless-{i}", ["name"] = $"Keyless {i}", ["domain"] = $"keyless-{i}.example" }, $"LIC-K{i}")).ToArray();

        // 10 % refused before the write, 10 % applied with the reply lost (Planhat writes; analytics is covered below).
        await product.SandboxAdmin.SetFaultsAsync(connector.PlanhatToken, new FaultConfig(0.1, [429, 500, 503], Seed: 11, LostReplyRate: 0.1));
        await connector.StageAccountsAsync([.. keyed, .. keyless]);
        var users = Enumerable.Range(0, 150).Select(i => TestUsers.Message(
            TestUsers.User($"lr{i:D3}", withExternalId: i % 5 != 0), keyed[i % keyed.Length],
            [TestUsers.Event("Logged in", new JsonObject { ["n"] = i })])).ToList();
        foreach (var batch in users.Chunk(50))
        {
            (await product.SendUsersAsync(connector, batch)).EnsureSuccessStatusCode();
        }

        await connector.WaitForUserDecisionsAsync(users.Count);
        var runs = 0;
        for (; runs < 20 && !await DoneAsync(); runs++)
        {
            await product.RunFunctionAsync(TriggerTable.FlushOutbox);
        }

        output.WriteLine($"flush runs until drained: {runs}");
        var companies = await connector.PlanhatAsync(ObjectKind.Companies);
        Assert.Equal(68, companies.Count);
        Assert.Equal(60, companies.Select(c => c["externalId"]?.ToString()).OfType<string>().Distinct().Count());
        Assert.Equal(8, companies.Select(c => c["sourceId"]?.ToString()).OfType<string>().Distinct().Count());
        var licenses = await connector.PlanhatAsync(ObjectKind.Licenses);
        Assert.Equal(68, licenses.Count);
        Assert.Equal(68, licenses.Select(l => l["companyId"]!.ToString()).Distinct().Count());
        var endusers = await connector.PlanhatAsync(ObjectKind.Endusers);
        Assert.Equal(150, endusers.Count);
        Assert.Equal(150, endusers.Select(e => e["email"]!.ToString()).Distinct().Count());
        var activities = await product.SandboxAdmin.GetAnalyticsAsync(connector.PlanhatToken);
        Assert.Equal(150, activities.Select(a => a["info"]!["n"]!.GetValue<int>()).Distinct().Count());
        Assert.Equal(150, activities.Count);

        var calls = await connector.PlanhatCallsAsync();
        Assert.Contains(calls, c => c.Status == 502);
        Assert.DoesNotContain(calls, c => c.Method == "POST" && c.Path == "/companies");

        async Task<bool> DoneAsync() =>
            (await connector.PlanhatAsync(ObjectKind.Companies)).Count >= 68
            && (await connector.PlanhatAsync(ObjectKind.Licenses)).Count >= 68
            && (await connector.PlanhatAsync(ObjectKind.Endusers)).Count >= 150
            && (await product.SandboxAdmin.GetAnalyticsAsync(connector.PlanhatToken)).Count >= 150
            && connector.Logs("outgoing.user.success").Select(l => l.Context["user_email"]).Distinct().Count() >= 150;
    }

    [Fact]
    public async Task Analytics_posts_refused_in_front_of_the_sink_are_sent_again_and_posts_whose_reply_was_lost_are_not()
    {
        var connector = await product.CreateConnectorAsync(Settings());
        var account = TestUsers.Account("an-1", "Analytics");
        await connector.StageAccountsAsync(account);
        await product.RunFunctionAsync(TriggerTable.FlushOutbox);

        // Refused before the sink (429, 400): sent again by later flushes until it gets through, once.
        await product.SandboxAdmin.SetFaultsAsync(connector.PlanhatToken, new FaultConfig(1, [400], AnalyticsOnly: true));
        await SendUsersWithEventsAsync("refused", 0, 10);
        await product.RunFunctionAsync(TriggerTable.FlushOutbox);
        Assert.Empty(await product.SandboxAdmin.GetAnalyticsAsync(connector.PlanhatToken));
        await product.SandboxAdmin.SetFaultsAsync(connector.PlanhatToken, FaultConfig.None);
        await product.RunFunctionAsync(TriggerTable.FlushOutbox);
        Assert.Equal(10, (await product.SandboxAdmin.GetAnalyticsAsync(connector.PlanhatToken)).Count);

        // Taken by the sink, then a gateway's 502: the outcome is unknown, so it is not posted again.
        await product.SandboxAdmin.SetFaultsAsync(connector.PlanhatToken, new FaultConfig(LostReplyRate: 1, AnalyticsOnly: true));
        await SendUsersWithEventsAsync("lost", 10, 10);
        await product.RunFunctionAsync(TriggerTable.FlushOutbox);
        await product.SandboxAdmin.SetFaultsAsync(connector.PlanhatToken, FaultConfig.None);
        await product.RunFunctionAsync(TriggerTable.FlushOutbox);
        await product.RunFunctionAsync(TriggerTable.FlushOutbox);

        var activities = await product.SandboxAdmin.GetAnalyticsAsync(connector.PlanhatToken);
        Assert.Equal(20, activities.Count);
        Assert.Equal(20, activities.Select(a => a["info"]!["n"]!.GetValue<int>()).Distinct().Count());
        Assert.Equal(10, connector.Logs("outgoing.user_event.error").Count(l => l["Error"]!.StartsWith("Outcome unknown", StringComparison.Ordinal)));
        Assert.Contains(await connector.PlanhatCallsAsync(), c => c.Status == 502);

        async Task SendUsersWithEventsAsync(string prefix, int first, int count)
        {
            var messages = Enumerable.Range(first, count).Select(i => TestUsers.Message(TestUsers.User($"{prefix}{i:D2}"), account,
                [TestUsers.Event("Logged in", new JsonObject { ["n"] = i })])).ToList();
            (await product.SendUsersAsync(connector, messages)).EnsureSuccessStatusCode();
            await connector.WaitForUserDecisionsAsync(first + count);
        }
    }

    [Fact]
    public async Task An_account_delivered_as_versions_1_to_5_in_random_order_ends_as_version_5()
    {
        var connector = await product.CreateConnectorAsync(Settings());
        var versions = Enumerable.Range(1, 5).Select(v =>
        {
            var account = TestUsers.Account("ordered-1", $"Version {v}");
            account["updated_at"] = $"2026-03-0{v}T10:00:00Z";
            return TestConnector.AccountMessage(account);
        }).ToArray();
        var order = versions.OrderBy(_ => Random.Shared.Next()).ToArray();
        output.WriteLine("delivery order: " + string.Join(", ", order.Select(m => m["account"]!["name"])));

        await Task.WhenAll(order.Select(async message => (await connector.SendAccountsAsync([message])).EnsureSuccessStatusCode()));
        await connector.WaitForAccountDecisionsAsync(5);
        await product.RunFunctionAsync(TriggerTable.FlushOutbox);
        Assert.Equal("Version 5", Assert.Single(await connector.PlanhatAsync(ObjectKind.Companies))["name"]!.ToString());

        // Redelivered after the flush, an old version is still older than what Planhat has.
        Assert.Equal("Version 5", await DeliverAndFlushAsync(versions[1], 6));
        Assert.Contains(connector.Logs("outgoing.account.skip"), l => l["Reason"] == Core.Outgoing.SkipReasons.OlderChange);

        // A change without a version is written, and keeps version 5: version 2, delivered late again, is still older.
        Assert.Equal("No version", await DeliverAndFlushAsync(TestConnector.AccountMessage(TestUsers.Account("ordered-1", "No version")), 7));
        Assert.Equal("No version", await DeliverAndFlushAsync(versions[1], 8));

        async Task<string> DeliverAndFlushAsync(JsonObject message, int decisions)
        {
            (await connector.SendAccountsAsync([message])).EnsureSuccessStatusCode();
            await connector.WaitForAccountDecisionsAsync(decisions);
            await product.RunFunctionAsync(TriggerTable.FlushOutbox);
            return Assert.Single(await connector.PlanhatAsync(ObjectKind.Companies))["name"]!.ToString();
        }
    }

    [Fact]
    public async Task A_first_sync_against_a_Planhat_that_already_holds_the_users_learns_every_id_in_a_few_calls()
    {
        const int count = 2000;
        var connector = await product.CreateConnectorAsync(Settings());
        var account = TestUsers.Account("existing-1", "Existing");
        await connector.StageAccountsAsync(account);
        await product.RunFunctionAsync(TriggerTable.FlushOutbox);
        var companyId = Assert.Single(await connector.PlanhatAsync(ObjectKind.Companies))["_id"]!.ToString();

        // Planhat holds every user exactly as the connector would write it (e.g. written by the original connector).
        var users = Enumerable.Range(0, count).Select(i => TestUsers.User($"ex{i:D4}")).ToList();
        await product.SandboxAdmin.SeedAsync(connector.PlanhatToken, ObjectKind.Endusers, users.Select(u => new JsonObject
        {
            ["name"] = u["name"]!.ToString(),
            ["email"] = u["email"]!.ToString(),
            ["externalId"] = u["external_id"]!.ToString(),
            ["companyId"] = companyId,
        }));
        await product.SandboxAdmin.ResetCallsAsync(connector.PlanhatToken);
        await product.SandboxAdmin.ResetFirehoseAsync(connector.Id);

        foreach (var batch in users.Select(u => TestUsers.Message(u, account)).Chunk(500))
        {
            (await product.SendUsersAsync(connector, batch)).EnsureSuccessStatusCode();
        }

        await connector.WaitForUserDecisionsAsync(count, TimeSpan.FromMinutes(4));
        await product.RunFunctionAsync(TriggerTable.FlushOutbox);

        var calls = await connector.PlanhatCallsAsync();
        output.WriteLine($"Planhat calls: {calls.Count} ({string.Join(", ", calls.Select(c => $"{c.Method} {c.Path}{c.Query}"))})");
        Assert.InRange(calls.Count, 1, 10);
        Assert.Equal(count, (await connector.PlanhatAsync(ObjectKind.Endusers)).Count);
        var written = (await product.SandboxAdmin.GetFirehoseAsync(connector.Id))
            .Where(e => e.SubjectType == "user" && e.Body["planhat/id"] is not null)
            .ToDictionary(e => e.AsUser!["email"]!.ToString(), e => e.Body["planhat/id"]!.ToString());
        var stored = (await connector.PlanhatAsync(ObjectKind.Endusers)).ToDictionary(e => e["email"]!.ToString(), e => e["_id"]!.ToString());
        Assert.Equal(count, written.Count);
        Assert.All(written, w => Assert.Equal(stored[w.Key], w.Value));
    }

    [Fact]
    public async Task A_connector_whose_Planhat_hangs_does_not_hold_up_the_others()
    {
        var hanging = await product.CreateConnectorAsync(Settings());
        var healthy = await product.CreateConnectorAsync(Settings());
        await hanging.StageAccountsAsync(TestUsers.Account("hang-1", "Hanging"));
        await healthy.StageAccountsAsync(TestUsers.Account("fine-1", "Fine"));
        await product.SandboxAdmin.SetFaultsAsync(hanging.PlanhatToken, new FaultConfig(SlowReplyRate: 1, SlowReplyMilliseconds: 8000));

        var flush = product.RunFunctionAsync(TriggerTable.FlushOutbox);
        await ProductFixture.WaitUntilAsync(() => Task.FromResult(healthy.Logs("outgoing.account.success").Count == 1),
            "the healthy connector's company was flushed", TimeSpan.FromSeconds(30));
        Assert.Empty(hanging.Logs("outgoing.account.success"));
        Assert.False(flush.IsCompleted);

        await flush;
        Assert.Single(hanging.Logs("outgoing.account.success"));
    }

    [Fact]
    public async Task Rows_Planhat_refuses_show_in_the_outbox_depth_and_age_gauges()
    {
        var connector = await product.CreateConnectorAsync(Settings());
        await product.SandboxAdmin.SetFaultsAsync(connector.PlanhatToken, new FaultConfig(1, [400]));
        await connector.StageAccountsAsync(TestUsers.Account("gauge-1"), TestUsers.Account("gauge-2"), TestUsers.Account("gauge-3"));

        var measured = new Dictionary<string, double>();
        using var listener = new System.Diagnostics.Metrics.MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == Core.Telemetry.ProductMetrics.Name && instrument.Name.StartsWith("hullplanhat.outbox.", StringComparison.Ordinal))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument.Name, value, tags));
        listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument.Name, value, tags));
        listener.Start();

        await product.RunFunctionAsync(TriggerTable.FlushOutbox);
        listener.RecordObservableInstruments();

        Assert.Equal(3, measured["hullplanhat.outbox.depth"]);
        Assert.InRange(measured["hullplanhat.outbox.oldest_age_seconds"], 0.001, 600);

        void Record(string name, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "connector" && tag.Value as string == connector.Id)
                {
                    measured[name] = value;
                }
            }
        }
    }

    private static JsonObject License(JsonObject account, string licenseId)
    {
        account["ph_licenses"] = new JsonArray(new JsonObject { ["id"] = licenseId, ["product"] = "Pro" }).ToJsonString();
        return account;
    }
}
