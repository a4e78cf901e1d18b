using System.Text.Json.Nodes;
using Azure.Data.Tables;
using HullPlanhat.Core.Batch;
using HullPlanhat.Core.Hosting;
using HullPlanhat.Core.Housekeeping;
using HullPlanhat.Core.Hull;
using HullPlanhat.Core.Incoming;
using HullPlanhat.Core.Storage;
using HullPlanhat.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace HullPlanhat.Tests.Storage;

/// <summary>
/// The purges that keep state tables bounded, on Azurite: expired notification ids, finished batch jobs
/// and their extract copies, and the hashes of objects complete imports no longer see. Each deletes what
/// it should and keeps what it must.
/// </summary>
[Collection(ProductCollection.Name)]
public sealed class StatePurgeTests(ProductFixture product)
{
    private StorageClients Storage => product.Services.GetRequiredService<StorageClients>();

    [Fact]
    public async Task Housekeeping_deletes_expired_notification_ids_and_keeps_the_live_ones_and_their_answers()
    {
        var now = DateTimeOffset.UtcNow;
        var guard = new NotificationReplayGuard(Storage, TimeProvider.System);
        var expired = Enumerable.Range(0, 150).Select(_ => Guid.NewGuid().ToString()).ToList();
        var live = Enumerable.Range(0, 20).Select(_ => Guid.NewGuid().ToString()).ToList();
        foreach (var jti in expired)
        {
            await guard.ClaimAsync(jti, now.AddSeconds(-1), CancellationToken.None);
        }

        foreach (var jti in live)
        {
            Assert.Equal(ReplayClaim.First, await guard.ClaimAsync(jti, now.AddHours(1), CancellationToken.None));
            await guard.AcceptAsync(jti, CancellationToken.None);
        }

        // A row of the layout before partitions were hashed (partition = jti) expires the same way.
        var table = Storage.Table(NotificationReplayGuard.TableName);
        var legacy = Guid.NewGuid().ToString();
        await table.AddEntityAsync(new TableEntity(legacy, "jti") { ["State"] = "accepted", ["ExpiresAt"] = now.AddMinutes(-5) });

        await product.RunFunctionAsync(TriggerTable.Housekeeping);

        var left = await RowKeysAsync(table, expired.Concat(live).Append(legacy).Select(j => (NotificationReplayGuard.Partition(j), TableKeys.Encode(j))).Append((legacy, "jti")));
        Assert.Equal(live.Order(), left.Order());
        foreach (var jti in live)
        {
            Assert.Equal(ReplayClaim.AlreadyAccepted, await guard.ClaimAsync(jti, now.AddHours(1), CancellationToken.None));
        }

        Assert.Contains(product.Logs.All, l => l.EventName == "connector.housekeeping.purge" && l["Store"] == NotificationReplayGuard.TableName);
    }

    [Fact]
    public async Task Finished_batch_jobs_and_unneeded_extract_copies_go_after_the_retention_while_running_jobs_keep_theirs()
    {
        var connectorId = "purge-" + Guid.NewGuid().ToString("N");
        var jobs = product.Services.GetRequiredService<ExtractJobStore>();
        var container = Storage.Container(StorageNames.ClaimCheckContainer);
        string finished = Guid.NewGuid().ToString("N"), running = Guid.NewGuid().ToString("N"), orphan = Guid.NewGuid().ToString("N");
        var blobs = new Dictionary<string, string>();
        foreach (var (jobId, done) in new[] { (finished, true), (running, false), (orphan, (bool?)null) }.Select(j => (j.Item1, j.Item2)))
        {
            var blob = ExtractJobStore.NewBlobName(connectorId, jobId);
            blobs[jobId] = blob;
            await container.GetBlobClient(blob).UploadAsync(BinaryData.FromString("{}\n"));
            if (done is { } isDone)
            {
                Assert.NotNull(await jobs.TryWriteAsync(connectorId, jobId, new ExtractJobState(ExtractKind.Users, null, blob, 3, 1, 1, 0, isDone), default, CancellationToken.None));
            }
        }

        // Within the retention nothing goes; past it, the finished job's row and copy and the copy without a row.
        var options = Options.Create(new HousekeepingOptions { ExtractJobRetention = TimeSpan.FromDays(7) });
        Assert.Equal((0, 0), await new ExtractJobPurge(Storage, options, TimeProvider.System).RunAsync(CancellationToken.None));
        var (rows, copies) = await new ExtractJobPurge(Storage, options, new FixedClock(DateTimeOffset.UtcNow.AddDays(8))).RunAsync(CancellationToken.None);

        Assert.True(rows >= 1 && copies >= 2, $"{rows} rows and {copies} copies deleted");
        Assert.Null((await jobs.GetAsync(connectorId, finished, CancellationToken.None)).State);
        Assert.False((await jobs.GetAsync(connectorId, running, CancellationToken.None)).State!.Done);
        Assert.False(await container.GetBlobClient(blobs[finished]).ExistsAsync());
        Assert.False(await container.GetBlobClient(blobs[orphan]).ExistsAsync());
        Assert.True(await container.GetBlobClient(blobs[running]).ExistsAsync());
    }

