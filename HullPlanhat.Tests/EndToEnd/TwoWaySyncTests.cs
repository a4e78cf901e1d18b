using System.Text;
using System.Text.Json.Nodes;
using HullPlanhat.Core.Hosting;
using HullPlanhat.Core.Incoming;
using HullPlanhat.Sandbox.Hull;
using HullPlanhat.Sandbox.Planhat;
using HullPlanhat.Tests.Infrastructure;

namespace HullPlanhat.Tests.EndToEnd;

/// <summary>
/// Issue 16, end to end over Azurite + Sandbox + SelfHost: what this connector wrote to Planhat is
/// not sent back to Hull (timer or webhook), while real Planhat changes still are.
/// </summary>
[Collection(ProductCollection.Name)]
public sealed class TwoWaySyncTests(ProductFixture product)
{
    private const string WebhookSecret = "whsec-7Qm2-two-way-test-secret";

    [Fact]
    public async Task After_an_outgoing_sync_the_next_import_sends_nothing_for_those_objects_but_a_later_Planhat_change_is_sent()
    {
        var connector = await ConnectorAsync();
        var (companies, endusers) = await SyncOutAsync(connector, accounts: 12, usersPerAccount: 2);
        await product.SandboxAdmin.ResetFirehoseAsync(connector.Id);

        await product.RunFunctionAsync(TriggerTable.FetchCompanies);
        await product.RunFunctionAsync(TriggerTable.FetchEndusers);

        Assert.Empty(await product.SandboxAdmin.GetFirehoseAsync(connector.Id));
        var jobs = connector.Logs("incoming.job.success");
        Assert.Equal(2, jobs.Count);
        Assert.All(jobs, job => Assert.Equal(("0", "0"), (job["Sent"], job["FirehoseRequests"])));
        Assert.Equal(companies.Count, connector.Logs("incoming.account.skip").Count);
        Assert.Equal(endusers.Count, connector.Logs("incoming.user.skip").Count);
        Assert.All(connector.Logs("incoming.account.skip"), l => Assert.Equal(PageImporter.OwnWrite, l["Reason"]));

        // Real Planhat changes afterwards: a field we never write, and one we do.
        var company = companies[3];
        var enduser = endusers[5];
        var renamed = endusers[6];
        await product.SandboxAdmin.ModifyAsync(connector.PlanhatToken, ObjectKind.Companies, company, new JsonObject { ["phase"] = "Onboarding" });
        await product.SandboxAdmin.ModifyAsync(connector.PlanhatToken, ObjectKind.Endusers, enduser, new JsonObject { ["position"] = "CTO" });
        await product.SandboxAdmin.ModifyAsync(connector.PlanhatToken, ObjectKind.Endusers, renamed, new JsonObject { ["name"] = "Renamed In Planhat" });
        await product.RunFunctionAsync(TriggerTable.FetchCompanies);
        await product.RunFunctionAsync(TriggerTable.FetchEndusers);

        var sent = await product.SandboxAdmin.GetFirehoseAsync(connector.Id);
        var account = Assert.Single(sent, e => e.SubjectType == "account" && e.AsUser is null);
        Assert.Equal("planhat:" + company, account.AsAccount!["anonymous_id"]!.ToString());
        Assert.Equal("Onboarding", account.Body["planhat/phase"]!.ToString());
        var users = sent.Where(e => e.SubjectType == "user").ToList();
        Assert.Equal(new[] { enduser, renamed }.Select(id => "planhat:" + id).Order(), users.Select(u => u.AsUser!["anonymous_id"]!.ToString()).Order());
        Assert.Equal("Renamed In Planhat", users.Single(u => u.AsUser!["anonymous_id"]!.ToString() == "planhat:" + renamed).Body["planhat/name"]!.ToString());

        // And once sent, they are unchanged.
        await product.SandboxAdmin.ResetFirehoseAsync(connector.Id);
        await product.RunFunctionAsync(TriggerTable.FetchCompanies);
        await product.RunFunctionAsync(TriggerTable.FetchEndusers);
        Assert.Empty(await product.SandboxAdmin.GetFirehoseAsync(connector.Id));
    }

