using System.Text.Json.Nodes;
using HullPlanhat.Core.Incoming;
using HullPlanhat.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace HullPlanhat.Tests.Storage;

/// <summary>The hashes table on Azurite: range reads for ordered pages, point reads when ids are scattered.</summary>
[Collection(ProductCollection.Name)]
public sealed class HashStoreTests(ProductFixture product)
{
    private HashStore Store => product.Services.GetRequiredService<HashStore>();

    [Fact]
    public async Task Reads_every_stored_hash_of_a_contiguous_page_and_reports_new_ids_as_missing()
    {
        var connectorId = Guid.NewGuid().ToString("N");
        await Store.SaveAsync(connectorId, IncomingKind.Endusers, Objects(Enumerable.Range(0, 250)), CancellationToken.None);

        var read = await Store.ReadAsync(connectorId, IncomingKind.Endusers, Enumerable.Range(0, 260).Select(Id), CancellationToken.None);

        Assert.Equal(250, read.Count);
        Assert.Equal("hash-42", read[Id(42)].Hash);
        Assert.False(read.ContainsKey(Id(255)));
    }

    [Fact]
    public async Task Reads_scattered_ids_beyond_the_range_budget_with_point_reads()
    {
        var connectorId = Guid.NewGuid().ToString("N");
        await Store.SaveAsync(connectorId, IncomingKind.Companies, Objects(Enumerable.Range(0, 300)), CancellationToken.None);

        var read = await Store.ReadAsync(connectorId, IncomingKind.Companies, [Id(0), Id(150), Id(299), "not-stored"], CancellationToken.None);

        Assert.Equal([Id(0), Id(150), Id(299)], read.Keys.Order());
        Assert.Equal("planhat:" + Id(299), read[Id(299)].Claims!["anonymous_id"]!.ToString());
    }

    private static string Id(int i) => $"id{i:D5}";

    private static IEnumerable<IncomingObject> Objects(IEnumerable<int> range) =>
        range.Select(i => new IncomingObject(Id(i), new JsonObject { ["anonymous_id"] = "planhat:" + Id(i) }, [], $"hash-{i}"));
}
