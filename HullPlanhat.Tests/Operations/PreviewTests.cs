using System.Text.Json.Nodes;
using HullPlanhat.Core.Hosting;
using HullPlanhat.Core.Outgoing;
using HullPlanhat.Sandbox.Hull;
using HullPlanhat.Sandbox.Planhat;
using HullPlanhat.Tests.Infrastructure;

namespace HullPlanhat.Tests.Operations;

/// <summary>POST /api/preview and /api/preview/incoming over Azurite + Sandbox + SelfHost: the real decisions, reads only.</summary>
[Collection(ProductCollection.Name)]
public sealed class PreviewTests(ProductFixture product)
{
    private static string Messages(params JsonObject[] messages) => new JsonObject { ["messages"] = new JsonArray(messages) }.ToJsonString();

    [Fact]
    public async Task Account_preview_answers_create_update_unchanged_and_skip_without_writing_and_the_real_path_agrees()
    {
        var connector = await product.KnownConnectorAsync();
        await product.SyncAccountsAsync(connector, TestUsers.Account("kept-1", "Kept"), TestUsers.Account("changed-1", "Old name"));
        await product.SandboxAdmin.ResetCallsAsync(connector.PlanhatToken);
        var firehoseBefore = (await product.SandboxAdmin.GetFirehoseAsync(connector.Id)).Count;

        JsonObject[] messages =
        [
            TestConnector.AccountMessage(TestUsers.Account("kept-1", "Kept")),
            TestConnector.AccountMessage(TestUsers.Account("changed-1", "New name")),
            TestConnector.AccountMessage(TestUsers.Account("new-1", "Newco")),
            NotificationBuilder.AccountMessage(TestUsers.Account("outside-1"), accountSegments: []),
        ];
        var preview = await product.CallAsync(connector, HttpMethod.Post, "api/preview", Messages(messages));

        var objects = preview["objects"]!.AsArray();
        Assert.Equal(["unchanged", "update", "create", "skip"], objects.Select(o => o!["decision"]!.ToString()));
        Assert.Equal(SkipReasons.AlreadyInSync, objects[0]!["reason"]!.ToString());
        Assert.Equal(["name"], objects[1]!["fields"]!.AsArray().Select(f => f!.ToString()));
        Assert.Equal("hull-changed-1", objects[1]!["hullId"]!.ToString());
        Assert.Equal(1, preview["summary"]!["create"]!.GetValue<int>());

        // Zero writes: Planhat was only read (and the answer counts those reads), nothing staged, nothing sent to Hull.
        var calls = await connector.PlanhatCallsAsync();
        Assert.NotEmpty(calls);
        Assert.All(calls, c => Assert.Equal("GET", c.Method));
        Assert.Equal(calls.Count, preview["planhatCalls"]!.GetValue<int>());
        Assert.Equal(0, await product.OutboxDepthAsync(connector));
        Assert.Equal(firehoseBefore, (await product.SandboxAdmin.GetFirehoseAsync(connector.Id)).Count);
        Assert.Equal(2, (await connector.PlanhatAsync(ObjectKind.Companies)).Count);

        // The real path makes the same decisions.
        var skipsBefore = connector.Logs("outgoing.account.skip").Count;
        await product.SyncAccountsAsync(connector, TestUsers.Account("kept-1", "Kept"), TestUsers.Account("changed-1", "New name"), TestUsers.Account("new-1", "Newco"));
        (await connector.SendAccountsAsync([(JsonObject)messages[3].DeepClone()])).EnsureSuccessStatusCode();
        await ProductFixture.WaitUntilAsync(() => Task.FromResult(connector.Logs("outgoing.account.skip").Count >= skipsBefore + 2), "both skips were logged");
        var reasons = connector.Logs("outgoing.account.skip").Skip(skipsBefore).Select(l => l["Reason"]).ToList();
        Assert.Contains(SkipReasons.AlreadyInSync, reasons);
        Assert.Contains(objects[3]!["reason"]!.ToString(), reasons);
        var companies = await connector.PlanhatAsync(ObjectKind.Companies);
        Assert.Equal(["Kept", "New name", "Newco"], companies.Select(c => c["name"]!.ToString()).Order());
    }

