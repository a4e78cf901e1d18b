using Azure.Data.Tables;
using HullPlanhat.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace HullPlanhat.Tests.Storage;

/// <summary>
/// Every test and benchmark runs on Azurite with <c>eng/azurite-patches.cjs</c>, which answers
/// queries that fix a PartitionKey by visiting rows in key order. These cases hold it to what Azure
/// answers: the rows of the filter, in ordinal key order, page after page, while rows are added and
/// removed between pages, next to other partitions whose keys sort before and after.
/// </summary>
[Collection(ProductCollection.Name)]
public sealed class EmulatorKeyOrderTests(ProductFixture product) : IAsyncLifetime
{
    private readonly string name = "keyorder" + Guid.NewGuid().ToString("N")[..12];
    private readonly SortedDictionary<(string Partition, string Row), int> expected = new(Comparer<(string Partition, string Row)>.Create(
        (a, b) => string.CompareOrdinal(a.Partition, b.Partition) is var p and not 0 ? p : string.CompareOrdinal(a.Row, b.Row)));
    private TableClient table = null!;

    public async Task InitializeAsync()
    {
        table = new TableClient(product.Services.GetRequiredService<IConfiguration>()["AzureWebJobsStorage"], name);
        await table.CreateAsync();
        var random = new Random(7);
        // Row keys of mixed shapes (digits, case, quotes, non-ASCII) in random order, in the partition under test and either side of it.
        var rows = Enumerable.Range(0, 1500).Select(i => ("p", RowKey(i, random)))
            .Concat(Enumerable.Range(0, 200).Select(i => ("o", $"r{i}")))
            .Concat(Enumerable.Range(0, 200).Select(i => ("q", $"r{i}")))
            .DistinctBy(r => r).OrderBy(_ => random.Next()).ToList();
        foreach (var group in rows.GroupBy(r => r.Item1))
        {
            foreach (var chunk in group.Chunk(100))
            {
                await table.SubmitTransactionAsync(chunk.Select(r => new TableTransactionAction(TableTransactionActionType.Add, Row(r.Item1, r.Item2, random.Next(10)))));
            }
        }
    }

    [Fact]
    public async Task A_partition_read_page_by_page_returns_its_rows_in_key_order_while_rows_come_and_go()
    {
        var seen = new List<string>();
        var pages = 0;
        string? continuation = null;
        do
        {
            var page = await table.QueryAsync<TableEntity>("PartitionKey eq 'p'", maxPerPage: 100).AsPages(continuation).FirstAsync();
            seen.AddRange(page.Values.Select(e => e.RowKey));
            continuation = page.ContinuationToken;
            Assert.True(++pages < 100, "the continuation does not advance");
            if (pages == 3)
            {
                // Between pages: a row ahead of the reader is added, one ahead is removed, and one behind it is removed.
                var ahead = expected.Keys.Where(k => k.Partition == "p").Last();
                await table.DeleteEntityAsync("p", ahead.Row);
                expected.Remove(ahead);
                await table.DeleteEntityAsync("p", seen[10]);
                await table.AddEntityAsync(Row("p", "ÿÿ-last", 1));
            }
        }
        while (continuation is not null);

        // The removed row behind the reader was read before it went (it stays in the expectation); the one ahead never is.
        Assert.True(pages > 10);
        Assert.Equal(expected.Keys.Where(k => k.Partition == "p").Select(k => k.Row), seen);
    }

    [Theory]
    [InlineData("PartitionKey eq 'p' and RowKey ge 'b' and RowKey lt 'm'")]
    [InlineData("(PartitionKey eq 'p') and (RowKey gt '5') and (Value ge 4)")]
    [InlineData("PartitionKey eq 'p' and RowKey le '3'")]
    [InlineData("PartitionKey eq 'p' and RowKey eq 'it''s-3'")]
    [InlineData("PartitionKey eq 'p' or PartitionKey eq 'q'")]
    [InlineData("PartitionKey ge 'p' and RowKey lt 'r1'")]
    public async Task A_filtered_query_returns_the_rows_Azure_would_in_key_order(string filter)
    {
        var rows = await table.QueryAsync<TableEntity>(filter, maxPerPage: 37).Select(e => $"{e.PartitionKey}/{e.RowKey}").ToListAsync();

        var all = await table.QueryAsync<TableEntity>().ToListAsync(); // no filter: Azurite's own scan
        var matching = all.Where(e => Matches(filter, e)).Select(e => $"{e.PartitionKey}/{e.RowKey}").ToList();
        Assert.NotEmpty(matching);
        Assert.Equal(matching, rows);
    }

