using System.Text.Json.Nodes;
using Azure.Data.Tables;
using HullPlanhat.Core.Storage;
using HullPlanhat.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace HullPlanhat.Tests.Storage;

/// <summary>Every notification carries the connector's settings; the record is written when they change, not per notification.</summary>
[Collection(ProductCollection.Name)]
public sealed class ConnectorRecordWritesTests(ProductFixture product)
{
    private TableClient RawConnectors => product.Services.GetRequiredService<StorageClients>().Table(StorageNames.ConnectorsTable);

    [Fact]
    public async Task The_same_values_again_are_not_written_and_changed_ones_are()
    {
        var registry = product.Services.GetRequiredService<ConnectorRegistry>();
        var id = Guid.NewGuid().ToString("N");
        await registry.SaveAsync(Record(id, "first", DateTimeOffset.UtcNow), CancellationToken.None);
        var written = await ETagAsync(id);

        await registry.SaveAsync(Record(id, "first", DateTimeOffset.UtcNow.AddSeconds(5)), CancellationToken.None);
        Assert.Equal(written, await ETagAsync(id));

        await registry.SaveAsync(Record(id, "second", DateTimeOffset.UtcNow.AddSeconds(10)), CancellationToken.None);
        Assert.NotEqual(written, await ETagAsync(id));
        var stored = await registry.FindAsync(id, CancellationToken.None);
        Assert.Equal("second", stored!.PrivateSettings["tenant_id"]!.ToString());
    }

    [Fact]
    public async Task Handlers_that_find_the_cache_run_out_together_share_one_read()
    {
        var id = Guid.NewGuid().ToString("N");
        await product.Services.GetRequiredService<ConnectorRegistry>().SaveAsync(Record(id, "shared", DateTimeOffset.UtcNow), CancellationToken.None);
        using var storage = CountedStorage.Of(product);
        await storage.Clients.EnsureCreatedAsync();
        var coldRegistry = new ConnectorRegistry(storage.Clients, TimeProvider.System, product.Services.GetRequiredService<ConnectorSecretProtector>());

        var found = await Task.WhenAll(Enumerable.Range(0, 100).Select(_ => Task.Run(() => coldRegistry.FindAsync(id, CancellationToken.None))));

        Assert.All(found, record => Assert.Equal("shared", record!.PrivateSettings["tenant_id"]!.ToString()));
        Assert.Equal(1, storage.Count("table", "point-read", StorageNames.ConnectorsTable));
    }

    private static ConnectorRecord Record(string id, string tenant, DateTimeOffset at) =>
        new(id, "org.hullapp.io", "secret-0123456789abcdef0123456789", "Writes", new JsonObject { ["tenant_id"] = tenant, ["personal_acccess_token"] = "token-0123456789" }, at);

    private async Task<string> ETagAsync(string id) => (await RawConnectors.GetEntityAsync<TableEntity>("connector", TableKeys.Encode(id))).Value.ETag.ToString();
}
