using System.Diagnostics.Metrics;
using System.Text.Json.Nodes;
using Azure;
using Azure.Data.Tables;
using HullPlanhat.Core.Outgoing.Outbox;
using HullPlanhat.Core.Storage;
using HullPlanhat.Core.Storage.Batching;
using HullPlanhat.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace HullPlanhat.Tests.Storage;

/// <summary>
/// Group commit on Azurite: concurrent writers share transactions, yet each
/// awaits its own row's outcome; the newest change of a row wins; a failed transaction fails
/// every caller in it, so each queue message is retried.
/// </summary>
[Collection(ProductCollection.Name)]
public sealed class GroupCommitTests(ProductFixture product) : IDisposable
{
    private readonly CountedStorage storage = CountedStorage.Of(product);

    [Fact]
    public async Task Concurrent_stagers_of_the_same_row_leave_the_newest_change_staged()
    {
        var outbox = OutboxOf(storage);
        var connectorId = Guid.NewGuid().ToString("N");
        var versions = Enumerable.Range(1, 30).OrderBy(_ => Random.Shared.Next()).ToList();

        var staged = await Task.WhenAll(versions.Select(v => outbox.StageNewestAsync(Row(connectorId, "same", v), CancellationToken.None)));

        var row = await outbox.FindAsync(connectorId, OutboxObjectTypes.Company, "same", CancellationToken.None);
        Assert.Equal(30, row!.Version);
        Assert.Equal("v30", row.Payload["name"]!.ToString());
        Assert.True(staged[versions.IndexOf(30)], "the newest change was staged");
    }

    [Fact]
    public async Task Many_concurrent_stagers_share_a_few_transactions_and_each_row_is_stored()
    {
        var outbox = OutboxOf(storage);
        var connectorId = Guid.NewGuid().ToString("N");
        var before = storage.Count("table", "transaction");
        var outboxBefore = storage.Count("table", "transaction", StorageNames.OutboxTable);

        var staged = await Task.WhenAll(Enumerable.Range(0, 300).Select(i => outbox.StageNewestAsync(Row(connectorId, $"u{i}", 1), CancellationToken.None)));

        Assert.All(staged, Assert.True);
        var transactions = storage.Count("table", "transaction") - before;
        Assert.InRange(transactions, 3, 60); // ≥ 300/100; one per row would be 300
        Assert.Equal(transactions, storage.Count("table", "transaction", StorageNames.OutboxTable) - outboxBefore); // counted by table
        Assert.Equal(300, (await outbox.ReadDueAsync(connectorId, OutboxObjectTypes.Company, 1000, CancellationToken.None)).Count);
        Assert.Equal(0, storage.Count("table", "insert"));
    }

    [Fact]
    public async Task A_lone_writer_never_waits_for_company()
    {
        // The clock never moves: a write that lingered would never be sent.
        var commits = new TableGroupCommit(storage.Clients, new FakeTimeProvider());
        var partition = Guid.NewGuid().ToString("N");
        await storage.Clients.EnsureCreatedAsync();

        for (var i = 0; i < 5; i++)
        {
            await commits.SubmitAsync(StorageNames.OutboxTable, new TableTransactionAction(TableTransactionActionType.UpsertReplace,
                new TableEntity(partition, $"r{i}")), CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(20));
        }
    }

