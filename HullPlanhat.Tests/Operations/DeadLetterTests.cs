using System.Text.Json;
using System.Text.Json.Nodes;
using HullPlanhat.Core.Hosting;
using HullPlanhat.Core.Storage;
using HullPlanhat.Sandbox.Faults;
using HullPlanhat.Sandbox.Planhat;
using HullPlanhat.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace HullPlanhat.Tests.Operations;

/// <summary>/api/deadletters and /api/poison: read back, replay once through the normal path, delete.</summary>
[Collection(ProductCollection.Name)]
public sealed class DeadLetterTests(ProductFixture product)
{
    private async Task<JsonArray> DeadLettersAsync(TestConnector connector) =>
        (await product.CallAsync(connector, HttpMethod.Get, "api/deadletters"))["deadLetters"]!.AsArray();

    [Fact]
    public async Task A_replayed_dead_letter_goes_through_the_flush_once_and_leaves_only_when_Planhat_accepted_it()
    {
        var connector = await product.KnownConnectorAsync();
        await product.SandboxAdmin.SetFaultsAsync(connector.PlanhatToken, new FaultConfig(1, [400]));
        await connector.StageAccountsAsync(TestUsers.Account("dead-1"), TestUsers.Account("dead-2"));
        for (var attempt = 0; attempt < 5; attempt++)
        {
            await product.RunFunctionAsync(TriggerTable.FlushOutbox);
        }

        var dead = await DeadLettersAsync(connector);
        Assert.Equal(["hull-dead-1", "hull-dead-2"], dead.Select(d => d!["hullId"]!.ToString()).Order());
        Assert.All(dead, d => Assert.Equal(5, d!["attempts"]!.GetValue<int>()));
        Assert.All(dead, d => Assert.Equal("failed", d!["status"]!.ToString()));
        var first = dead.Single(d => d!["hullId"]!.ToString() == "hull-dead-1")!["id"]!.ToString();
        var second = dead.Single(d => d!["hullId"]!.ToString() == "hull-dead-2")!["id"]!.ToString();

        // Delete one.
        await product.CallAsync(connector, HttpMethod.Delete, "api/deadletters/" + Uri.EscapeDataString(second));
        await product.CallAsync(connector, HttpMethod.Delete, "api/deadletters/" + Uri.EscapeDataString(second), expected: System.Net.HttpStatusCode.NotFound);

        // Replayed while Planhat still refuses: one more attempt, then a dead letter again (the replayed one makes way).
        var replay = await product.CallAsync(connector, HttpMethod.Post, "api/deadletters/replay", JsonSerializer.Serialize(new { ids = new[] { first, "no-such-id" } }));
        Assert.Equal(["staged", "not_found"], replay["replayed"]!.AsArray().Select(r => r!["outcome"]!.ToString()));
        Assert.Equal("replaying", Assert.Single(await DeadLettersAsync(connector))!["status"]!.ToString());
        await product.RunFunctionAsync(TriggerTable.FlushOutbox);
        var again = Assert.Single(await DeadLettersAsync(connector))!;
        Assert.Equal("failed", again["status"]!.ToString());
        Assert.NotEqual(first, again["id"]!.ToString());
        Assert.Equal(0, await product.OutboxDepthAsync(connector));

        // Planhat takes it now: replay all, one flush, and it leaves the dead letters.
        await product.SandboxAdmin.SetFaultsAsync(connector.PlanhatToken, FaultConfig.None);
        var all = await product.CallAsync(connector, HttpMethod.Post, "api/deadletters/replay");
        Assert.Equal(1, all["staged"]!.GetValue<int>());
        await product.RunFunctionAsync(TriggerTable.FlushOutbox);
        Assert.Equal("dead-1", Assert.Single(await connector.PlanhatAsync(ObjectKind.Companies))["externalId"]!.ToString());
        Assert.Empty(await DeadLettersAsync(connector));
        Assert.Single(connector.Logs("outgoing.deadletter.resolved"), l => l["Reason"] == "Planhat accepted the replay.");
    }

