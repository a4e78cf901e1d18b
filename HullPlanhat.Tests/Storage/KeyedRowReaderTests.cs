using Azure.Data.Tables;
using HullPlanhat.Core.Storage;
using HullPlanhat.Tests.Infrastructure;

namespace HullPlanhat.Tests.Storage;

/// <summary>
/// The flusher's reads of many keys (sync state, sent events, company ids) on Azurite: keys lying
/// together cost one range query, keys scattered over a large partition cost a bounded range plus
/// point reads — never a scan of the partition.
/// </summary>
[Collection(ProductCollection.Name)]
public sealed class KeyedRowReaderTests(ProductFixture product) : IAsyncLifetime, IDisposable
{
    private const int Rows = 3000;
    private readonly CountedStorage storage = CountedStorage.Of(product);
    private readonly string partition = Guid.NewGuid().ToString("N");
    private TableClient table = null!;

    public async Task InitializeAsync()
    {
        await storage.Clients.EnsureCreatedAsync();
        table = storage.Clients.Table(StorageNames.SyncStateTable);
        foreach (var chunk in Enumerable.Range(0, Rows).Chunk(100))
        {
            await table.SubmitTransactionAsync(chunk.Select(i => new TableTransactionAction(TableTransactionActionType.UpsertReplace,
                new TableEntity(partition, Key(i)) { ["Value"] = i })));
        }

        storage.Reset(); // only the reads are counted
    }

    [Fact]
    public async Task Keys_lying_together_cost_one_range_query_and_no_point_read()
    {
        var keys = Enumerable.Range(1000, 450).Select(Key).Append(Key(1200) + "-absent").ToList();
        var found = await KeyedRowReader.ReadAsync(table, partition, keys, ["Value"], CancellationToken.None);

        Assert.Equal(450, found.Count);
        Assert.Equal(1049, found[Key(1049)].GetInt32("Value"));
        Assert.Equal((1, 0), (Count("query"), Count("point-read")));
    }

    [Fact]
    public async Task Keys_scattered_over_a_large_partition_cost_a_bounded_range_then_point_reads()
    {
        // 10 keys spread over 3,000 rows: the range may return 320 rows (reaching 2 of them), then the rest are point reads.
        var keys = Enumerable.Range(0, 10).Select(i => Key(i * 300 + 7)).ToList();
        var found = await KeyedRowReader.ReadAsync(table, partition, keys, ["Value"], CancellationToken.None);

        Assert.Equal(keys.Order(StringComparer.Ordinal), found.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(1, Count("query"));
        Assert.Equal(8, Count("point-read"));
    }

    [Fact]
    public async Task Keys_among_twenty_times_as_many_other_rows_are_read_by_the_range_alone()
    {
        // The companies of a chunk of users, the accounts of one flush among the previous ones: 150 keys in a range of 2,981 rows.
        var keys = Enumerable.Range(0, 150).Select(i => Key(i * 20)).ToList();
        var found = await KeyedRowReader.ReadAsync(table, partition, keys, ["Value"], CancellationToken.None);

        Assert.Equal(150, found.Count);
        Assert.Equal((3, 0), (Count("query"), Count("point-read")));
    }

    [Fact]
    public async Task A_key_far_below_the_rest_is_jumped_from_not_paged_through()
    {
        // A straggler staged long before the rest of its chunk: 2,950 rows lie between it and the other 50 keys,
        // more than the budget of 51 keys. Paging on from it would spend the budget in the gap and point-read the 50.
        var keys = Enumerable.Range(2950, 50).Select(Key).Prepend(Key(0)).ToList();
        var found = await KeyedRowReader.ReadAsync(table, partition, keys, ["Value"], CancellationToken.None);

        Assert.Equal(51, found.Count);
        Assert.Equal((2, 0), (Count("query"), Count("point-read")));
    }

    [Fact]
    public async Task Two_clusters_of_missing_keys_cost_a_query_each()
    {
        // New objects' keys (not stored yet) beside stored ones, in two clusters 2,000 rows apart.
        var keys = Enumerable.Range(500, 40).Concat(Enumerable.Range(2500, 40)).Select(i => Key(i) + "-new").ToList();
        var found = await KeyedRowReader.ReadAsync(table, partition, keys, ["Value"], CancellationToken.None);

        Assert.Empty(found);
        Assert.Equal((2, 0), (Count("query"), Count("point-read")));
    }

    [Fact]
    public async Task Many_keys_are_read_in_segments_side_by_side()
    {
        var keys = Enumerable.Range(0, 1200).Select(Key).ToList();
        var found = await KeyedRowReader.ReadAsync(table, partition, keys, ["Value"], CancellationToken.None);

        Assert.Equal(1200, found.Count);
        Assert.Equal((2, 0), (Count("query"), Count("point-read"))); // 1,000 + 200 keys, one range each
    }

    private long Count(string operation) => storage.Count("table", operation);

    private static string Key(int i) => $"k{i:D5}";

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => storage.Dispose();
}
