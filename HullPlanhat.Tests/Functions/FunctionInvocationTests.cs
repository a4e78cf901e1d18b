using System.Net.Http.Headers;
using System.Reflection;
using System.Text;
using System.Text.Json.Nodes;
using HullPlanhat.Core.Hosting;
using HullPlanhat.Sandbox.Hull;
using HullPlanhat.Sandbox.Planhat;

namespace HullPlanhat.Tests.Functions;

/// <summary>
/// Every function class of the Functions app, run in the container Program.cs builds, with the
/// input its host binds, against Azurite and the Sandbox; the outcomes are those the SelfHost
/// end-to-end tests assert. One theory case per <c>[Function]</c> found in the app by reflection:
/// a new function fails here until a scenario below invokes it.
/// </summary>
[Collection(FunctionsAppCollection.Name)]
public sealed class FunctionInvocationTests(FunctionsAppHost app)
{
    private const string Users = "api/internal/users";

    /// <summary>
    /// Which scenario (a private method below) invokes each function; a scenario runs once
    /// however many functions it covers.
    /// </summary>
    private static readonly Dictionary<string, string> ScenarioOf = new()
    {
        [TriggerTable.SmartNotifier] = nameof(AccountsBecomeCompaniesWithLicensesAndTheirIdsGoBackToHull),
        [TriggerTable.OutgoingAccount] = nameof(AccountsBecomeCompaniesWithLicensesAndTheirIdsGoBackToHull),
        [TriggerTable.FlushOutbox] = nameof(AccountsBecomeCompaniesWithLicensesAndTheirIdsGoBackToHull),
        [TriggerTable.OutgoingUser] = nameof(UsersBecomeEndusersAndTheirIdsGoBackToHull),
        [TriggerTable.FetchCompanies] = nameof(PlanhatCompaniesAndEndusersReachHullsFirehose),
        [TriggerTable.FetchEndusers] = nameof(PlanhatCompaniesAndEndusersReachHullsFirehose),
        [TriggerTable.InternalUsersList] = nameof(InternalUsersApiAuthenticatesAndWrapsPlanhatsUsers),
        [TriggerTable.InternalUsersGet] = nameof(InternalUsersApiAuthenticatesAndWrapsPlanhatsUsers),
        [TriggerTable.InternalUsersCreate] = nameof(InternalUsersApiAuthenticatesAndWrapsPlanhatsUsers),
        [TriggerTable.InternalUsersUpdate] = nameof(InternalUsersApiAuthenticatesAndWrapsPlanhatsUsers),
        [TriggerTable.Status] = nameof(StatusReportsTheOriginalsMessagesAndTellsHull),
        [TriggerTable.Health] = nameof(HealthNeedsNoCredentialsAndReportsStorage),
        [TriggerTable.SplitNotification] = nameof(ALargeNotificationIsAnsweredAtOnceAndSplitByTheIntakeWorker),
        [TriggerTable.Manifest] = nameof(HullReadsTheManifestReadmeAndSchemaOptions),
        [TriggerTable.Readme] = nameof(HullReadsTheManifestReadmeAndSchemaOptions),
        [TriggerTable.Schema] = nameof(HullReadsTheManifestReadmeAndSchemaOptions),
        [TriggerTable.FetchAccountsNow] = nameof(OnDemandFetchesImportIntoHull),
        [TriggerTable.FetchUsersNow] = nameof(OnDemandFetchesImportIntoHull),
        [TriggerTable.Batch] = nameof(BatchExtractsAreStreamedIntoTheQueues),
        [TriggerTable.BatchAccounts] = nameof(BatchExtractsAreStreamedIntoTheQueues),
        [TriggerTable.ImportExtract] = nameof(BatchExtractsAreStreamedIntoTheQueues),
        [TriggerTable.PlanhatWebhook] = nameof(APlanhatWebhookForwardsTheChangedRecordToHull),
        [TriggerTable.IncomingWebhookObject] = nameof(APlanhatWebhookForwardsTheChangedRecordToHull),
        [TriggerTable.Preview] = nameof(OperatorsPreviewReplayResyncAndOpenTheStatusPage),
        [TriggerTable.PreviewIncoming] = nameof(OperatorsPreviewReplayResyncAndOpenTheStatusPage),
        [TriggerTable.Runs] = nameof(OperatorsPreviewReplayResyncAndOpenTheStatusPage),
        [TriggerTable.RunErrors] = nameof(OperatorsPreviewReplayResyncAndOpenTheStatusPage),
        [TriggerTable.DeadLetters] = nameof(OperatorsPreviewReplayResyncAndOpenTheStatusPage),
        [TriggerTable.DeadLettersReplay] = nameof(OperatorsPreviewReplayResyncAndOpenTheStatusPage),
        [TriggerTable.DeadLetterDelete] = nameof(OperatorsPreviewReplayResyncAndOpenTheStatusPage),
        [TriggerTable.PoisonMessages] = nameof(OperatorsPreviewReplayResyncAndOpenTheStatusPage),
        [TriggerTable.PoisonReplay] = nameof(OperatorsPreviewReplayResyncAndOpenTheStatusPage),
        [TriggerTable.PoisonDelete] = nameof(OperatorsPreviewReplayResyncAndOpenTheStatusPage),
        [TriggerTable.Resync] = nameof(OperatorsPreviewReplayResyncAndOpenTheStatusPage),
        [TriggerTable.Overview] = nameof(OperatorsPreviewReplayResyncAndOpenTheStatusPage),
        [TriggerTable.Dashboard] = nameof(OperatorsPreviewReplayResyncAndOpenTheStatusPage),
        [TriggerTable.Housekeeping] = nameof(HousekeepingPurgesEachStateTableOnItsOwn),
    };

