using System.Diagnostics.Metrics;
using System.Text.Json.Nodes;
using Azure.Data.Tables;
using HullPlanhat.Core.Hosting;
using HullPlanhat.Core.Storage;
using HullPlanhat.Core.Outgoing;
using HullPlanhat.Sandbox.Planhat;
using HullPlanhat.Tests.Infrastructure;
using HullPlanhat.Tests.Operations;
using Microsoft.Extensions.DependencyInjection;

namespace HullPlanhat.Tests.EndToEnd;

/// <summary>
/// The queue workers stage every mapped object without reading anything per object; the flush
/// decides, for a whole chunk, what Planhat already has (docs/scaling.md, "What one object costs").
/// </summary>
[Collection(ProductCollection.Name)]
public sealed class FlushDecisionTests(ProductFixture product)
{
    private const int Count = 60;

    [Fact]
    public async Task Accounts_new_or_replayed_cost_the_queue_workers_no_read_and_the_flush_skips_the_unchanged_ones()
    {
        var connector = await product.CreateConnectorAsync();
        var accounts = Enumerable.Range(0, Count).Select(i => TestUsers.Account($"fd-{i:D3}", $"Flush decided {i}")).ToList();

        using (var reads = new ProductTableReads(product))
        {
            (await connector.SendAccountsAsync(accounts.Select(TestConnector.AccountMessage))).EnsureSuccessStatusCode();
            await connector.WaitForAccountDecisionsAsync(Count);
            // A notification reads its connector and replay guard; a read per object would be ≥ 60.
            Assert.True(reads.Count <= 5, reads.ToString());
        }

        await product.RunFunctionAsync(TriggerTable.FlushOutbox);
        Assert.Equal(Count, (await connector.PlanhatAsync(ObjectKind.Companies)).Count);
        await product.SandboxAdmin.ResetCallsAsync(connector.PlanhatToken);

        using (var reads = new ProductTableReads(product))
        {
            (await connector.SendAccountsAsync(accounts.Select(TestConnector.AccountMessage))).EnsureSuccessStatusCode();
            await connector.WaitForAccountDecisionsAsync(2 * Count);
            Assert.True(reads.Count <= 5, reads.ToString());
            Assert.Equal(2 * Count, connector.Logs("outgoing.account.staged").Count);
        }

        // The flush reads the chunk's sync state with one range query (not a point read per row) and drops every row, with the skip line the worker used to log.
        using (var reads = new ProductTableReads(product))
        {
            await product.RunFunctionAsync(TriggerTable.FlushOutbox);
            Assert.True(reads.PointReads <= 2, reads.ToString());
        }

        var skips = connector.Logs("outgoing.account.skip");
        Assert.Equal(Count, skips.Count);
        Assert.All(skips, s => Assert.Equal(SkipReasons.AlreadyInSync, s["Reason"]));
        Assert.All(skips, s => Assert.EndsWith("CompanyFlusher", s.Category, StringComparison.Ordinal));
        Assert.Equal(accounts.Select(a => a["external_id"]!.ToString()).Order(), skips.Select(s => s.Context["account_external_id"]!.ToString()).Order());
        Assert.Empty(await connector.PlanhatCallsAsync());
        Assert.Equal(0, await product.OutboxDepthAsync(connector));
    }

    [Fact]
    public async Task Users_replayed_with_their_events_cost_the_queue_workers_no_read_and_no_event_goes_twice()
    {
        var connector = await product.CreateConnectorAsync(EventSettings());
        var account = TestUsers.Account("fd-acme");
        await connector.StageAccountsAsync(account);
        var messages = Enumerable.Range(0, Count).Select(i => TestUsers.Message(TestUsers.User($"fd{i:D3}"), account,
            i % 10 == 0 ? [TestUsers.Event("Signed up", new JsonObject { ["n"] = i }, $"fd-event-{i}")] : null)).ToList();

        using (var reads = new ProductTableReads(product))
        {
            (await product.SendUsersAsync(connector, messages)).EnsureSuccessStatusCode();
            await connector.WaitForUserDecisionsAsync(Count);
            Assert.True(reads.Count <= 5, reads.ToString());
        }

        await product.RunFunctionAsync(TriggerTable.FlushOutbox);
        Assert.Equal(Count, (await connector.PlanhatAsync(ObjectKind.Endusers)).Count);
        Assert.Equal(Count / 10, (await product.SandboxAdmin.GetAnalyticsAsync(connector.PlanhatToken)).Count);
        await product.SandboxAdmin.ResetCallsAsync(connector.PlanhatToken);

        using (var reads = new ProductTableReads(product))
        {
            (await product.SendUsersAsync(connector, messages.Select(m => (JsonObject)m.DeepClone()))).EnsureSuccessStatusCode();
            await connector.WaitForUserDecisionsAsync(2 * Count);
            Assert.True(reads.Count <= 5, reads.ToString());
        }

        await product.RunFunctionAsync(TriggerTable.FlushOutbox);
        var skips = connector.Logs("outgoing.user.skip");
        Assert.Equal(Count, skips.Count);
        Assert.All(skips, s => Assert.Equal(SkipReasons.AlreadyInSync, s["Reason"]));
        Assert.All(skips, s => Assert.EndsWith("EnduserFlusher", s.Category, StringComparison.Ordinal));
        Assert.Empty(await connector.PlanhatCallsAsync());
        Assert.Equal(Count / 10, (await product.SandboxAdmin.GetAnalyticsAsync(connector.PlanhatToken)).Count);
        Assert.Equal(0, await product.OutboxDepthAsync(connector));
    }

