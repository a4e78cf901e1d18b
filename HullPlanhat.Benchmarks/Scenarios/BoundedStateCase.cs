using System.Diagnostics;
using System.Text.Json.Nodes;
using Azure.Data.Tables;
using HullPlanhat.Core.Incoming;
using HullPlanhat.Core.Outgoing.Users;
using HullPlanhat.Core.Storage;
using HullPlanhat.Testing;
using HullPlanhat.Testing.Reliability;
using Microsoft.Extensions.Configuration;

namespace HullPlanhat.Benchmarks.Scenarios;

/// <summary>
/// Case 6: the state tables after a million events, written straight through the stores the flusher
/// and the fetchers use (no Planhat, no queues). Time is compressed: each "day" is one block of
/// writes, and after each the sent-event ledger is purged as <see cref="SentEventExpiry"/> does
/// with a retention of <c>retentionDays</c> such days. Hash rows are one per Planhat object, replaced.
/// </summary>
public static class BoundedStateCase
{
    public static async Task<ReliabilityRow> RunAsync(int events, int days, int retentionDays, int objects)
    {
        await using var azurite = await AzuriteProcess.StartAsync(privateInstance: true);
        var storage = new StorageClients(new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["AzureWebJobsStorage"] = azurite.ConnectionString }).Build());
        var ledger = new SentEventLedger(storage);
        var hashes = new HashStore(storage);
        const string connector = "bench-bounded-state";
        var perDay = events / days;
        var dayStarts = new List<DateTimeOffset>();
        var clock = Stopwatch.StartNew();
        var purged = 0;
        var purging = TimeSpan.Zero;
        for (var day = 0; day < days; day++)
        {
            dayStarts.Add(DateTimeOffset.UtcNow);
            for (var offset = 0; offset < perDay; offset += 10_000)
            {
                var block = Enumerable.Range(day * perDay + offset, Math.Min(10_000, perDay - offset)).ToList();
                await ledger.MarkSentAsync(connector, block.Select(i => ($"user-{i % 50_000}", $"event-{i}")), CancellationToken.None);
                await hashes.SaveAsync(connector, IncomingKind.Endusers,
                    block.Select(i => new IncomingObject($"{i % objects:x24}", new JsonObject(), [], $"hash-{i}")), CancellationToken.None);
            }

            if (day - retentionDays + 1 > 0)
            {
                var purge = Stopwatch.StartNew();
                purged += await ledger.PurgeAsync(connector, dayStarts[day - retentionDays + 1], CancellationToken.None);
                purging += purge.Elapsed;
            }

            Console.WriteLine($"  day {day + 1}/{days}: {(day + 1) * perDay:N0} events written, {purged:N0} ledger rows expired ({clock.Elapsed.TotalSeconds:0} s)");
        }

        var ledgerRows = await CountAsync(storage.Table(StorageNames.SyncStateTable), TableKeys.Encode(connector));
        var hashRows = await CountAsync(storage.Table(StorageNames.HashesTable), HashStore.Partition(connector, IncomingKind.Endusers));
        return new ReliabilityRow("6 bounded state", $"{events:N0} events over {days} days, {objects:N0} endusers changing",
            $"retention {retentionDays} days (compressed time)", 0, 0, null,
            $"sent-event rows: {ledgerRows:N0} (≤ {retentionDays} days × {perDay:N0}; {events:N0} without expiry), {purged:N0} expired in {purging.TotalSeconds:0} s; " +
            $"hash rows: {hashRows:N0} (one per object); {events * 2 / clock.Elapsed.TotalSeconds:N0} rows written/s");
    }

    private static async Task<int> CountAsync(TableClient table, string partition)
    {
        var count = 0;
        await foreach (var page in table.QueryAsync<TableEntity>(e => e.PartitionKey == partition, maxPerPage: 1000, select: ["PartitionKey"]).AsPages())
        {
            count += page.Values.Count;
        }

        return count;
    }
}