    public static TheoryData<string> AppFunctions => new(FunctionsAppHost.Functions.Keys.Order());

    [Theory]
    [MemberData(nameof(AppFunctions))]
    public async Task Each_function_class_runs_in_the_apps_container_with_the_input_its_host_binds(string function)
    {
        Assert.True(ScenarioOf.TryGetValue(function, out var scenario),
            $"No scenario invokes {function}: add one to {nameof(FunctionInvocationTests)}.{nameof(ScenarioOf)}.");
        var run = typeof(FunctionInvocationTests).GetMethod(scenario!, BindingFlags.NonPublic | BindingFlags.Instance)!;
        await app.OnceAsync(scenario!, () => (Task)run.Invoke(this, null)!);
        Assert.Contains(function, app.Invoked);
    }

    private async Task AccountsBecomeCompaniesWithLicensesAndTheirIdsGoBackToHull()
    {
        var (connector, token) = await CreateConnectorAsync(new JsonObject
        {
            ["account_licenses_attribute"] = "ph_licenses",
            ["account_licenses_attributes_outbound"] = new JsonArray(
                Mapping("id", "externalId"), Mapping("product", "product"), Mapping("mrr", "mrr")),
        });
        var account = NotificationBuilder.AccountMessage(
            new JsonObject
            {
                ["id"] = "hull-acme-1", ["external_id"] = "acme-1", ["name"] = "Acme", ["domain"] = "acme.example",
                ["ph_licenses"] = """[{"id":"L-1","product":"Pro","mrr":0},{"id":"L-2","product":"Seats","mrr":120}]""",
            },
            accountSegments: [Segment("seg-accounts")]);
        var notification = NotificationBuilder.AccountUpdate(connector, [account]);

        var forged = await app.NotifyAsync(TriggerTable.SmartNotifier, "smart-notifier", notification, new SignatureOptions(ForgedKey: true));
        // As on the SelfHost: a forged signature is a 400 telling Hull to retry, and nothing is enqueued.
        Assert.Equal(400, forged.StatusCode);
        Assert.Contains("Invalid signature", forged.Json!["errors"]![0]!.ToString(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(0, await app.DeliverQueueAsync(TriggerTable.OutgoingAccount));

        var accepted = await app.NotifyAsync(TriggerTable.SmartNotifier, "smart-notifier", notification);
        Assert.Equal(200, accepted.StatusCode);
        Assert.Equal("next", accepted.Json!["flow_control"]!["type"]!.ToString());
        Assert.Equal(20, accepted.Json!["flow_control"]!["size"]!.GetValue<int>());

        Assert.Equal(1, await app.DeliverQueueAsync(TriggerTable.OutgoingAccount));
        Assert.Single(app.Logs.For(connector.Id, "outgoing.account.staged"));
        await app.InvokeTimerAsync(TriggerTable.FlushOutbox);

        var company = Assert.Single(await app.SandboxAdmin.GetObjectsAsync(token, ObjectKind.Companies));
        Assert.Equal("Acme", company["name"]!.ToString());
        Assert.Equal("acme-1", company["externalId"]!.ToString());
        var licenses = await app.SandboxAdmin.GetObjectsAsync(token, ObjectKind.Licenses);
        Assert.Equal(["L-1", "L-2"], licenses.Select(l => l["externalId"]!.ToString()).Order());
        Assert.All(licenses, l => Assert.Equal(company["_id"]!.ToString(), l["companyId"]!.ToString()));

        var written = Assert.Single(await app.SandboxAdmin.GetFirehoseAsync(connector.Id));
        Assert.Equal("account", written.SubjectType);
        Assert.Equal(company["_id"]!.ToString(), written.Body["planhat/id"]!.ToString());
        Assert.Equal("acme-1", written.AsAccount!["external_id"]!.ToString());
    }

    private async Task UsersBecomeEndusersAndTheirIdsGoBackToHull()
    {
        var (connector, token) = await CreateConnectorAsync(new JsonObject
        {
            ["contact_attributes_outbound"] = new JsonArray(Mapping("name", "name"), Mapping("email", "email"), Mapping("external_id", "externalId")),
        });
        var account = new JsonObject { ["id"] = "hull-acme-u1", ["external_id"] = "acme-u1", ["name"] = "Acme", ["domain"] = "acme-u1.example" };
        var user = new JsonObject { ["id"] = "hull-user-ann", ["email"] = "ann@example.com", ["name"] = "User ann", ["external_id"] = "user-ann" };

        // The company first, so the enduser has one to belong to.
        Assert.Equal(200, (await app.NotifyAsync(TriggerTable.SmartNotifier, "smart-notifier",
            NotificationBuilder.AccountUpdate(connector, [NotificationBuilder.AccountMessage(account, accountSegments: [Segment("seg-accounts")])]))).StatusCode);
        Assert.Equal(1, await app.DeliverQueueAsync(TriggerTable.OutgoingAccount));
        var userMessage = NotificationBuilder.UserMessage(user, account, null, segments: [Segment("seg-users")], accountSegments: [Segment("seg-accounts")]);
        var accepted = await app.NotifyAsync(TriggerTable.SmartNotifier, "smart-notifier", NotificationBuilder.UserUpdate(connector, [userMessage]));
        Assert.Equal(200, accepted.StatusCode);
        Assert.Equal(200, accepted.Json!["flow_control"]!["size"]!.GetValue<int>());

        Assert.Equal(1, await app.DeliverQueueAsync(TriggerTable.OutgoingUser));
        await app.InvokeTimerAsync(TriggerTable.FlushOutbox);

        var company = Assert.Single(await app.SandboxAdmin.GetObjectsAsync(token, ObjectKind.Companies));
        var enduser = Assert.Single(await app.SandboxAdmin.GetObjectsAsync(token, ObjectKind.Endusers));
        Assert.Equal(company["_id"]!.ToString(), enduser["companyId"]!.ToString());
        Assert.Equal("ann@example.com", enduser["email"]!.ToString());
        Assert.Equal("user-ann", enduser["externalId"]!.ToString());
        var traits = Assert.Single(await app.SandboxAdmin.GetFirehoseAsync(connector.Id), f => f.SubjectType == "user");
        Assert.Equal(enduser["_id"]!.ToString(), traits.Body["planhat/id"]!.ToString());
        Assert.Equal("hull-user-ann", traits.AsUser!["id"]!.ToString());
    }

    private async Task PlanhatCompaniesAndEndusersReachHullsFirehose()
    {
        var (connector, token) = await RegisteredConnectorAsync(new JsonObject { ["fetch_interval_users"] = "0", ["fetch_interval_accounts"] = "0" });
        var companies = await app.SandboxAdmin.SeedAsync(token, ObjectKind.Companies, Enumerable.Range(0, 3).Select(i => new JsonObject
        {
            ["name"] = $"Company {i}", ["externalId"] = $"co-{i}", ["domains"] = new JsonArray($"co{i}.example"),
        }));
        var endusers = await app.SandboxAdmin.SeedAsync(token, ObjectKind.Endusers, Enumerable.Range(0, 4).Select(i => new JsonObject
        {
            ["email"] = $"user{i}@example.com", ["externalId"] = $"ext-{i}", ["firstName"] = "User", ["lastName"] = $"{i}", ["companyId"] = companies[0],
        }));

        await app.InvokeTimerAsync(TriggerTable.FetchCompanies);
        var accounts = (await app.SandboxAdmin.GetFirehoseAsync(connector.Id)).Where(e => e.SubjectType == "account").ToList();
        Assert.Equal(companies.Select(id => "planhat:" + id).Order(), accounts.Select(a => a.AsAccount!["anonymous_id"]!.ToString()).Order());
        Assert.Contains(accounts, a => a.AsAccount!["external_id"]!.ToString() == "co-1" && a.AsAccount!["domain"]!.ToString() == "co1.example");

        await app.InvokeTimerAsync(TriggerTable.FetchEndusers);
        var users = (await app.SandboxAdmin.GetFirehoseAsync(connector.Id)).Where(e => e.SubjectType == "user").ToList();
        Assert.Equal(endusers.Select(id => "planhat:" + id).Order(), users.Select(u => u.AsUser!["anonymous_id"]!.ToString()).Order());
        Assert.Equal(2, app.Logs.For(connector.Id, "incoming.job.success").Count);
    }

    private async Task InternalUsersApiAuthenticatesAndWrapsPlanhatsUsers()
    {
        var (connector, token) = await RegisteredConnectorAsync(
            users: [new JsonObject { ["email"] = "ann@example.com", ["firstName"] = "Ann", ["isActive"] = true }]);
        var org = "org=" + Uri.EscapeDataString(connector.Organization);

        // The auth matrix: 400 without org or credentials, 401 for a wrong secret, 403 for another organization.
        Assert.Equal(400, (await InternalAsync(TriggerTable.InternalUsersList, HttpMethod.Get, Users, connector, query: "")).StatusCode);
        Assert.Equal(400, (await InternalAsync(TriggerTable.InternalUsersList, HttpMethod.Get, Users, null, query: org)).StatusCode);
        var wrong = await InternalAsync(TriggerTable.InternalUsersList, HttpMethod.Get, Users, connector, query: org, secret: "wrong-secret-123");
        Assert.Equal(401, wrong.StatusCode);
        Assert.StartsWith("Basic", wrong.Headers.WWWAuthenticate.ToString());
        Assert.DoesNotContain("wrong-secret-123", wrong.Body);
        Assert.Equal(403, (await InternalAsync(TriggerTable.InternalUsersList, HttpMethod.Get, Users, connector, query: "org=other.hullapp.io")).StatusCode);
        Assert.Empty(await app.SandboxAdmin.GetCallsAsync(token));

        var list = await InternalAsync(TriggerTable.InternalUsersList, HttpMethod.Get, Users, connector, query: org);
        Assert.Equal(200, list.StatusCode);
        var ann = Assert.Single(Assert.IsType<JsonArray>(list.Json))!;
        Assert.Equal("ann@example.com", ann["email"]!.ToString());
        var annId = ann["_id"]!.ToString();

        var created = await InternalAsync(TriggerTable.InternalUsersCreate, HttpMethod.Post, Users, connector, query: org,
            body: """{"email":"cat@example.com","firstName":"Cat"}""");
        Assert.True(created.StatusCode is 200 or 201, created.Body);

        var found = await InternalAsync(TriggerTable.InternalUsersGet, HttpMethod.Get, $"{Users}/{annId}", connector, query: org);
        Assert.Equal(200, found.StatusCode);
        Assert.Equal("ann@example.com", found.Json!["email"]!.ToString());
        Assert.Equal(404, (await InternalAsync(TriggerTable.InternalUsersGet, HttpMethod.Get, $"{Users}/000000000000000000000000", connector, query: org)).StatusCode);

        var updated = await InternalAsync(TriggerTable.InternalUsersUpdate, HttpMethod.Put, $"{Users}/{annId}", connector, query: org, body: """{"firstName":"Anne"}""");
        Assert.Equal(200, updated.StatusCode);
        Assert.Equal("Anne", updated.Json!["firstName"]!.ToString());

        var planhatUsers = await app.SandboxAdmin.GetObjectsAsync(token, ObjectKind.Users);
        Assert.Equal(["Anne", "Cat"], planhatUsers.Select(u => u["firstName"]!.ToString()).Order());
    }

    private async Task StatusReportsTheOriginalsMessagesAndTellsHull()
    {
        var (connector, _) = await RegisteredConnectorAsync(new JsonObject
        {
            ["contact_attributes_outbound"] = new JsonArray(Mapping("email", "email"), Mapping("name", "name")),
        });
        var org = "org=" + Uri.EscapeDataString(connector.Organization);

        var ok = await InternalAsync(TriggerTable.Status, HttpMethod.Get, "status", connector, query: org);
        Assert.Equal(200, ok.StatusCode);
        Assert.Equal("ok", ok.Json!["status"]!.ToString());
        Assert.Empty(ok.Json!["messages"]!.AsArray());
        Assert.Equal("ok", (await app.SandboxAdmin.GetConnectorStatusAsync(connector.Id))!["status"]!.ToString());
        Assert.Equal(401, (await InternalAsync(TriggerTable.Status, HttpMethod.Get, "status", connector, query: org, secret: "wrong")).StatusCode);

        var (unset, _) = await RegisteredConnectorAsync(new JsonObject { ["personal_acccess_token"] = "", ["tenant_id"] = null });
        // Hull's own schedule POSTs with the credentials in the query.
        var setup = await InternalAsync(TriggerTable.Status, HttpMethod.Post, "status", unset, query: "org=" + Uri.EscapeDataString(unset.Organization));
        Assert.Equal(200, setup.StatusCode);
        Assert.Equal("setupRequired", setup.Json!["status"]!.ToString());
        Assert.Equal(
            ["Connector unauthenticated: No Personal Access Token present.", "Connector unauthenticated: No Tenant Token present."],
            setup.Json!["messages"]!.AsArray().Select(m => m!.ToString()));
    }

    private async Task ALargeNotificationIsAnsweredAtOnceAndSplitByTheIntakeWorker()
    {
        var (connector, _) = await CreateConnectorAsync();
        var count = Core.Hull.HullOptions.DefaultInlineSplitLimit + 50;
        var accounts = Enumerable.Range(0, count).Select(i => NotificationBuilder.AccountMessage(
            new JsonObject { ["id"] = $"hull-big-{i}", ["external_id"] = $"big-{i}", ["name"] = $"Big {i}" },
            accountSegments: [Segment("seg-accounts")])).ToList();

        var accepted = await app.NotifyAsync(TriggerTable.SmartNotifier, "smart-notifier", NotificationBuilder.AccountUpdate(connector, accounts));
        Assert.Equal(200, accepted.StatusCode);
        Assert.Equal(0, await app.DeliverQueueAsync(TriggerTable.OutgoingAccount));

        Assert.Equal(1, await app.DeliverQueueAsync(TriggerTable.SplitNotification));
        Assert.Equal(count, await app.DeliverQueueAsync(TriggerTable.OutgoingAccount));
        Assert.Equal(count, app.Logs.For(connector.Id, "outgoing.account.staged").Count);
    }

    private async Task HullReadsTheManifestReadmeAndSchemaOptions()
    {
        var manifest = await app.InvokeHttpAsync(TriggerTable.Manifest, HttpMethod.Get, "manifest.json");
        Assert.Equal(200, manifest.StatusCode);
        Assert.Equal("/smart-notifier", manifest.Json!["subscriptions"]![0]!["url"]!.ToString());
        Assert.Contains(manifest.Json!["private_settings"]!.AsArray(), s => s!["name"]!.ToString() == "personal_acccess_token");

        var readme = await app.InvokeHttpAsync(TriggerTable.Readme, HttpMethod.Get, "readme.md");
        Assert.Equal(200, readme.StatusCode);
        Assert.StartsWith("# Planhat", readme.Body);

        var schema = await app.InvokeHttpAsync(TriggerTable.Schema, HttpMethod.Get, "schema/companies");
        Assert.Equal(200, schema.StatusCode);
        Assert.True(schema.Json!["ok"]!.GetValue<bool>());
        Assert.Contains(schema.Json!["options"]!.AsArray(), o => o!["value"]!.ToString() == "name");
        Assert.Equal("*", schema.Headers["Access-Control-Allow-Origin"].ToString());
        var unknown = await app.InvokeHttpAsync(TriggerTable.Schema, HttpMethod.Get, "schema/deals");
        Assert.False(unknown.Json!["ok"]!.GetValue<bool>());
    }

    private async Task OnDemandFetchesImportIntoHull()
    {
        var (connector, token) = await RegisteredConnectorAsync();
        await app.SandboxAdmin.SeedAsync(token, ObjectKind.Companies, [new JsonObject { ["name"] = "Fetched Co", ["externalId"] = "fetched-co" }]);
        await app.SandboxAdmin.SeedAsync(token, ObjectKind.Endusers, [new JsonObject { ["email"] = "fetched@example.com", ["externalId"] = "fetched-1" }]);

        Assert.Equal(401, (await app.InvokeHttpAsync(TriggerTable.FetchAccountsNow, HttpMethod.Post, "fetch/accounts?" + HullQuery(connector, "wrong"))).StatusCode);
        foreach (var (function, route, subject) in new[] { (TriggerTable.FetchAccountsNow, "fetch/accounts", "account"), (TriggerTable.FetchUsersNow, "fetch/users", "user") })
        {
            var answer = await app.InvokeHttpAsync(function, HttpMethod.Post, $"{route}?{HullQuery(connector)}");
            Assert.Equal(200, answer.StatusCode);
            Assert.True(answer.Json!["ok"]!.GetValue<bool>());
            await WaitUntilAsync(async () => (await app.SandboxAdmin.GetFirehoseAsync(connector.Id)).Any(e => e.SubjectType == subject), $"{route} reached Hull");
        }
    }

    private async Task BatchExtractsAreStreamedIntoTheQueues()
    {
        var (connector, _) = await RegisteredConnectorAsync(new JsonObject
        {
            ["contact_attributes_outbound"] = new JsonArray(Mapping("name", "name"), Mapping("email", "email")),
        });
        var accounts = string.Join('\n', Enumerable.Range(0, 5).Select(i =>
            new JsonObject { ["id"] = $"hb{i}", ["external_id"] = $"hb-{i}", ["name"] = $"Batch {i}", ["segment_ids"] = new JsonArray("other") }.ToJsonString()));
        var (_, accountsUrl) = await app.SandboxAdmin.AddExtractAsync(accounts + "\n{broken");
        var answer = await app.InvokeHttpAsync(TriggerTable.BatchAccounts, HttpMethod.Post, $"batch-accounts?{HullQuery(connector)}",
            new JsonObject { ["url"] = accountsUrl.ToString(), ["format"] = "json", ["object_type"] = "account_report" }.ToJsonString());
        Assert.Equal(200, answer.StatusCode);
        var job = Assert.Single(await app.PeekQueueAsync(TriggerTable.ImportExtract));
        Assert.DoesNotContain(accountsUrl.AbsolutePath, job, StringComparison.Ordinal); // a signed URL grants the data: stored encrypted
        Assert.Equal(5, await app.DeliverQueueAsync(TriggerTable.ImportExtract)); // download, 6 lines in chunks of 2, then one that finds the end
        Assert.Single(app.Logs.For(connector.Id, "connector.batch.success"));
        Assert.Equal(5, await app.DeliverQueueAsync(TriggerTable.OutgoingAccount));

        var (_, usersUrl) = await app.SandboxAdmin.AddExtractAsync(new JsonObject
        {
            ["id"] = "hbu", ["email"] = "batch@example.com", ["name"] = "Batch User", ["segment_ids"] = new JsonArray("other"),
            ["account"] = new JsonObject { ["id"] = "hb0", ["external_id"] = "hb-0", ["name"] = "Batch 0" },
        }.ToJsonString());
        answer = await app.InvokeHttpAsync(TriggerTable.Batch, HttpMethod.Post, $"batch?{HullQuery(connector)}",
            new JsonObject { ["url"] = usersUrl.ToString(), ["format"] = "json", ["object_type"] = "user_report" }.ToJsonString());
        Assert.Equal(200, answer.StatusCode);
        Assert.Equal(2, await app.DeliverQueueAsync(TriggerTable.ImportExtract));
        Assert.Equal(2, app.Logs.For(connector.Id, "connector.batch.success").Count);
        Assert.Equal(1, await app.DeliverQueueAsync(TriggerTable.OutgoingUser));
        Assert.Single(app.Logs.For(connector.Id, "outgoing.user.staged"));
    }

    private async Task APlanhatWebhookForwardsTheChangedRecordToHull()
    {
        var (connector, token) = await RegisteredConnectorAsync(new JsonObject { ["planhat_webhook_secret"] = "whsec-functions-1" });
        var id = (await app.SandboxAdmin.SeedAsync(token, ObjectKind.Companies, [new JsonObject { ["name"] = "Hooked Co", ["externalId"] = "hooked-1" }]))[0];
        var body = new JsonObject { ["model"] = "company", ["_id"] = id }.ToJsonString();

        var refused = await app.InvokeHttpAsync(TriggerTable.PlanhatWebhook, HttpMethod.Post, $"webhooks/planhat/{connector.Id}?secret=wrong", body);
        Assert.Equal(401, refused.StatusCode);
        Assert.Equal(0, await app.DeliverQueueAsync(TriggerTable.IncomingWebhookObject));
        Assert.Equal(400, (await app.InvokeHttpAsync(TriggerTable.PlanhatWebhook, HttpMethod.Post, $"webhooks/planhat/{connector.Id}?secret=whsec-functions-1", "{}")).StatusCode);

        var accepted = await app.InvokeHttpAsync(TriggerTable.PlanhatWebhook, HttpMethod.Post, $"webhooks/planhat/{connector.Id}?secret=whsec-functions-1", body);
        Assert.Equal(202, accepted.StatusCode);
        // The message becomes visible after TwoWay:WebhookDelay.
        var delivered = 0;
        await WaitUntilAsync(async () => (delivered += await app.DeliverQueueAsync(TriggerTable.IncomingWebhookObject)) > 0, "the webhook's message was delivered");
        Assert.Equal(1, delivered);
        var account = Assert.Single(await app.SandboxAdmin.GetFirehoseAsync(connector.Id));
        Assert.Equal("planhat:" + id, account.AsAccount!["anonymous_id"]!.ToString());
        Assert.Equal("hooked-1", account.AsAccount!["external_id"]!.ToString());
    }

    private async Task OperatorsPreviewReplayResyncAndOpenTheStatusPage()
    {
        var (connector, token) = await RegisteredConnectorAsync();
        var org = "org=" + Uri.EscapeDataString(connector.Organization);
        Assert.Equal(401, (await InternalAsync(TriggerTable.Runs, HttpMethod.Get, "api/runs", connector, query: org, secret: "wrong-secret")).StatusCode);
        Assert.Equal(403, (await InternalAsync(TriggerTable.Overview, HttpMethod.Get, "api/overview", connector, query: "org=other.hullapp.io")).StatusCode);

        var account = NotificationBuilder.AccountMessage(new JsonObject { ["id"] = "hull-ops-1", ["external_id"] = "ops-1", ["name"] = "Ops" },
            accountSegments: [Segment("seg-accounts")]);
        var preview = await InternalAsync(TriggerTable.Preview, HttpMethod.Post, "api/preview", connector, query: org,
            body: new JsonObject { ["messages"] = new JsonArray(account.DeepClone()) }.ToJsonString());
        Assert.Equal(200, preview.StatusCode);
        Assert.Equal("create", preview.Json!["objects"]![0]!["decision"]!.ToString());
        var incoming = await InternalAsync(TriggerTable.PreviewIncoming, HttpMethod.Post, "api/preview/incoming", connector, query: org + "&kind=companies");
        Assert.Equal(0, incoming.Json!["kinds"]![0]!["wouldSend"]!.GetValue<int>());
        Assert.All(await app.SandboxAdmin.GetCallsAsync(token), c => Assert.Equal("GET", c.Method));

        // The real path, then its run in the history.
        Assert.Equal(200, (await app.NotifyAsync(TriggerTable.SmartNotifier, "smart-notifier", NotificationBuilder.AccountUpdate(connector, [account]))).StatusCode);
        await app.DeliverQueueAsync(TriggerTable.OutgoingAccount);
        await app.InvokeTimerAsync(TriggerTable.FlushOutbox);
        var runs = await InternalAsync(TriggerTable.Runs, HttpMethod.Get, "api/runs", connector, query: org);
        var run = Assert.Single(runs.Json!["runs"]!.AsArray())!;
        Assert.Equal(1, run["created"]!.GetValue<long>());
        var errors = await InternalAsync(TriggerTable.RunErrors, HttpMethod.Get, $"api/runs/{run["id"]}/errors", connector, query: org);
        Assert.Empty(errors.Json!["errors"]!.AsArray());

        Assert.Empty((await InternalAsync(TriggerTable.DeadLetters, HttpMethod.Get, "api/deadletters", connector, query: org)).Json!["deadLetters"]!.AsArray());
        Assert.Equal(0, (await InternalAsync(TriggerTable.DeadLettersReplay, HttpMethod.Post, "api/deadletters/replay", connector, query: org)).Json!["staged"]!.GetValue<int>());
        Assert.Equal(404, (await InternalAsync(TriggerTable.DeadLetterDelete, HttpMethod.Delete, "api/deadletters/none", connector, query: org)).StatusCode);

        var poison = new Azure.Storage.Queues.QueueClient(app.Configuration["AzureWebJobsStorage"], TriggerTable.AccountsQueue + "-poison",
            new Azure.Storage.Queues.QueueClientOptions { MessageEncoding = Azure.Storage.Queues.QueueMessageEncoding.Base64 });
        await poison.CreateIfNotExistsAsync();
        string Poisoned(string id) => new JsonObject { ["connectorId"] = connector.Id, ["account"] = new JsonObject { ["id"] = id, ["external_id"] = id, ["name"] = id }, ["accountSegmentIds"] = new JsonArray("seg-accounts") }.ToJsonString();
        await poison.SendMessageAsync(Poisoned("hull-ops-2"));
        var doomed = (await poison.SendMessageAsync(Poisoned("hull-ops-3"))).Value.MessageId;
        Assert.Equal(2, (await InternalAsync(TriggerTable.PoisonMessages, HttpMethod.Get, "api/poison", connector, query: org)).Json!["messages"]!.AsArray().Count);
        Assert.Equal(200, (await InternalAsync(TriggerTable.PoisonDelete, HttpMethod.Delete, "api/poison/" + doomed, connector, query: org)).StatusCode);
        var replayed = await InternalAsync(TriggerTable.PoisonReplay, HttpMethod.Post, "api/poison/replay", connector, query: org);
        Assert.Single(replayed.Json!["replayed"]!.AsArray());
        Assert.Equal(1, await app.DeliverQueueAsync(TriggerTable.OutgoingAccount));

        var resync = await InternalAsync(TriggerTable.Resync, HttpMethod.Post, "api/resync", connector, query: org + "&kind=accounts");
        Assert.Equal(1, resync.Json!["forgotten"]!["accounts"]!.GetValue<int>());

        var overview = await InternalAsync(TriggerTable.Overview, HttpMethod.Get, "api/overview", connector, query: org);
        Assert.Equal(1, overview.Json!["outbox"]!["depth"]!.GetValue<long>());
        var page = await app.InvokeHttpAsync(TriggerTable.Dashboard, HttpMethod.Get, "dashboard?" + HullQuery(connector));
        Assert.Equal(200, page.StatusCode);
        Assert.Contains("frame-ancestors", page.Headers["Content-Security-Policy"].ToString());
        Assert.Contains("<button id=\"resync\"", page.Body);
    }

    private static string HullQuery(SandboxConnector connector, string? secret = null) =>
        $"organization={Uri.EscapeDataString(connector.Organization)}&ship={connector.Id}&secret={Uri.EscapeDataString(secret ?? connector.Secret)}";

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "Timed out waiting until " + what);
            await Task.Delay(100);
        }
    }

    private async Task HousekeepingPurgesEachStateTableOnItsOwn()
    {
        await app.InvokeTimerAsync(TriggerTable.Housekeeping);
        var purged = app.Logs.All.Where(l => l.EventName == "connector.housekeeping.purge").Select(l => l["Store"]).ToList();
        Assert.Contains("notificationids", purged);
        Assert.Contains("extractjobs", purged);
        Assert.DoesNotContain(app.Logs.All, l => l.EventName == "connector.housekeeping.error");
    }

    private async Task HealthNeedsNoCredentialsAndReportsStorage()
    {
        var health = await app.InvokeHttpAsync(TriggerTable.Health, HttpMethod.Get, "health");
        Assert.Equal(200, health.StatusCode);
        Assert.Equal("""{"status":"healthy","storage":"reachable"}""", health.Body);
    }

    private Task<FunctionHttpResponse> InternalAsync(
        string function, HttpMethod method, string path, SandboxConnector? connector, string query, string? secret = null, string? body = null)
    {
        var headers = new List<KeyValuePair<string, string>>();
        if (connector is not null)
        {
            var credentials = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{connector.Id}:{secret ?? connector.Secret}"));
            headers.Add(new("Authorization", new AuthenticationHeaderValue("Basic", credentials).ToString()));
        }

        return app.InvokeHttpAsync(function, method, query.Length > 0 ? $"{path}?{query}" : path, body, headers);
    }

    /// <summary>A connector whose Planhat is a fresh Sandbox tenant; its segments are whitelisted.</summary>
    private async Task<(SandboxConnector Connector, string PlanhatToken)> CreateConnectorAsync(JsonObject? settings = null, IEnumerable<JsonObject>? users = null)
    {
        var token = "pat-" + Guid.NewGuid().ToString("N");
        var tenantId = "tenant-" + Guid.NewGuid().ToString("N");
        await app.SandboxAdmin.CreateTenantAsync(token, tenantId, users: users);
        var privateSettings = new JsonObject
        {
            ["personal_acccess_token"] = token,
            ["tenant_id"] = tenantId,
            ["account_synchronized_segments"] = new JsonArray("seg-accounts"),
            ["contact_synchronized_segments"] = new JsonArray("seg-users"),
            ["account_attributes_outbound"] = new JsonArray(Mapping("name", "name")),
        };
        foreach (var (key, value) in settings ?? [])
        {
            privateSettings[key] = value?.DeepClone();
        }

        return (SandboxConnector.Create(privateSettings), token);
    }

    /// <summary>A connector the app has learnt from an (empty) signed notification, as Hull makes it known.</summary>
    private async Task<(SandboxConnector Connector, string PlanhatToken)> RegisteredConnectorAsync(JsonObject? settings = null, IEnumerable<JsonObject>? users = null)
    {
        var (connector, token) = await CreateConnectorAsync(settings, users);
        var response = await app.NotifyAsync(TriggerTable.SmartNotifier, "smart-notifier", NotificationBuilder.AccountUpdate(connector, []));
        Assert.Equal(200, response.StatusCode);
        return (connector, token);
    }

    private static JsonObject Mapping(string hull, string planhat) => new() { ["hull_field_name"] = hull, ["service_field_name"] = planhat };

    private static JsonObject Segment(string id) => new() { ["id"] = id, ["name"] = id };
}