    [Fact]
    public async Task Events_the_analytics_sink_kept_refusing_are_dead_lettered_as_the_users_events_and_a_replay_posts_them_once()
    {
        var connector = await product.KnownConnectorAsync(new JsonObject { ["contact_events"] = new JsonArray("Signed up") });
        var account = TestUsers.Account("dead-e");
        await connector.StageAccountsAsync(account);
        (await product.SendUsersAsync(connector, [TestUsers.Message(TestUsers.User("dead-e"), account)])).EnsureSuccessStatusCode();
        await connector.WaitForUserDecisionsAsync(1);
        await product.RunFunctionAsync(TriggerTable.FlushOutbox);

        // The enduser is unchanged, so the event's post is the only call; the sink refuses it every time.
        await product.SandboxAdmin.SetFaultsAsync(connector.PlanhatToken, new FaultConfig(1, [400], IncludeAnalytics: true));
        (await product.SendUsersAsync(connector, [TestUsers.Message(TestUsers.User("dead-e"), account, [TestUsers.Event("Signed up", new JsonObject { ["n"] = 1 })])]))
            .EnsureSuccessStatusCode();
        await connector.WaitForUserDecisionsAsync(2);
        for (var attempt = 0; attempt < 5; attempt++)
        {
            await product.RunFunctionAsync(TriggerTable.FlushOutbox);
        }

        var dead = Assert.Single(await DeadLettersAsync(connector))!;
        Assert.Equal(("event", "hull-user-dead-e"), (dead["objectType"]!.ToString(), dead["hullId"]!.ToString()));
        Assert.Empty(await product.SandboxAdmin.GetAnalyticsAsync(connector.PlanhatToken));

        await product.SandboxAdmin.SetFaultsAsync(connector.PlanhatToken, FaultConfig.None);
        Assert.Equal(1, (await product.CallAsync(connector, HttpMethod.Post, "api/deadletters/replay"))["staged"]!.GetValue<int>());
        await product.RunFunctionAsync(TriggerTable.FlushOutbox);
        await product.RunFunctionAsync(TriggerTable.FlushOutbox);
        Assert.Equal(1, Assert.Single(await product.SandboxAdmin.GetAnalyticsAsync(connector.PlanhatToken))["info"]!["n"]!.GetValue<int>());
        Assert.Empty(await DeadLettersAsync(connector));
        Assert.Single(connector.Logs("outgoing.deadletter.resolved"), l => l["Reason"] == "Planhat's analytics took the replayed events.");
    }

    [Fact]
    public async Task Poison_messages_of_the_connector_are_listed_replayed_onto_their_queue_and_deleted_and_others_are_left_alone()
    {
        var connector = await product.KnownConnectorAsync();
        var other = await product.KnownConnectorAsync();
        var storage = product.Services.GetRequiredService<StorageClients>();
        var poison = storage.Queue(StorageNames.PoisonQueue(TriggerTable.AccountsQueue));
        string Message(TestConnector owner, string externalId) => new JsonObject
        {
            ["connectorId"] = owner.Id,
            ["account"] = TestUsers.Account(externalId),
            ["accountSegmentIds"] = new JsonArray("seg-accounts"),
        }.ToJsonString();
        await poison.SendMessageAsync(Message(connector, "poisoned-1"));
        var othersId = (await poison.SendMessageAsync(Message(other, "not-mine-1"))).Value.MessageId;

        var listed = (await product.CallAsync(connector, HttpMethod.Get, "api/poison"))["messages"]!.AsArray();
        var mine = Assert.Single(listed)!;
        Assert.Equal(TriggerTable.AccountsQueue, mine["queue"]!.ToString());
        Assert.Equal("account hull-poisoned-1", mine["summary"]!.ToString());
        await product.CallAsync(connector, HttpMethod.Delete, "api/poison/" + othersId, expected: System.Net.HttpStatusCode.NotFound);

        var replayed = await product.CallAsync(connector, HttpMethod.Post, "api/poison/replay", """{"queue":"planhat-accounts-poison"}""");
        Assert.Equal(mine["id"]!.ToString(), Assert.Single(replayed["replayed"]!.AsArray())!["id"]!.ToString());
        await connector.WaitForAccountDecisionsAsync(1);
        await product.RunFunctionAsync(TriggerTable.FlushOutbox);
        Assert.Equal("poisoned-1", Assert.Single(await connector.PlanhatAsync(ObjectKind.Companies))["externalId"]!.ToString());
        Assert.Empty((await product.CallAsync(connector, HttpMethod.Get, "api/poison"))["messages"]!.AsArray());
        Assert.Single((await product.CallAsync(other, HttpMethod.Get, "api/poison"))["messages"]!.AsArray());

        var deleted = (await poison.SendMessageAsync(Message(connector, "poisoned-2"))).Value.MessageId;
        await product.CallAsync(connector, HttpMethod.Delete, "api/poison/" + deleted);
        Assert.Empty((await product.CallAsync(connector, HttpMethod.Get, "api/poison"))["messages"]!.AsArray());
        await product.CallAsync(other, HttpMethod.Delete, "api/poison/" + othersId);
    }
}