    [Fact]
    public async Task A_Planhat_edit_between_our_write_and_the_import_is_sent_whether_it_touched_a_field_we_wrote_or_not()
    {
        var connector = await ConnectorAsync();
        var (companies, _) = await SyncOutAsync(connector, accounts: 3, usersPerAccount: 0);
        await product.RunFunctionAsync(TriggerTable.FetchCompanies); // Hull now has all three: the baseline
        await product.SandboxAdmin.ResetFirehoseAsync(connector.Id);

        // Hull renames all three; before the next import, Planhat edits a field we never write of the
        // second and the name we just wrote of the third.
        await SendAccountsAsync(connector, [(0, "Renamed 0"), (1, "Renamed 1"), (2, "Renamed 2")]);
        await connector.WaitForAccountDecisionsAsync(6);
        await product.RunFunctionAsync(TriggerTable.FlushOutbox);
        await product.SandboxAdmin.ResetFirehoseAsync(connector.Id);
        await product.SandboxAdmin.ModifyAsync(connector.PlanhatToken, ObjectKind.Companies, companies[1], new JsonObject { ["phase"] = "Renewal" });
        await product.SandboxAdmin.ModifyAsync(connector.PlanhatToken, ObjectKind.Companies, companies[2], new JsonObject { ["name"] = "Edited In Planhat" });

        await product.RunFunctionAsync(TriggerTable.FetchCompanies);

        var sent = await product.SandboxAdmin.GetFirehoseAsync(connector.Id);
        Assert.Equal(new[] { companies[1], companies[2] }.Select(id => "planhat:" + id).Order(), sent.Select(e => e.AsAccount!["anonymous_id"]!.ToString()).Order());
        Assert.Equal("Renamed 1", sent.Single(e => e.AsAccount!["anonymous_id"]!.ToString() == "planhat:" + companies[1]).Body["planhat/name"]!.ToString());
        // Skipped twice as our own write: after the first sync and after the rename.
        Assert.Equal(2, connector.Logs("incoming.account.skip").Count(l => l["PlanhatId"] == companies[0]));
    }

    [Fact]
    public async Task A_webhook_without_the_right_secret_is_refused_with_401_and_nothing_is_enqueued_or_logged_with_the_secret()
    {
        var connector = await ConnectorAsync();
        var id = (await product.SandboxAdmin.SeedAsync(connector.PlanhatToken, ObjectKind.Companies, [new JsonObject { ["name"] = "Quiet Co" }]))[0];
        var body = new JsonObject { ["model"] = "company", ["_id"] = id }.ToJsonString();

        foreach (var query in new[] { "", "?secret=", "?secret=wrong-secret-value-123", "?secret=" + WebhookSecret.ToUpperInvariant() })
        {
            using var response = await PostWebhookAsync(connector.Id + query, body);
            Assert.Equal(401, (int)response.StatusCode);
        }

        using (var unknown = await PostWebhookAsync("no-such-connector?secret=" + WebhookSecret, body))
        {
            Assert.Equal(401, (int)unknown.StatusCode);
        }

        // A connector without a secret accepts no webhook at all.
        var open = await ConnectorAsync(secret: null);
        using (var none = await PostWebhookAsync(open.Id + "?secret=anything", body))
        {
            Assert.Equal(401, (int)none.StatusCode);
        }

        await Task.Delay(500);
        Assert.Empty(connector.Logs("incoming.webhook.accepted"));
        Assert.Equal(4, connector.Logs("incoming.webhook.rejected").Count);
        Assert.Empty(await connector.PlanhatCallsAsync());
        Assert.Empty(await product.SandboxAdmin.GetFirehoseAsync(connector.Id));
        Assert.DoesNotContain(product.Logs.All, l => l.Message.Contains("wrong-secret-value-123", StringComparison.Ordinal)
            || l.Message.Contains(WebhookSecret, StringComparison.OrdinalIgnoreCase));
    }

    [Theory]
    [InlineData("not json", "Malformed JSON")]
    [InlineData("[]", "non-empty array")]
    [InlineData("42", "JSON object")]
    [InlineData("""{"model":"company"}""", "no _id")]
    [InlineData("""{"model":"company","_id":"../../users"}""", "24 hexadecimal")]
    [InlineData("""{"model":"planet","_id":"5f3e2b1a9c8d7e6f5a4b3c2d"}""", "Unknown model 'planet'")]
    [InlineData("""{"_id":"5f3e2b1a9c8d7e6f5a4b3c2d"}""", "company or an enduser")]
    [InlineData("""[{"model":"company","_id":"5f3e2b1a9c8d7e6f5a4b3c2d"},7]""", "Item 1: A record must be a JSON object")]
    public async Task A_bad_webhook_payload_is_400_with_the_reason_and_nothing_is_enqueued(string body, string reason)
    {
        var connector = await ConnectorAsync();
        using var response = await PostWebhookAsync($"{connector.Id}?secret={WebhookSecret}", body);

        Assert.Equal(400, (int)response.StatusCode);
        Assert.Contains(reason, JsonNode.Parse(await response.Content.ReadAsStringAsync())!["message"]!.ToString(), StringComparison.Ordinal);
        Assert.Empty(connector.Logs("incoming.webhook.accepted"));
        Assert.Single(connector.Logs("incoming.webhook.rejected"));
    }