    [Fact]
    public async Task A_busy_partition_waits_for_its_transaction_to_fill_and_sends_it_once_full()
    {
        var clock = new FakeTimeProvider();
        var commits = new TableGroupCommit(storage.Clients, clock);
        var partition = Guid.NewGuid().ToString("N");
        await storage.Clients.EnsureCreatedAsync();
        Task<Response> Write(int i) => commits.SubmitAsync(StorageNames.OutboxTable, new TableTransactionAction(TableTransactionActionType.UpsertReplace,
            new TableEntity(partition, $"r{i:D3}")), CancellationToken.None);

        // Many writers at once: what lingers is sent as the clock moves on.
        var first = Enumerable.Range(0, 40).Select(Write).ToList();
        while (!first.All(t => t.IsCompleted))
        {
            await Task.Delay(50);
            clock.Advance(TableGroupCommit.Linger);
        }

        // The partition is busy now: more writes wait for company while the clock stands still (at most
        // one transaction of fewer than BusyFromRows rows may go before the others arrive)…
        var waiting = Enumerable.Range(100, 40).Select(Write).ToList();
        await Task.Delay(500);
        Assert.InRange(waiting.Count(t => !t.IsCompleted), 40 - TableGroupCommit.BusyFromRows, 40);

        // …until their transaction is full…
        var filling = Enumerable.Range(200, 100).Select(Write).ToList();
        await Task.WhenAll(waiting).WaitAsync(TimeSpan.FromSeconds(20));

        // …or has waited its time.
        clock.Advance(TableGroupCommit.Linger);
        await Task.WhenAll(filling).WaitAsync(TimeSpan.FromSeconds(20));
        Assert.All(first.Concat(waiting).Concat(filling), t => Assert.True(t.IsCompletedSuccessfully));
    }

    [Fact]
    public async Task A_row_refused_inside_a_transaction_fails_only_its_own_caller()
    {
        var commits = new TableGroupCommit(storage.Clients, TimeProvider.System);
        var partition = Guid.NewGuid().ToString("N");
        await storage.Clients.EnsureCreatedAsync();
        await storage.Clients.Table(StorageNames.OutboxTable).AddEntityAsync(new TableEntity(partition, "r07"));

        var writes = Enumerable.Range(0, 40).Select(i => commits.SubmitAsync(StorageNames.OutboxTable,
            new TableTransactionAction(TableTransactionActionType.Add, new TableEntity(partition, $"r{i:D2}") { ["N"] = i }), CancellationToken.None)).ToList();
        await Task.WhenAll(writes).ContinueWith(_ => { }, TaskScheduler.Default);

        var refused = Assert.IsAssignableFrom<RequestFailedException>(writes[7].Exception?.InnerException);
        Assert.Equal(409, refused.Status);
        Assert.All(writes.Where((_, i) => i != 7), w => Assert.True(w.IsCompletedSuccessfully));
        var stored = storage.Clients.Table(StorageNames.OutboxTable).QueryAsync<TableEntity>(e => e.PartitionKey == partition);
        Assert.Equal(40, await stored.CountAsync());
    }

    [Fact]
    public async Task A_failed_transaction_fails_every_caller_waiting_on_it()
    {
        // Nothing listens on this port: the transaction cannot be sent at all.
        var unreachable = new CountedStorage("DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;TableEndpoint=http://127.0.0.1:9/devstoreaccount1;QueueEndpoint=http://127.0.0.1:9/devstoreaccount1;BlobEndpoint=http://127.0.0.1:9/devstoreaccount1;");
        var outbox = OutboxOf(unreachable);
        var connectorId = Guid.NewGuid().ToString("N");

        var stagers = Enumerable.Range(0, 12).Select(i => outbox.StageNewestAsync(Row(connectorId, $"f{i}", 1), CancellationToken.None)).ToList();
        await Task.WhenAll(stagers).ContinueWith(_ => { }, TaskScheduler.Default);

        Assert.All(stagers, s => Assert.True(s.IsFaulted, "each invocation fails, so its queue message is retried"));
        unreachable.Dispose();
    }

    public void Dispose() => storage.Dispose();

    private static OutboxRow Row(string connectorId, string hullId, long version) => new()
    {
        ConnectorId = connectorId,
        ObjectType = OutboxObjectTypes.Company,
        HullId = hullId,
        Payload = new JsonObject { ["name"] = $"v{version}" },
        Hash = $"hash-{version}",
        HullClaims = new JsonObject { ["id"] = hullId },
        Version = version,
    };

    private static OutboxStore OutboxOf(CountedStorage counted) => new(counted.Clients, TimeProvider.System, new TableGroupCommit(counted.Clients, TimeProvider.System));
}