    [Fact]
    public async Task A_hash_row_goes_only_after_two_complete_runs_in_a_row_missed_it_and_rows_written_during_the_run_stay()
    {
        var connectorId = Guid.NewGuid().ToString("N");
        var hashes = product.Services.GetRequiredService<HashStore>();
        var purge = product.Services.GetRequiredService<UnseenHashPurge>();
        await hashes.SaveAsync(connectorId, IncomingKind.Companies, Objects(Enumerable.Range(0, 250)), CancellationToken.None);
        var runStart = DateTimeOffset.UtcNow.AddSeconds(5);
        await Task.Delay(TimeSpan.FromSeconds(6));
        // Written after the run started (an object created meanwhile): never a candidate in this run.
        await hashes.SaveAsync(connectorId, IncomingKind.Companies, Objects([900]), CancellationToken.None);

        // Objects 0..209 still in Planhat, 210..249 gone; run 1 did not list 900 (created after it passed), later runs do;
        // run 2 skips object 5 (offset paging while something else was deleted), run 3 sees it again.
        var run1 = Seen(Enumerable.Range(0, 210));
        var run2 = Seen(Enumerable.Range(0, 210).Where(i => i != 5).Append(900));
        var run3 = Seen(Enumerable.Range(0, 210).Append(900));

        Assert.Equal((0, 40), await purge.RunAsync(connectorId, IncomingKind.Companies, runStart, "job-1", null, run1, CancellationToken.None));
        Assert.Equal((40, 1), await purge.RunAsync(connectorId, IncomingKind.Companies, DateTimeOffset.UtcNow, "job-2", "job-1", run2, CancellationToken.None));
        Assert.Equal((0, 0), await purge.RunAsync(connectorId, IncomingKind.Companies, DateTimeOffset.UtcNow, "job-3", "job-2", run3, CancellationToken.None));

        var left = await hashes.ReadAsync(connectorId, IncomingKind.Companies, Enumerable.Range(0, 250).Append(900).Select(Id), CancellationToken.None);
        Assert.Equal(Enumerable.Range(0, 210).Append(900).Select(Id).Order(), left.Keys.Order());
    }

    [Fact]
    public async Task A_hash_row_changed_after_the_purge_read_it_is_kept()
    {
        var connectorId = Guid.NewGuid().ToString("N");
        var table = Storage.Table(StorageNames.HashesTable);
        var partition = HashStore.Partition(connectorId, IncomingKind.Endusers);
        await Storage.EnsureCreatedAsync();
        await table.AddEntityAsync(new TableEntity(partition, "a") { [UnseenHashPurge.MissedByColumn] = "job-1" });
        await table.AddEntityAsync(new TableEntity(partition, "b") { [UnseenHashPurge.MissedByColumn] = "job-1" });
        var stale = (await table.GetEntityAsync<TableEntity>(partition, "a")).Value;
        await table.UpdateEntityAsync(new TableEntity(partition, "a") { ["Hash"] = "new" }, Azure.ETag.All, TableUpdateMode.Merge);

        var applied = await ConditionalBatches.SubmitAsync(table, Actions(
            new TableTransactionAction(TableTransactionActionType.Delete, stale, stale.ETag),
            new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(partition, "b"), (await table.GetEntityAsync<TableEntity>(partition, "b")).Value.ETag)),
            CancellationToken.None);

        Assert.Equal((1, 0), applied);
        Assert.Equal(["a"], await RowKeysAsync(table, [(partition, "a"), (partition, "b")]));
    }

    private static async IAsyncEnumerable<TableTransactionAction> Actions(params TableTransactionAction[] actions)
    {
        foreach (var action in actions)
        {
            yield return action;
        }

        await Task.CompletedTask;
    }

    private static async Task<List<string>> RowKeysAsync(TableClient table, IEnumerable<(string Partition, string RowKey)> keys)
    {
        var found = new List<string>();
        foreach (var (partition, rowKey) in keys)
        {
            if ((await table.GetEntityIfExistsAsync<TableEntity>(partition, rowKey)).HasValue)
            {
                found.Add(rowKey);
            }
        }

        return found;
    }

    private static SeenIds Seen(IEnumerable<int> range)
    {
        var seen = new SeenIds();
        seen.Add(range.Select(i => new JsonObject { ["_id"] = Id(i) }));
        return seen;
    }

    private static string Id(int i) => $"id{i:D5}";

    private static IEnumerable<IncomingObject> Objects(IEnumerable<int> range) =>
        range.Select(i => new IncomingObject(Id(i), new JsonObject { ["anonymous_id"] = "planhat:" + Id(i) }, [], $"hash-{i}"));

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