    [Fact]
    public async Task Planhat_changes_reach_Hull_through_the_webhook_and_the_timers_full_pass_then_sends_nothing()
    {
        var connector = await ConnectorAsync();
        var companies = await product.SandboxAdmin.SeedAsync(connector.PlanhatToken, ObjectKind.Companies,
            Enumerable.Range(0, 4).Select(i => new JsonObject { ["name"] = $"Hooked {i}", ["externalId"] = $"hooked-{i}" }));
        var endusers = await product.SandboxAdmin.SeedAsync(connector.PlanhatToken, ObjectKind.Endusers,
            Enumerable.Range(0, 4).Select(i => new JsonObject { ["email"] = $"hooked{i}@example.com", ["companyId"] = companies[i] }));
        await product.RunFunctionAsync(TriggerTable.FetchCompanies);
        await product.RunFunctionAsync(TriggerTable.FetchEndusers);
        await product.SandboxAdmin.ResetFirehoseAsync(connector.Id);

        await product.SandboxAdmin.SetWebhookAsync(connector.PlanhatToken, WebhookUrl(connector.Id));
        await product.SandboxAdmin.ModifyAsync(connector.PlanhatToken, ObjectKind.Companies, companies[2], new JsonObject { ["phase"] = "Live" });
        await product.SandboxAdmin.ModifyAsync(connector.PlanhatToken, ObjectKind.Endusers, endusers[1], new JsonObject { ["position"] = "VP" });
        // Each webhook logs its success after its firehose send: wait for both lines too.
        await ProductFixture.WaitUntilAsync(async () => (await product.SandboxAdmin.GetFirehoseAsync(connector.Id)).Count >= 3
            && connector.Logs("incoming.webhook.success").Count >= 2, "the webhook's changes reached the firehose");

        var sent = await product.SandboxAdmin.GetFirehoseAsync(connector.Id);
        var account = Assert.Single(sent, e => e.SubjectType == "account" && e.AsUser is null);
        Assert.Equal(("planhat:" + companies[2], "Live"), (account.AsAccount!["anonymous_id"]!.ToString(), account.Body["planhat/phase"]!.ToString()));
        var user = Assert.Single(sent, e => e.SubjectType == "user");
        Assert.Equal(("planhat:" + endusers[1], "VP"), (user.AsUser!["anonymous_id"]!.ToString(), user.Body["planhat/position"]!.ToString()));
        var link = Assert.Single(sent, e => e.SubjectType == "account" && e.AsUser is not null);
        Assert.Equal("hooked-1", link.AsAccount!["external_id"]!.ToString());
        Assert.Equal(2, connector.Logs("incoming.webhook.success").Count);

        await product.RunFunctionAsync(TriggerTable.FetchCompanies);
        await product.RunFunctionAsync(TriggerTable.FetchEndusers);
        Assert.Equal(3, (await product.SandboxAdmin.GetFirehoseAsync(connector.Id)).Count);
        Assert.All(connector.Logs("incoming.job.success").TakeLast(2), job => Assert.Equal("0", job["Sent"]));
    }

    [Fact]
    public async Task The_webhooks_Planhat_sends_for_our_own_writes_forward_nothing_to_Hull()
    {
        var connector = await ConnectorAsync();
        await product.SandboxAdmin.SetWebhookAsync(connector.PlanhatToken, WebhookUrl(connector.Id));

        var (companies, endusers) = await SyncOutAsync(connector, accounts: 3, usersPerAccount: 1);

        await ProductFixture.WaitUntilAsync(() => Task.FromResult(connector.Logs("incoming.webhook.success").Count >= companies.Count + endusers.Count),
            "every webhook of our own writes was handled");
        Assert.All(connector.Logs("incoming.webhook.success"), l => Assert.Equal("0", l["Sent"]));
        var sent = await product.SandboxAdmin.GetFirehoseAsync(connector.Id);
        // Only the flush's own write-back of planhat/id (and the user's account link) reached Hull.
        Assert.All(sent.Where(e => e.Body.Count > 0), e => Assert.Equal(["planhat/id"], e.Body.Select(p => p.Key)));
        Assert.DoesNotContain(sent, e => e.Body.ContainsKey("planhat/name"));
    }

