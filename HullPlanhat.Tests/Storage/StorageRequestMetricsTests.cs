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
    private readonly MeterListener listener = new();
    private readonly Dictionary<string, long> counts = [];

    [Fact]
    public async Task An_empty_poll_is_counted_apart_from_a_receive_that_brings_messages()
    {
        var meters = services.GetRequiredService<IMeterFactory>();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection([new("AzureWebJobsStorage", product.Services.GetRequiredService<IConfiguration>()["AzureWebJobsStorage"])]).Build();
        var queue = new StorageClients(configuration, new StorageRequestMetrics(meters)).Queue("metrics-" + Guid.NewGuid().ToString("N")[..12]);
        await queue.CreateAsync();
        Listen(meters);

        Assert.Empty((await queue.ReceiveMessagesAsync(32)).Value);
        Assert.Empty((await queue.ReceiveMessagesAsync(32)).Value);
        await queue.SendMessageAsync("one");
        await queue.SendMessageAsync("two");
        var received = (await queue.ReceiveMessagesAsync(32)).Value;

        Assert.Equal(2, received.Length);
        Assert.Equal(2, counts.GetValueOrDefault("queue receive-empty"));
        Assert.Equal(1, counts.GetValueOrDefault("queue receive"));
        Assert.Equal(2, counts.GetValueOrDefault("queue send"));
        await queue.DeleteAsync();
    }

    private void Listen(IMeterFactory meters)
    {
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Name == StorageRequestMetrics.InstrumentName && ReferenceEquals(instrument.Meter.Scope, meters))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            var tagged = tags.ToArray();
            var key = $"{tagged.First(t => t.Key == "service").Value} {tagged.First(t => t.Key == "operation").Value}";
            lock (counts)
            {
                counts[key] = counts.GetValueOrDefault(key) + value;
            }
        });
        listener.Start();
    }

    public void Dispose()
    {
        listener.Dispose();
        services.Dispose();
    }
}