    [Fact]
    public async Task A_change_undone_before_the_flush_writes_nothing_and_Planhat_keeps_the_value()
    {
        var connector = await product.CreateConnectorAsync(TestUsers.Settings());
        var account = Versioned(TestUsers.Account("fd-undo", "Kept name"), 1);
        await product.SyncAccountsAsync(connector, account);
        var user = Versioned(TestUsers.User("fd-undo", extra: new JsonObject { ["name"] = "Kept user" }), 1);
        (await product.SendUsersAsync(connector, [TestUsers.Message(user, account)])).EnsureSuccessStatusCode();
        await connector.WaitForUserDecisionsAsync(1);
        await product.RunFunctionAsync(TriggerTable.FlushOutbox);
        await product.SandboxAdmin.ResetCallsAsync(connector.PlanhatToken);

        // Changed, then changed back, both staged before the next flush.
        var changed = Versioned(TestUsers.Account("fd-undo", "Changed name"), 2);
        await connector.StageAccountsAsync(changed);
        await connector.StageAccountsAsync(Versioned(TestUsers.Account("fd-undo", "Kept name"), 3));
        (await product.SendUsersAsync(connector, [TestUsers.Message(Versioned(TestUsers.User("fd-undo", extra: new JsonObject { ["name"] = "Changed user" }), 2), account)]))
            .EnsureSuccessStatusCode();
        await connector.WaitForUserDecisionsAsync(2);
        (await product.SendUsersAsync(connector, [TestUsers.Message(Versioned(TestUsers.User("fd-undo", extra: new JsonObject { ["name"] = "Kept user" }), 3), account)]))
            .EnsureSuccessStatusCode();
        await connector.WaitForUserDecisionsAsync(3);
        await product.RunFunctionAsync(TriggerTable.FlushOutbox);

        Assert.Empty(await connector.PlanhatCallsAsync());
        Assert.Equal("Kept name", Assert.Single(await connector.PlanhatAsync(ObjectKind.Companies))["name"]!.ToString());
        Assert.Equal("Kept user", Assert.Single(await connector.PlanhatAsync(ObjectKind.Endusers))["name"]!.ToString());
        Assert.Equal(SkipReasons.AlreadyInSync, Assert.Single(connector.Logs("outgoing.account.skip"))["Reason"]);
        Assert.Equal(SkipReasons.AlreadyInSync, Assert.Single(connector.Logs("outgoing.user.skip"))["Reason"]);
        Assert.Equal(0, await product.OutboxDepthAsync(connector));

        // The older change, delivered late, still does not overwrite what Planhat has.
        await connector.StageAccountsAsync(changed);
        await product.RunFunctionAsync(TriggerTable.FlushOutbox);
        Assert.Equal("Kept name", Assert.Single(await connector.PlanhatAsync(ObjectKind.Companies))["name"]!.ToString());
        Assert.Equal(SkipReasons.OlderChange, connector.Logs("outgoing.account.skip")[^1]["Reason"]);
        Assert.Empty(await connector.PlanhatCallsAsync());
    }

    [Fact]
    public async Task Sync_state_holds_one_row_per_object_and_a_user_finds_its_company_in_its_accounts_row()
    {
        var connector = await product.CreateConnectorAsync(TestUsers.Settings());
        var account = TestUsers.Account("fd-lookup");
        await connector.StageAccountsAsync(account);
        // The user's account carries no planhat/id yet: its company is found in the sync state the company flush wrote.
        Assert.Null(account["planhat/id"]);
        (await product.SendUsersAsync(connector, [TestUsers.Message(TestUsers.User("fd-lookup"), account)])).EnsureSuccessStatusCode();
        await connector.WaitForUserDecisionsAsync(1);

        await product.RunFunctionAsync(TriggerTable.FlushOutbox);

        var company = Assert.Single(await connector.PlanhatAsync(ObjectKind.Companies));
        var enduser = Assert.Single(await connector.PlanhatAsync(ObjectKind.Endusers));
        Assert.Equal(company["_id"]!.ToString(), enduser["companyId"]!.ToString());
        var storage = product.Services.GetRequiredService<StorageClients>();
        var rows = await storage.Table(StorageNames.SyncStateTable)
            .QueryAsync<TableEntity>(e => e.PartitionKey == TableKeys.Encode(connector.Id), select: ["RowKey"]).Select(e => e.RowKey).ToListAsync();
        Assert.Equal(["company_hull-fd-lookup", "enduser_hull-user-fd-lookup"], rows.Order(StringComparer.Ordinal));
    }

    private static JsonObject EventSettings()
    {
        var settings = TestUsers.Settings();
        settings["contact_events"] = new JsonArray("Signed up");
        return settings;
    }

    private static JsonObject Versioned(JsonObject hullObject, int version)
    {
        hullObject["updated_at"] = $"2026-05-0{version}T10:00:00Z";
        return hullObject;
    }

    /// <summary>Table point reads and queries of this product's storage clients (not other hosts in the process) while alive.</summary>
    private sealed class ProductTableReads(ProductFixture product) : IDisposable
    {
        private readonly StorageRequestTally tally = new(product.Services.GetRequiredService<IMeterFactory>());

        public long Count => PointReads + Queries;

        public long PointReads => tally.Count("table", "point-read");

        private long Queries => tally.Count("table", "query");

        public override string ToString() => $"point-read ×{PointReads}, query ×{Queries}";

        public void Dispose() => tally.Dispose();
    }
}
