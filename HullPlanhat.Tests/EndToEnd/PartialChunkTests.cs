using System.Text.Json.Nodes;
using HullPlanhat.Core.Hosting;
using HullPlanhat.Core.Intake;
using HullPlanhat.Core.Storage;
using HullPlanhat.Sandbox.Planhat;
using HullPlanhat.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace HullPlanhat.Tests.EndToEnd;

/// <summary>The product with its partial-chunk hold on (the other tests turn it off), bulk calls of 5.</summary>
public sealed class HoldingChunksFixture : ProductFixture
{
    public static readonly TimeSpan Quiet = TimeSpan.FromSeconds(6);

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Planhat:BulkChunkSize"] = "5",
        ["Outbox:PartialChunkHold"] = "00:01:00",
        ["Outbox:EventChunkHold"] = "00:05:00",
        ["Outbox:PartialChunkQuiet"] = Quiet.ToString(),
    };

    // Alive beside the Product collection's host, and it hides messages in the queues (the back-pressure test).
    protected override bool PrivateStorage => true;
}

/// <summary>
/// While objects keep arriving, a flush sends only full bulk calls and holds the rest until nothing was
/// staged for a moment; events wait in their own rows, so the events of several enduser chunks share
/// one analytics call.
/// </summary>
public sealed class PartialChunkTests(HoldingChunksFixture product) : IClassFixture<HoldingChunksFixture>
{
    [Fact]
    public async Task Full_chunks_go_at_once_the_rest_once_the_stream_pauses_and_events_of_two_enduser_chunks_share_one_call()
    {
        var settings = TestUsers.Settings();
        settings["contact_events"] = new JsonArray("Signed up");
        var connector = await product.CreateConnectorAsync(settings);
        var accounts = Enumerable.Range(0, 7).Select(i => TestUsers.Account($"hold-{i}")).ToArray();
        await connector.StageAccountsAsync(accounts);

        // Flushed right after staging (well within the quiet time): five go, two wait.
        await product.RunFunctionAsync(TriggerTable.FlushOutbox);
        var companyCalls = await CallsAsync(connector, "/companies");
        Assert.Equal([5], companyCalls.Select(c => c.ItemCount));
        await FlushUntilAsync(connector, ObjectKind.Companies, 7);
        Assert.Equal([5, 2], (await CallsAsync(connector, "/companies")).Select(c => c.ItemCount));

        var users = Enumerable.Range(0, 7).Select(i => TestUsers.Message(TestUsers.User($"hold-{i}"), accounts[i],
            [TestUsers.Event("Signed up", new JsonObject { ["n"] = i })])).ToList();
        (await product.SendUsersAsync(connector, users)).EnsureSuccessStatusCode();
        await connector.WaitForUserDecisionsAsync(users.Count);
        await product.RunFunctionAsync(TriggerTable.FlushOutbox);
        Assert.Equal([5], (await CallsAsync(connector, "/endusers")).Select(c => c.ItemCount));
        Assert.Empty(await product.SandboxAdmin.GetAnalyticsAsync(connector.PlanhatToken));

        await FlushUntilAsync(connector, ObjectKind.Endusers, 7);
        await ProductFixture.WaitUntilAsync(async () =>
        {
            await product.RunFunctionAsync(TriggerTable.FlushOutbox);
            return (await product.SandboxAdmin.GetAnalyticsAsync(connector.PlanhatToken)).Count == 7;
        }, "the 7 events were posted", TimeSpan.FromSeconds(30));

        Assert.Equal([5, 2], (await CallsAsync(connector, "/endusers")).Select(c => c.ItemCount));
        var calls = (await connector.PlanhatCallsAsync()).ToList();
        var analytics = Assert.Single(calls, c => c.Path.StartsWith("/analytics/", StringComparison.Ordinal));
        Assert.Equal(7, analytics.ItemCount);
        Assert.True(calls.FindLastIndex(c => c.Path == "/endusers") < calls.IndexOf(analytics));
        Assert.Equal(Enumerable.Range(0, 7), (await product.SandboxAdmin.GetAnalyticsAsync(connector.PlanhatToken)).Select(a => a["info"]!["n"]!.GetValue<int>()).Order());
    }

    [Fact]
    public async Task Users_whose_companies_are_held_back_stay_as_they_are_and_go_with_their_companies_once_those_are_sent()
    {
        var connector = await product.CreateConnectorAsync();
        var accounts = Enumerable.Range(0, 2).Select(i => TestUsers.Account($"held-{i}")).ToArray();
        await connector.StageAccountsAsync(accounts);
        var users = Enumerable.Range(0, 5).Select(i => TestUsers.Message(TestUsers.User($"held-{i}"), accounts[i % 2])).ToList();
        (await product.SendUsersAsync(connector, users)).EnsureSuccessStatusCode();
        await connector.WaitForUserDecisionsAsync(users.Count);

        // Two companies (held, still fresh) and a full chunk of five users whose companies are not in Planhat yet.
        await product.RunFunctionAsync(TriggerTable.FlushOutbox);
        Assert.Empty(await connector.PlanhatCallsAsync());
        Assert.Empty(connector.Logs("outgoing.user.waiting"));

        await FlushUntilAsync(connector, ObjectKind.Endusers, 5);
        Assert.Equal([2], (await CallsAsync(connector, "/companies")).Select(c => c.ItemCount));
        Assert.Equal([5], (await CallsAsync(connector, "/endusers")).Select(c => c.ItemCount));
        Assert.Empty(connector.Logs("outgoing.user.waiting"));
    }

    [Fact]
    public async Task A_partial_chunk_waits_past_the_quiet_time_while_objects_are_still_queued_and_goes_once_they_are_not()
    {
        var connector = await product.CreateConnectorAsync();
        await connector.StageAccountsAsync(TestUsers.Account("queued-0"), TestUsers.Account("queued-1"));
        // A message still in the accounts queue (hidden, as one being handled is): the stream has not ended.
        var queue = product.Services.GetRequiredService<StorageClients>().Queue(TriggerTable.AccountsQueue);
        var pending = (await queue.SendMessageAsync("{}", visibilityTimeout: TimeSpan.FromMinutes(5))).Value;

        try
        {
            await Task.Delay(HoldingChunksFixture.Quiet + QueueBackPressure.CacheFor);
            await product.RunFunctionAsync(TriggerTable.FlushOutbox);
            Assert.Empty(await CallsAsync(connector, "/companies"));
        }
        finally
        {
            await queue.DeleteMessageAsync(pending.MessageId, pending.PopReceipt);
        }

        await FlushUntilAsync(connector, ObjectKind.Companies, 2);
        Assert.Equal([2], (await CallsAsync(connector, "/companies")).Select(c => c.ItemCount));
    }

    private static async Task<List<SandboxCall>> CallsAsync(TestConnector connector, string path) =>
        (await connector.PlanhatCallsAsync()).Where(c => c.Method == "PUT" && c.Path == path).ToList();

    private async Task FlushUntilAsync(TestConnector connector, ObjectKind kind, int count) =>
        await ProductFixture.WaitUntilAsync(async () =>
        {
            await Task.Delay(TimeSpan.FromMilliseconds(500));
            await product.RunFunctionAsync(TriggerTable.FlushOutbox);
            return (await connector.PlanhatAsync(kind)).Count == count;
        }, $"{count} {kind} in Planhat", HoldingChunksFixture.Quiet * 5);
}
