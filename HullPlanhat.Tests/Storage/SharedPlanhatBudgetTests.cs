using HullPlanhat.Core.Planhat;
using HullPlanhat.Core.Storage;
using HullPlanhat.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace HullPlanhat.Tests.Storage;

/// <summary>Two instances on one Azurite share one Planhat budget per token.</summary>
[Collection(ProductCollection.Name)]
public sealed class SharedPlanhatBudgetTests(ProductFixture product)
{
    [Fact]
    public async Task Two_instances_together_never_take_more_than_one_windows_share_of_a_tokens_budget()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 10, 0, 0, TimeSpan.Zero));
        var options = Options.Create(new PlanhatOptions { RequestsPerMinute = 120 });
        var storage = product.Services.GetRequiredService<StorageClients>();
        SharedPlanhatBudget First() => new(storage, options, clock, NullLogger<SharedPlanhatBudget>.Instance);
        var instances = new[] { First(), First() };
        var token = Guid.NewGuid().ToString("N");
        var share = instances[0].PermitsPerWindow;
        Assert.Equal(17, share); // 120 a minute over 6 windows of 10 s, + 1 for a span across 7 of them

        var calls = Enumerable.Range(0, 3 * share).Select(i => instances[i % 2].WaitAsync(token, CancellationToken.None).AsTask()).ToList();

        // Another token has a budget of its own.
        await instances[1].WaitAsync(Guid.NewGuid().ToString("N"), CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(30));

        // Window by window, both instances together never get more than one share; the calls all get through.
        var done = 0;
        for (var window = 0; window < 8 && done < calls.Count; window++)
        {
            var now = await SettledCountAsync(calls);
            Assert.InRange(now - done, window < 2 ? 1 : 0, share);
            done = now;
            clock.Advance(SharedPlanhatBudget.Window + TimeSpan.FromMilliseconds(100)); // past the jitter of the waits
        }

        Assert.Equal(calls.Count, await SettledCountAsync(calls));
        Assert.All(calls, c => Assert.True(c.IsCompletedSuccessfully));
    }

    /// <summary>How many calls completed once no more complete (nothing else can happen until the fake clock moves).</summary>
    private static async Task<int> SettledCountAsync(List<Task> calls)
    {
        var count = -1;
        for (var stable = 0; stable < 20; )
        {
            await Task.Delay(100);
            var now = calls.Count(c => c.IsCompleted);
            stable = now == count ? stable + 1 : 0;
            count = now;
        }

        return count;
    }
}