    [Fact]
    public async Task Rows_added_and_removed_in_bursts_are_read_in_key_order_before_and_after_the_index_folds_them_in()
    {
        // Bursts under and over the index's fold point (1,024 waiting inserts and removals): reads see
        // rows still waiting beside the main list, removed rows never, and a removed key added again once.
        var random = new Random(11);
        var next = 0;
        foreach (var (adds, removes) in new[] { (30, 10), (300, 200), (1200, 50), (20, 900), (5, 5) })
        {
            var added = Enumerable.Range(next, adds).Select(i => RowKey(i, random)).Append($"re-{next % 7}").Distinct()
                .Where(k => !expected.ContainsKey(("p", k))).ToList();
            next += adds;
            foreach (var chunk in added.Chunk(100))
            {
                await table.SubmitTransactionAsync(chunk.Select(k => new TableTransactionAction(TableTransactionActionType.Add, Row("p", k, random.Next(10)))));
            }

            var gone = expected.Keys.Where(k => k.Partition == "p").OrderBy(_ => random.Next()).Take(removes).ToList();
            foreach (var chunk in gone.Chunk(100))
            {
                await table.SubmitTransactionAsync(chunk.Select(k => new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity("p", k.Row))));
            }

            gone.ForEach(k => expected.Remove(k));
            var rows = await table.QueryAsync<TableEntity>("PartitionKey eq 'p'", maxPerPage: 257).Select(e => e.RowKey).ToListAsync();
            Assert.Equal(expected.Keys.Where(k => k.Partition == "p").Select(k => k.Row), rows);
            var from = expected.Keys.Where(k => k.Partition == "p").ElementAt(rows.Count / 2).Row;
            var tail = await table.QueryAsync<TableEntity>(e => e.PartitionKey == "p" && e.RowKey.CompareTo(from) >= 0, maxPerPage: 100).Select(e => e.RowKey).ToListAsync();
            Assert.Equal(rows.SkipWhile(r => r != from), tail);
        }
    }

    [Fact]
    public async Task A_replaced_row_keeps_its_place_holds_only_the_new_columns_and_a_failed_transaction_leaves_it_as_it_was()
    {
        var keys = expected.Keys.Where(k => k.Partition == "p").Select(k => k.Row).ToList();
        var (first, second) = (keys[100], keys[101]);
        var before = (await table.GetEntityAsync<TableEntity>("p", first)).Value;

        await table.UpsertEntityAsync(new TableEntity("p", first) { ["Other"] = "new" }, TableUpdateMode.Replace);
        var replaced = (await table.GetEntityAsync<TableEntity>("p", first)).Value;
        Assert.Equal("new", replaced.GetString("Other"));
        Assert.False(replaced.ContainsKey("Value"));
        Assert.NotEqual(before.ETag, replaced.ETag);
        Assert.Equal(409, (await Assert.ThrowsAsync<Azure.RequestFailedException>(() => table.AddEntityAsync(new TableEntity("p", first)))).Status);
        Assert.Equal(412, (await Assert.ThrowsAsync<Azure.RequestFailedException>(() =>
            table.UpdateEntityAsync(new TableEntity("p", first) { ["Other"] = "stale" }, before.ETag, TableUpdateMode.Replace))).Status);

        // All or nothing: the replace of the first row is undone when adding the second (which exists) fails.
        await Assert.ThrowsAsync<TableTransactionFailedException>(() => table.SubmitTransactionAsync([
            new TableTransactionAction(TableTransactionActionType.UpdateReplace, new TableEntity("p", first) { ["Other"] = "lost" }, replaced.ETag),
            new TableTransactionAction(TableTransactionActionType.Add, new TableEntity("p", second)),
        ]));
        var after = (await table.GetEntityAsync<TableEntity>("p", first)).Value;
        Assert.Equal("new", after.GetString("Other"));
        Assert.Equal(replaced.ETag, after.ETag);

        expected.Remove(("p", first));
        expected[("p", first)] = 0;
        var rows = await table.QueryAsync<TableEntity>("PartitionKey eq 'p'", maxPerPage: 500).Select(e => e.RowKey).ToListAsync();
        Assert.Equal(expected.Keys.Where(k => k.Partition == "p").Select(k => k.Row), rows);
        Assert.Single(rows, first);
    }

    private static bool Matches(string filter, TableEntity e)
    {
        int Row(string s) => string.CompareOrdinal(e.RowKey, s);
        return filter switch
        {
            "PartitionKey eq 'p' and RowKey ge 'b' and RowKey lt 'm'" => e.PartitionKey == "p" && Row("b") >= 0 && Row("m") < 0,
            "(PartitionKey eq 'p') and (RowKey gt '5') and (Value ge 4)" => e.PartitionKey == "p" && Row("5") > 0 && e.GetInt32("Value") >= 4,
            "PartitionKey eq 'p' and RowKey le '3'" => e.PartitionKey == "p" && Row("3") <= 0,
            "PartitionKey eq 'p' and RowKey eq 'it''s-3'" => e.PartitionKey == "p" && e.RowKey == "it's-3",
            "PartitionKey eq 'p' or PartitionKey eq 'q'" => e.PartitionKey is "p" or "q",
            "PartitionKey ge 'p' and RowKey lt 'r1'" => string.CompareOrdinal(e.PartitionKey, "p") >= 0 && Row("r1") < 0,
            _ => throw new ArgumentException(filter),
        };
    }

    private TableEntity Row(string partition, string row, int value)
    {
        expected[(partition, row)] = value;
        return new TableEntity(partition, row) { ["Value"] = value };
    }

    private static string RowKey(int i, Random random) => (i % 5) switch
    {
        0 => $"{random.Next(100000)}",
        1 => $"user-{i}",
        2 => $"User-{i}",
        3 => i == 3 ? "it's-3" : $"it's-{i}",
        _ => $"é{random.Next(1000)}-ü{i}",
    };

    public Task DisposeAsync() => table.DeleteAsync();
}