    [Fact]
    public async Task User_preview_names_the_enduser_fields_and_skips_with_the_handlers_reason()
    {
        var connector = await product.KnownConnectorAsync(TestUsers.Settings());
        var account = TestUsers.Account("ucomp-1");
        var ann = TestUsers.User("ann");
        var preview = await product.CallAsync(connector, HttpMethod.Post, "api/preview?payload=1", Messages(
            TestUsers.Message(ann, account),
            NotificationBuilder.UserMessage(TestUsers.User("bob"), account, null, segments: [], accountSegments: [])));

        var objects = preview["objects"]!.AsArray();
        Assert.Equal("create", objects[0]!["decision"]!.ToString());
        Assert.Equal("enduser", objects[0]!["objectType"]!.ToString());
        Assert.Equal("ann@example.com", objects[0]!["payload"]!["email"]!.ToString());
        Assert.Equal("skip", objects[1]!["decision"]!.ToString());
        Assert.False(string.IsNullOrWhiteSpace(objects[1]!["reason"]?.ToString()));
        Assert.All(await connector.PlanhatCallsAsync(), c => Assert.Equal("GET", c.Method));
        Assert.Empty(await connector.PlanhatAsync(ObjectKind.Endusers));

        // The real path: Ann is staged, Bob skipped with the reason the preview gave.
        (await product.SendUsersAsync(connector, [
            TestUsers.Message(ann, account),
            NotificationBuilder.UserMessage(TestUsers.User("bob"), account, null, segments: [], accountSegments: [])])).EnsureSuccessStatusCode();
        await connector.WaitForUserDecisionsAsync(2);
        Assert.Single(connector.Logs("outgoing.user.staged"));
        Assert.Equal(objects[1]!["reason"]!.ToString(), Assert.Single(connector.Logs("outgoing.user.skip"))["Reason"]);
    }

    [Fact]
    public async Task Malformed_preview_bodies_are_400_not_500()
    {
        var connector = await product.KnownConnectorAsync();
        await product.CallAsync(connector, HttpMethod.Post, "api/preview", "{not json", System.Net.HttpStatusCode.BadRequest);
        await product.CallAsync(connector, HttpMethod.Post, "api/preview", """{"messages": 3}""", System.Net.HttpStatusCode.BadRequest);
        var odd = await product.CallAsync(connector, HttpMethod.Post, "api/preview", """{"messages": [1, {"nothing": true}]}""");
        Assert.All(odd["objects"]!.AsArray(), o => Assert.Equal("skip", o!["decision"]!.ToString()));
        await product.CallAsync(connector, HttpMethod.Post, "api/preview/incoming?kind=contacts", null, System.Net.HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Incoming_preview_counts_what_an_import_would_send_without_sending_or_storing_hashes()
    {
        var connector = await product.KnownConnectorAsync(new JsonObject { ["fetch_interval_accounts"] = "0" });
        await product.SandboxAdmin.SeedAsync(connector.PlanhatToken, ObjectKind.Companies,
            Enumerable.Range(0, 3).Select(i => new JsonObject { ["name"] = "Co " + i, ["externalId"] = "co-" + i }));

        var first = await product.CallAsync(connector, HttpMethod.Post, "api/preview/incoming?kind=companies");
        var companies = first["kinds"]!.AsArray().Single()!;
        Assert.Equal(3, companies["wouldSend"]!.GetValue<int>());
        Assert.Equal(3, companies["new"]!.GetValue<int>());
        Assert.Empty(await product.SandboxAdmin.GetFirehoseAsync(connector.Id));
        Assert.All(await connector.PlanhatCallsAsync(), c => Assert.Equal("GET", c.Method));

        // Nothing was stored: the real import still sends all three, and then the preview finds them unchanged.
        await product.RunFunctionAsync(TriggerTable.FetchCompanies);
        await ProductFixture.WaitUntilAsync(async () => (await product.SandboxAdmin.GetFirehoseAsync(connector.Id)).Count(e => e.SubjectType == "account") == 3, "3 companies reached Hull");
        var second = (await product.CallAsync(connector, HttpMethod.Post, "api/preview/incoming"))["kinds"]!.AsArray();
        Assert.Equal(0, second.Single(k => k!["kind"]!.ToString() == "companies")!["wouldSend"]!.GetValue<int>());
        Assert.Equal(3, second.Single(k => k!["kind"]!.ToString() == "companies")!["unchanged"]!.GetValue<int>());
        Assert.Single(second, k => k!["kind"]!.ToString() == "endusers");
    }
}
