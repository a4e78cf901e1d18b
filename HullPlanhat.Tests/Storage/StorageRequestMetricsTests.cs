using Azure.Data.Tables;
using HullPlanhat.Core.Storage;
using HullPlanhat.Tests.Infrastructure;

namespace HullPlanhat.Tests.Storage;

/// <summary>
/// The storage request counter on Azurite: a receive that brings messages and an idle poll are told
/// apart, so requests per object can be read without the clock-driven polling.
/// </summary>
[Collection(ProductCollection.Name)]
public sealed class StorageRequestMetricsTests(ProductFixture product)
{
    [Fact]
    public async Task An_empty_poll_is_counted_apart_from_a_receive_that_brings_messages()
    {
        using var storage = CountedStorage.Of(product);
        var queue = storage.Clients.Queue("metrics-" + Guid.NewGuid().ToString("N")[..12]);
        await queue.CreateAsync();

        Assert.Empty((await queue.ReceiveMessagesAsync(32)).Value);
        Assert.Empty((await queue.ReceiveMessagesAsync(32)).Value);
        await queue.SendMessageAsync("one");
        await queue.SendMessageAsync("two");
        var received = (await queue.ReceiveMessagesAsync(32)).Value;

        Assert.Equal(2, received.Length);
        Assert.Equal(2, storage.Count("queue", "receive-empty"));
        Assert.Equal(1, storage.Count("queue", "receive"));
        Assert.Equal(2, storage.Count("queue", "send"));
        await queue.DeleteAsync();
    }

    [Fact]
    public async Task Every_table_request_is_counted_with_its_table()
    {
        using var storage = CountedStorage.Of(product);
        var table = storage.Clients.Table("metrics" + Guid.NewGuid().ToString("N")[..12]);
        await table.CreateAsync();

        await table.AddEntityAsync(new TableEntity("p", "r"));
        await table.GetEntityIfExistsAsync<TableEntity>("p", "r");
        await table.QueryAsync<TableEntity>("PartitionKey eq 'p'").ToListAsync();
        await table.SubmitNamedTransactionAsync([new(TableTransactionActionType.Delete, new TableEntity("p", "r"))], CancellationToken.None);

        Assert.Equal((1, 1, 1, 1), (storage.Count("table", "insert", table.Name), storage.Count("table", "point-read", table.Name),
            storage.Count("table", "query", table.Name), storage.Count("table", "transaction", table.Name)));
        await table.DeleteAsync();
    }
}
