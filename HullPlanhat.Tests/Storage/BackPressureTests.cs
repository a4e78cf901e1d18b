using HullPlanhat.Core.Hosting;
using HullPlanhat.Core.Intake;
using HullPlanhat.Core.Storage;
using HullPlanhat.Testing;
using HullPlanhat.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace HullPlanhat.Tests.Storage;

/// <summary>
/// Back-pressure through Hull's flow control: a deep per-object queue makes the <c>next</c> answer
/// wait longer and ask for less, in proportion to the depth; a shallow one changes nothing.
/// </summary>
public sealed class BackPressureTests
{
    private static readonly FlowControlOptions Options = new() { UserSize = 200, In = 5, BackPressureDepth = 2_000, MaxBackPressureIn = 60_000 };

    [Theory]
    [InlineData(0, 200, 5)]
    [InlineData(1_999, 200, 5)]
    [InlineData(2_000, 200, 1_000)]
    [InlineData(4_000, 100, 2_000)]
    [InlineData(20_000, 20, 10_000)]
    [InlineData(10_000_000, 1, 60_000)]
    public void The_answer_slows_in_proportion_to_the_queue_depth(long depth, int size, int wait)
    {
        var answer = QueueBackPressure.Slowed(Options.Next(Core.Hull.HullChannels.UserUpdate), depth, Options);
        Assert.Equal(("next", size, wait), (answer.Type, answer.Size, answer.In));
    }

    [Fact]
    public async Task A_deep_queue_is_read_from_storage_and_slows_the_next_answer()
    {
        // A private Azurite: these queue names are the product's, and a shared one's depth is other tests' business.
        await using var azurite = await AzuriteProcess.StartAsync(privateInstance: true);
        var storage = new StorageClients(new ConfigurationBuilder().AddInMemoryCollection([new("AzureWebJobsStorage", azurite.ConnectionString)]).Build());
        var options = new FlowControlOptions { BackPressureDepth = 40 };
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var backPressure = new QueueBackPressure(storage, Microsoft.Extensions.Options.Options.Create(options), clock, NullLogger<QueueBackPressure>.Instance);

        Assert.Equal(options.Next(Core.Hull.HullChannels.UserUpdate), await backPressure.NextAsync(Core.Hull.HullChannels.UserUpdate, CancellationToken.None));
        // A reading that failed (a just-started emulator under the suite's load) is unknown and leaves nothing cached: wait for one that worked.
        await ProductFixture.WaitUntilAsync(async () => await backPressure.QueuedOrUnknownAsync(CancellationToken.None) == 0, "a first depth was read");

        await Task.WhenAll(Enumerable.Range(0, 80).Select(i => storage.Queue(i % 2 == 0 ? TriggerTable.UsersQueue : TriggerTable.AccountsQueue).SendMessageAsync($"m{i}")));
        Assert.Equal(options.Next(Core.Hull.HullChannels.UserUpdate), await backPressure.NextAsync(Core.Hull.HullChannels.UserUpdate, CancellationToken.None));

        // Older than CacheFor: the last depth is answered at once while the fresh one is read in the background.
        clock.Advance(QueueBackPressure.CacheFor);
        Assert.Equal(options.Next(Core.Hull.HullChannels.UserUpdate), await backPressure.NextAsync(Core.Hull.HullChannels.UserUpdate, CancellationToken.None));
        FlowControl? slowed = null;
        await ProductFixture.WaitUntilAsync(async () => (slowed = await backPressure.NextAsync(Core.Hull.HullChannels.UserUpdate, CancellationToken.None)).Size < 200,
            "the fresh depth was read");
        Assert.Equal(("next", 100, 2_000), (slowed!.Type, slowed.Size, slowed.In));

        // Past ServeStaleFor the answer waits for a fresh reading.
        await Task.WhenAll(Enumerable.Range(0, 40).Select(i => storage.Queue(TriggerTable.UsersQueue).SendMessageAsync($"n{i}")));
        clock.Advance(QueueBackPressure.ServeStaleFor);
        Assert.Equal(("next", 66, 3_000), Flow(await backPressure.NextAsync(Core.Hull.HullChannels.UserUpdate, CancellationToken.None)));
    }

    private static (string, int, int) Flow(FlowControl flow) => (flow.Type, flow.Size, flow.In);
}
