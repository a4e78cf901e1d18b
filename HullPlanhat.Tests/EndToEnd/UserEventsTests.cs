using System.Text.Json.Nodes;
using HullPlanhat.Core.Hosting;
using HullPlanhat.Core.Outgoing.Outbox;
using HullPlanhat.Core.Outgoing.Users;
using HullPlanhat.Sandbox.Planhat;
using HullPlanhat.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace HullPlanhat.Tests.EndToEnd;

[Collection(ProductCollection.Name)]
public sealed class UserEventsTests(ProductFixture product)
{
    private static JsonObject EventSettings(JsonObject? extra = null)
    {
        var settings = TestUsers.Settings(extra);
        settings["contact_events"] = new JsonArray("Signed up", "Invoice paid");
        return settings;
    }

    [Fact]
    public async Task A_whitelisted_event_arrives_as_an_activity_with_its_properties_as_info_and_another_does_not()
    {
        var connector = await product.CreateConnectorAsync(EventSettings());
        var account = TestUsers.Account("acme-e1");
        await connector.StageAccountsAsync(account);
        var events = new[]
        {
            TestUsers.Event("Signed up", new JsonObject { ["plan"] = "pro", ["seats"] = 3 }),
            TestUsers.Event("Page viewed", new JsonObject { ["url"] = "/home" }),
        };
        (await product.SendUsersAsync(connector, [TestUsers.Message(TestUsers.User("eve"), account, events)])).EnsureSuccessStatusCode();
        await connector.WaitForUserDecisionsAsync(1);

        await product.RunFunctionAsync(TriggerTable.FlushOutbox);

        var activity = Assert.Single(await product.SandboxAdmin.GetAnalyticsAsync(connector.PlanhatToken));
        Assert.Equal("Signed up", activity["action"]!.ToString());
        Assert.True(JsonNode.DeepEquals(new JsonObject { ["plan"] = "pro", ["seats"] = 3 }, activity["info"]));
        Assert.Equal("2024-05-01T10:00:00Z", activity["date"]!.ToString());
        Assert.Equal("eve@example.com", activity["email"]!.ToString());
        Assert.Equal("user-eve", activity["externalId"]!.ToString());
        Assert.Equal("User eve", activity["name"]!.ToString());
        Assert.Equal("acme-e1", activity["companyExternalId"]!.ToString());
        Assert.Equal("Signed up", Assert.Single(connector.Logs("outgoing.user_event.success"))["Event"]);

        // Sent once: the next flush does not send it again.
        await product.RunFunctionAsync(TriggerTable.FlushOutbox);
        Assert.Single(await product.SandboxAdmin.GetAnalyticsAsync(connector.PlanhatToken));
    }

    [Fact]
    public async Task An_event_with_a_huge_id_is_sent_beside_the_others_and_a_user_with_a_huge_identity_is_skipped_with_its_reason()
    {
        var connector = await product.CreateConnectorAsync(EventSettings());
        var account = TestUsers.Account("acme-big");
        await connector.StageAccountsAsync(account);
        var huge = new string('x', 40_000);
        var messages = new[]
        {
            TestUsers.Message(TestUsers.User("big-event"), account, [TestUsers.Event("Signed up", new JsonObject { ["n"] = 1 }, eventId: huge)]),
            TestUsers.Message(TestUsers.User("plain"), account, [TestUsers.Event("Signed up", new JsonObject { ["n"] = 2 })]),
            TestUsers.Message(TestUsers.User("big-identity", extra: new JsonObject { ["external_id"] = huge }), account,
                [TestUsers.Event("Signed up", new JsonObject { ["n"] = 3 })]),
        };
        (await product.SendUsersAsync(connector, messages)).EnsureSuccessStatusCode();
        await connector.WaitForUserDecisionsAsync(3);

        await product.RunFunctionAsync(TriggerTable.FlushOutbox);

        var activities = await product.SandboxAdmin.GetAnalyticsAsync(connector.PlanhatToken);
        Assert.Equal([1, 2], activities.Select(a => a["info"]!["n"]!.GetValue<int>()).Order());
        Assert.Equal(Core.Outgoing.IdentityLimits.TooLong, Assert.Single(connector.Logs("outgoing.user.skip"))["Reason"]);
        Assert.Empty(connector.Logs("connector.function.error"));

        // The huge id is recorded as sent like any other: not posted again.
        (await product.SendUsersAsync(connector, messages.Take(1))).EnsureSuccessStatusCode();
        await connector.WaitForUserDecisionsAsync(4);
        await product.RunFunctionAsync(TriggerTable.FlushOutbox);
        Assert.Equal(2, (await product.SandboxAdmin.GetAnalyticsAsync(connector.PlanhatToken)).Count);
    }