    [Fact]
    public async Task A_webhook_for_a_record_Planhat_no_longer_has_is_skipped_with_its_reason()
    {
        var connector = await ConnectorAsync();
        using var response = await PostWebhookAsync($"{connector.Id}?secret={WebhookSecret}&model=enduser", """{"_id":"5f3e2b1a9c8d7e6f5a4b3c2d"}""");
        Assert.Equal(202, (int)response.StatusCode);

        await ProductFixture.WaitUntilAsync(() => Task.FromResult(connector.Logs("incoming.webhook.skip").Count == 1), "the webhook was handled");
        Assert.Equal(Core.TwoWay.WebhookObjectImporter.NotInPlanhat, connector.Logs("incoming.webhook.skip")[0]["Reason"]);
        Assert.Empty(await product.SandboxAdmin.GetFirehoseAsync(connector.Id));
    }

    [Fact]
    public async Task A_webhook_body_naming_a_property_twice_is_refused_with_400()
    {
        var connector = await ConnectorAsync();
        using var response = await PostWebhookAsync($"{connector.Id}?secret={WebhookSecret}",
            """[{"model":"company","_id":"0123456789abcdef01234567"},{"model":"company","_id":"0123456789abcdef01234568","_id":"x"}]""");

        Assert.Equal(400, (int)response.StatusCode);
        Assert.Contains("Malformed JSON", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Planhat_values_coming_back_in_Hulls_notifications_cost_no_Planhat_write_but_a_change_made_in_Hull_is_written()
    {
        var connector = await ConnectorAsync();
        var companyId = (await product.SandboxAdmin.SeedAsync(connector.PlanhatToken, ObjectKind.Companies,
            [new JsonObject { ["name"] = "Origin Co", ["externalId"] = "origin-1", ["phase"] = "Live" }]))[0];
        var enduserId = (await product.SandboxAdmin.SeedAsync(connector.PlanhatToken, ObjectKind.Endusers,
            [new JsonObject { ["email"] = "ori@example.com", ["name"] = "Ori Gin", ["externalId"] = "user-ori", ["companyId"] = companyId }]))[0];
        await product.RunFunctionAsync(TriggerTable.FetchCompanies);
        await product.RunFunctionAsync(TriggerTable.FetchEndusers);
        await product.SandboxAdmin.ResetCallsAsync(connector.PlanhatToken);

        // Hull now holds Planhat's values (and planhat/id); its notifications bring them back.
        var account = TestUsers.Account("origin-1", "Origin Co");
        account["planhat/id"] = companyId;
        (await connector.SendAccountsAsync([TestConnector.AccountMessage(account)])).EnsureSuccessStatusCode();
        var user = TestUsers.User("ori", extra: new JsonObject { ["name"] = "Ori Gin", ["planhat/id"] = enduserId });
        (await product.Sender.SendAsync(product.SmartNotifierUrl, NotificationBuilder.UserUpdate(connector.Hull, [TestUsers.Message(user, account)]))).EnsureSuccessStatusCode();
        await connector.WaitForAccountDecisionsAsync(1);
        await connector.WaitForUserDecisionsAsync(1);
        await product.RunFunctionAsync(TriggerTable.FlushOutbox); // the flush decides what Planhat already holds

        Assert.Equal(Core.TwoWay.ImportedState.AlreadyInPlanhat, connector.Logs("outgoing.account.skip")[0]["Reason"]);
        Assert.Equal(Core.TwoWay.ImportedState.AlreadyInPlanhat, connector.Logs("outgoing.user.skip")[0]["Reason"]);
        Assert.Empty(await connector.PlanhatCallsAsync());

        // The same notification again is free through the ordinary diff; a change made in Hull is written.
        (await connector.SendAccountsAsync([TestConnector.AccountMessage(account)])).EnsureSuccessStatusCode();
        await connector.WaitForAccountDecisionsAsync(2);
        await product.RunFunctionAsync(TriggerTable.FlushOutbox);
        Assert.Contains(connector.Logs("outgoing.account.skip"), l => l["Reason"] == Core.Outgoing.SkipReasons.AlreadyInSync);
        Assert.Empty(await connector.PlanhatCallsAsync());

        account["name"] = "Origin Co Renamed In Hull";
        (await connector.SendAccountsAsync([TestConnector.AccountMessage(account)])).EnsureSuccessStatusCode();
        await connector.WaitForAccountDecisionsAsync(3);
        await product.RunFunctionAsync(TriggerTable.FlushOutbox);

        var company = Assert.Single(await connector.PlanhatAsync(ObjectKind.Companies));
        Assert.Equal(("Origin Co Renamed In Hull", "Live"), (company["name"]!.ToString(), company["phase"]!.ToString()));

        // Renamed back in Hull to the value the import once brought: Planhat holds our rename now, so it is written.
        account["name"] = "Origin Co";
        (await connector.SendAccountsAsync([TestConnector.AccountMessage(account)])).EnsureSuccessStatusCode();
        await connector.WaitForAccountDecisionsAsync(4);
        await product.RunFunctionAsync(TriggerTable.FlushOutbox);

        company = Assert.Single(await connector.PlanhatAsync(ObjectKind.Companies));
        Assert.Equal("Origin Co", company["name"]!.ToString());
        Assert.DoesNotContain(connector.Logs("outgoing.account.skip").Skip(2), l => l["Reason"] == Core.TwoWay.ImportedState.AlreadyInPlanhat);
    }

    private async Task<TestConnector> ConnectorAsync(string? secret = WebhookSecret)
    {
        var settings = TestUsers.Settings(new JsonObject { ["fetch_interval_users"] = "0", ["fetch_interval_accounts"] = "0" });
        if (secret is not null)
        {
            settings["planhat_webhook_secret"] = secret;
        }

        var connector = await product.CreateConnectorAsync(settings);
        (await connector.SendAccountsAsync([])).EnsureSuccessStatusCode();
        return connector;
    }

    /// <summary>Hull accounts (and users in them) become Planhat companies and endusers through the flush.</summary>
    private async Task<(IReadOnlyList<string> Companies, IReadOnlyList<string> Endusers)> SyncOutAsync(TestConnector connector, int accounts, int usersPerAccount)
    {
        await SendAccountsAsync(connector, Enumerable.Range(0, accounts).Select(i => (i, $"Two-way {i}")));
        await connector.WaitForAccountDecisionsAsync(accounts);
        if (usersPerAccount > 0)
        {
            var messages = Enumerable.Range(0, accounts).SelectMany(a => Enumerable.Range(0, usersPerAccount).Select(u =>
                TestUsers.Message(TestUsers.User($"tw{a}-{u}"), TestUsers.Account($"tw-{a}", $"Two-way {a}")))).ToList();
            (await product.Sender.SendAsync(product.SmartNotifierUrl, NotificationBuilder.UserUpdate(connector.Hull, messages))).EnsureSuccessStatusCode();
            await ProductFixture.WaitUntilAsync(() => Task.FromResult(connector.Logs("outgoing.user.staged").Count >= messages.Count), "the users were staged");
        }

        await product.RunFunctionAsync(TriggerTable.FlushOutbox);
        // Indexed like the accounts (tw-0, tw-1, ...), whatever order the queue staged them in.
        var byExternalId = (await connector.PlanhatAsync(ObjectKind.Companies)).ToDictionary(c => c["externalId"]!.ToString(), c => c["_id"]!.ToString());
        var companies = Enumerable.Range(0, byExternalId.Count).Select(i => byExternalId[$"tw-{i}"]).ToList();
        var endusers = (await connector.PlanhatAsync(ObjectKind.Endusers)).Select(c => c["_id"]!.ToString()).ToList();
        Assert.Equal((accounts, accounts * usersPerAccount), (companies.Count, endusers.Count));
        return (companies, endusers);
    }

    private static async Task SendAccountsAsync(TestConnector connector, IEnumerable<(int Index, string Name)> accounts) =>
        (await connector.SendAccountsAsync(accounts.Select(a => TestConnector.AccountMessage(TestUsers.Account($"tw-{a.Index}", a.Name))).ToList()))
            .EnsureSuccessStatusCode();

    private Uri WebhookUrl(string connectorIdAndQuery) => new(product.BaseAddress, $"webhooks/planhat/{connectorIdAndQuery}?secret={WebhookSecret}");

    private Task<HttpResponseMessage> PostWebhookAsync(string connectorIdAndQuery, string body) =>
        product.Http.PostAsync($"webhooks/planhat/{connectorIdAndQuery}", new StringContent(body, Encoding.UTF8, "application/json"));
}
