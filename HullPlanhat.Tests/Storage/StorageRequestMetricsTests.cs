using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Azure.Data.Tables;
using HullPlanhat.Core.Storage;
using HullPlanhat.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace HullPlanhat.Tests.Storage;

/// <summary>
/// The storage request counter on Azurite: a receive that brings messages and an idle poll are told
/// apart, so requests per object can be read without the clock-driven polling; each request's time
/// is recorded under the same tags.
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

    [Fact]
    public async Task Each_request_time_is_recorded_once_under_the_tags_it_is_counted_with()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var meters = services.GetRequiredService<IMeterFactory>();
        var times = new ConcurrentQueue<((string Service, string Operation, string? Table) Tags, double Seconds)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Name == StorageRequestMetrics.DurationInstrumentName && ReferenceEquals(instrument.Meter.Scope, meters))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<double>((_, seconds, tags, _) => times.Enqueue((StorageRequestMetrics.AllTagsOf(tags), seconds)));
        listener.Start();
        var connection = product.Services.GetRequiredService<IConfiguration>()["AzureWebJobsStorage"]!;
        var clients = new StorageClients(new ConfigurationBuilder().AddInMemoryCollection([new("AzureWebJobsStorage", connection)]).Build(), new StorageRequestMetrics(meters));
        var table = clients.Table("durations" + Guid.NewGuid().ToString("N")[..12]);
        await table.CreateAsync();
        times.Clear();

        var elapsed = Stopwatch.StartNew();
        await table.AddEntityAsync(new TableEntity("p", "r"));
        await table.GetEntityIfExistsAsync<TableEntity>("p", "r");
        elapsed.Stop();

        Assert.Equal([("table", "insert", table.Name), ("table", "point-read", table.Name)], times.Select(t => t.Tags));
        Assert.All(times, t => Assert.InRange(t.Seconds, double.Epsilon, elapsed.Elapsed.TotalSeconds));
        await table.DeleteAsync();
    }
}