    [Fact]
    public async Task Events_of_several_users_go_in_one_bulk_call_after_their_endusers_even_when_a_user_is_unchanged()
    {
        var connector = await product.CreateConnectorAsync(EventSettings());
        var account = TestUsers.Account("acme-e2");
        await connector.StageAccountsAsync(account);
        (await product.SendUsersAsync(connector, [TestUsers.Message(TestUsers.User("fay"), account)])).EnsureSuccessStatusCode();
        await connector.WaitForUserDecisionsAsync(1);
        await product.RunFunctionAsync(TriggerTable.FlushOutbox);

        // fay is unchanged (only her event is new); gus is new.
        (await product.SendUsersAsync(connector, [
            TestUsers.Message(TestUsers.User("fay"), account, [TestUsers.Event("Invoice paid", new JsonObject { ["amount"] = 10 })]),
            TestUsers.Message(TestUsers.User("gus"), account, [TestUsers.Event("Signed up", new JsonObject())])])).EnsureSuccessStatusCode();
        await connector.WaitForUserDecisionsAsync(3);
        await product.RunFunctionAsync(TriggerTable.FlushOutbox);

        var activities = await product.SandboxAdmin.GetAnalyticsAsync(connector.PlanhatToken);
        Assert.Equal(["fay@example.com", "gus@example.com"], activities.Select(a => a["email"]!.ToString()).Order());
        var calls = await connector.PlanhatCallsAsync();
        var bulk = Assert.Single(calls, c => c.Path.StartsWith("/analytics/", StringComparison.Ordinal));
        Assert.StartsWith("/analytics/bulk/", bulk.Path, StringComparison.Ordinal);
        Assert.True(calls.ToList().FindLastIndex(c => c.Path == "/endusers" && c.Method == "PUT") < calls.ToList().IndexOf(bulk));
        Assert.Equal(2, (await connector.PlanhatAsync(ObjectKind.Endusers)).Count);
    }

    [Fact]
    public async Task Events_moved_to_their_event_row_twice_as_after_a_crash_before_the_enduser_row_was_completed_are_posted_once()
    {
        var connector = await product.CreateConnectorAsync(EventSettings());
        var account = TestUsers.Account("acme-e4");
        await connector.StageAccountsAsync(account);
        (await product.SendUsersAsync(connector, [TestUsers.Message(TestUsers.User("ida"), account,
            [TestUsers.Event("Signed up", new JsonObject { ["n"] = 1 }), TestUsers.Event("Invoice paid", new JsonObject { ["n"] = 2 })])])).EnsureSuccessStatusCode();
        await connector.WaitForUserDecisionsAsync(1);
        var outbox = product.Services.GetRequiredService<OutboxStore>();
        var staged = await outbox.FindAsync(connector.Id, OutboxObjectTypes.Enduser, "hull-user-ida", CancellationToken.None);

        // The first flush's move, whose completion of the enduser row never happened; the next flush moves them again.
        await product.Services.GetRequiredService<EnduserOutbox>().StageEventsAsync(staged!, CancellationToken.None);
        Assert.Equal(2, EnduserOutbox.EventsOf(await outbox.FindAsync(connector.Id, OutboxObjectTypes.Event, "hull-user-ida", CancellationToken.None)).Count);
        await product.RunFunctionAsync(TriggerTable.FlushOutbox);
        await product.RunFunctionAsync(TriggerTable.FlushOutbox);

        var activities = await product.SandboxAdmin.GetAnalyticsAsync(connector.PlanhatToken);
        Assert.Equal([1, 2], activities.Select(a => a["info"]!["n"]!.GetValue<int>()).Order());
        Assert.Equal(0, (await outbox.MeasureAsync(connector.Id, 100, CancellationToken.None)).Depth);
    }

    [Fact]
    public async Task Without_a_tenant_id_events_are_skipped_with_a_reason_and_the_enduser_still_syncs()
    {
        var connector = await product.CreateConnectorAsync(EventSettings(new JsonObject { ["tenant_id"] = "" }));
        var account = TestUsers.Account("acme-e3");
        await connector.StageAccountsAsync(account);
        (await product.SendUsersAsync(connector, [TestUsers.Message(TestUsers.User("hal"), account, [TestUsers.Event("Signed up", new JsonObject())])]))
            .EnsureSuccessStatusCode();
        await connector.WaitForUserDecisionsAsync(1);
        await product.RunFunctionAsync(TriggerTable.FlushOutbox);

        var skip = Assert.Single(connector.Logs("outgoing.user_event.skip"));
        Assert.Contains("Tenant", skip["Reason"]);
        Assert.Single(await connector.PlanhatAsync(ObjectKind.Endusers));
        Assert.DoesNotContain(await connector.PlanhatCallsAsync(), c => c.Path.StartsWith("/analytics", StringComparison.Ordinal));
    }
}
