using System.Diagnostics;
using System.Text.Json.Nodes;
using Azure.Data.Tables;
using HullPlanhat.Core.Hull;
using HullPlanhat.Core.Incoming;
using HullPlanhat.Core.Outgoing.Users;
using HullPlanhat.Core.Storage;
using HullPlanhat.Testing;
using HullPlanhat.Testing.Reliability;
using Microsoft.Extensions.Configuration;

namespace HullPlanhat.Benchmarks.Scenarios;

/// <summary>
/// Case 6: the state tables after a million events, written straight through the stores the product
/// uses (no Planhat, no queues), and purged by the product's own purges. Time is compressed: each
/// "day" is one block of writes, then:
/// <list type="bullet">
/// <item>the sent-event ledger is purged as <see cref="SentEventExpiry"/> does, with a retention of <c>retentionDays</c> such days;</item>
/// <item>the notifications of the day (one per <see cref="EventsPerNotification"/> events) were claimed in
/// <c>notificationids</c> with tokens living one day, and <see cref="NotificationIdPurge"/> runs at the day's end;</item>
/// <item>the day's enduser changes are saved in <c>hashes</c>, and a complete import run's
/// <see cref="UnseenHashPurge"/> sees the endusers alive that day: each day <c>churn</c> endusers are
/// deleted in Planhat and as many created, so without the purge the table grows by <c>churn</c> a day.</item>
/// </list>
/// </summary>
public static class BoundedStateCase
{
    private const int EventsPerNotification = 100;
    private const int Block = 10_000;

    public static async Task<ReliabilityRow> RunAsync(int events, int days, int retentionDays, int objects, int churn)
    {
        await using var azurite = await AzuriteProcess.StartAsync(privateInstance: true);
        var storage = new StorageClients(new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["AzureWebJobsStorage"] = azurite.ConnectionString }).Build());
        var virtualTime = new VirtualClock(DateTimeOffset.UtcNow);
        var ledger = new SentEventLedger(storage);
        var hashes = new HashStore(storage);
        var unseen = new UnseenHashPurge(storage);
        var guard = new NotificationReplayGuard(storage, virtualTime);
        var notificationPurge = new NotificationIdPurge(storage, virtualTime);
        const string connector = "bench-bounded-state";
        var perDay = events / days;
        var dayStarts = new List<DateTimeOffset>();
        var clock = Stopwatch.StartNew();
        var (ledgerPurged, idsPurged, hashesPurged) = (0, 0, 0);
        var (peakIds, peakHashes) = (0, 0);
        var purging = TimeSpan.Zero;
        for (var day = 0; day < days; day++)
        {
            dayStarts.Add(DateTimeOffset.UtcNow);
            var importStart = DateTimeOffset.UtcNow;
            var firstAlive = day * churn; // endusers alive today: firstAlive .. firstAlive + objects - 1
            for (var offset = 0; offset < perDay; offset += Block)
            {
                var block = Enumerable.Range(day * perDay + offset, Math.Min(Block, perDay - offset)).ToList();
                await ledger.ClaimAsync(connector, block.Select(i => ($"user-{i % 50_000}", $"event-{i}")), CancellationToken.None);
                await hashes.SaveAsync(connector, IncomingKind.Endusers,
                    block.Select(i => new IncomingObject(PlanhatId(firstAlive + i % objects), new JsonObject(), [], $"hash-{i}")), CancellationToken.None);
                await Parallel.ForEachAsync(block.Where(i => i % EventsPerNotification == 0), new ParallelOptions { MaxDegreeOfParallelism = 16 },
                    async (i, ct) => await guard.ClaimAsync($"notification-{i}", virtualTime.GetUtcNow().AddDays(1), ct));
            }

            peakIds = Math.Max(peakIds, await CountAsync(storage.Table(NotificationReplayGuard.TableName), null));
            var purge = Stopwatch.StartNew();
            if (day - retentionDays + 1 > 0)
            {
                ledgerPurged += await ledger.PurgeAsync(connector, dayStarts[day - retentionDays + 1], CancellationToken.None);
            }

            virtualTime.Advance(TimeSpan.FromDays(1)); // the day ends: yesterday's tokens expire
            idsPurged += await notificationPurge.RunAsync(CancellationToken.None);
            var alive = new SeenIds();
            alive.Add(Enumerable.Range(firstAlive, objects).Select(o => new JsonObject { ["_id"] = PlanhatId(o) }));
            peakHashes = Math.Max(peakHashes, await CountAsync(storage.Table(StorageNames.HashesTable), HashStore.Partition(connector, IncomingKind.Endusers)));
            hashesPurged += (await unseen.RunAsync(connector, IncomingKind.Endusers, importStart, $"day-{day}", day > 0 ? $"day-{day - 1}" : null, alive, CancellationToken.None)).Deleted;
            purging += purge.Elapsed;

            Console.WriteLine($"  day {day + 1}/{days}: {(day + 1) * perDay:N0} events written; expired {ledgerPurged:N0} ledger rows, " +
                $"{idsPurged:N0} notification ids, {hashesPurged:N0} hashes ({clock.Elapsed.TotalSeconds:0} s)");
        }

        var ledgerRows = await CountAsync(storage.Table(StorageNames.SyncStateTable), TableKeys.Encode(connector));
        var idRows = await CountAsync(storage.Table(NotificationReplayGuard.TableName), null);
        var hashRows = await CountAsync(storage.Table(StorageNames.HashesTable), HashStore.Partition(connector, IncomingKind.Endusers));
        var notifications = events / EventsPerNotification;
        return new ReliabilityRow("6 bounded state", $"{events:N0} events over {days} days, {notifications:N0} notifications, {objects:N0} endusers, {churn:N0} replaced a day",
            $"retention {retentionDays} days, tokens 1 day (compressed time)", 0, 0, null,
            $"sent-event rows: {ledgerRows:N0} (≤ {retentionDays} days × {perDay:N0}; {events:N0} without expiry); " +
            $"notification ids: {idRows:N0} after the last purge, peak {peakIds:N0} (≤ 2 days × {perDay / EventsPerNotification:N0}; {notifications:N0} without expiry); " +
            $"hash rows: {hashRows:N0}, peak {peakHashes:N0} (≤ {objects:N0} alive + 2 days × {churn:N0}; {objects + (days - 1) * churn:N0} without purge); " +
            $"purges {purging.TotalSeconds:0} s of {clock.Elapsed.TotalSeconds:0} s; {events * 2 / clock.Elapsed.TotalSeconds:N0} rows written/s");
    }

    private static string PlanhatId(int n) => $"{n:x24}";

    /// <summary>Rows of a partition, or of the whole table when <paramref name="partition"/> is null.</summary>
    private static async Task<int> CountAsync(TableClient table, string? partition)
    {
        var count = 0;
        var filter = partition is null ? null : TableClient.CreateQueryFilter($"PartitionKey eq {partition}");
        await foreach (var page in table.QueryAsync<TableEntity>(filter, maxPerPage: 1000, select: ["PartitionKey"]).AsPages())
        {
            count += page.Values.Count;
        }

        return count;
    }

    private sealed class VirtualClock(DateTimeOffset start) : TimeProvider
    {
        private DateTimeOffset now = start;

        public override DateTimeOffset GetUtcNow() => now;

        public void Advance(TimeSpan by) => now += by;
    }
}
