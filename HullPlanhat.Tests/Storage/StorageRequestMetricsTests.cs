using System.Diagnostics.Metrics;
using HullPlanhat.Core.Storage;
using HullPlanhat.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace HullPlanhat.Tests.Storage;

/// <summary>
/// The storage request counter on Azurite: a receive that brings messages and an idle poll are told
/// apart, so requests per object can be read without the clock-driven polling.
/// </summary>
[Collection(ProductCollection.Name)]
public sealed class StorageRequestMetricsTests(ProductFixture product) : IDisposable
{
    private readonly ServiceProvider services = new ServiceCollection().AddMetrics().BuildServiceProvider();

    [Fact]
    public async Task An_empty_poll_is_counted_apart_from_a_receive_that_brings_messages()
    {
        var meters = services.GetRequiredService<IMeterFactory>();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection([new("AzureWebJobsStorage", product.Services.GetRequiredService<IConfiguration>()["AzureWebJobsStorage"])]).Build();
        var queue = new StorageClients(configuration, new StorageRequestMetrics(meters)).Queue("metrics-" + Guid.NewGuid().ToString("N")[..12]);
        await queue.CreateAsync();
        using var tally = new StorageRequestTally(meters);

        Assert.Empty((await queue.ReceiveMessagesAsync(32)).Value);
        Assert.Empty((await queue.ReceiveMessagesAsync(32)).Value);
        await queue.SendMessageAsync("one");
        await queue.SendMessageAsync("two");
        var received = (await queue.ReceiveMessagesAsync(32)).Value;

        Assert.Equal(2, received.Length);
        Assert.Equal(2, tally.Count("queue", "receive-empty"));
        Assert.Equal(1, tally.Count("queue", "receive"));
        Assert.Equal(2, tally.Count("queue", "send"));
        await queue.DeleteAsync();
    }

    [Fact]
    public async Task Every_table_request_is_counted_with_its_table()
    {
        var meters = services.GetRequiredService<IMeterFactory>();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection([new("AzureWebJobsStorage", product.Services.GetRequiredService<IConfiguration>()["AzureWebJobsStorage"])]).Build();
        var table = new StorageClients(configuration, new StorageRequestMetrics(meters)).Table("metrics" + Guid.NewGuid().ToString("N")[..12]);
        await table.CreateAsync();
        using var tally = new StorageRequestTally(meters);

        await table.AddEntityAsync(new Azure.Data.Tables.TableEntity("p", "r"));
        await table.GetEntityIfExistsAsync<Azure.Data.Tables.TableEntity>("p", "r");
        await table.QueryAsync<Azure.Data.Tables.TableEntity>("PartitionKey eq 'p'").ToListAsync();
        await table.SubmitNamedTransactionAsync([new(Azure.Data.Tables.TableTransactionActionType.Delete, new Azure.Data.Tables.TableEntity("p", "r"))], CancellationToken.None);

        Assert.Equal((1, 1, 1, 1), (tally.Count("table", "insert", table.Name), tally.Count("table", "point-read", table.Name),
            tally.Count("table", "query", table.Name), tally.Count("table", "transaction", table.Name)));
        await table.DeleteAsync();
    }

    public void Dispose() => services.Dispose();
}
