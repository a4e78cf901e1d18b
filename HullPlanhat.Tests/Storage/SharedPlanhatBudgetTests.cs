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
        await WaitForAsync(() => calls.Count(c => c.IsCompleted) >= share);
        await Task.Delay(500);
        Assert.Equal(share, calls.Count(c => c.IsCompleted));

        // Another token has a budget of its own.
        await instances[1].WaitAsync(Guid.NewGuid().ToString("N"), CancellationToken.None);

        clock.Advance(SharedPlanhatBudget.Window + TimeSpan.FromMilliseconds(100)); // past the jitter of the waits
        await WaitForAsync(() => calls.Count(c => c.IsCompleted) >= 2 * share);
        await Task.Delay(500);
        Assert.Equal(2 * share, calls.Count(c => c.IsCompleted));

        clock.Advance(SharedPlanhatBudget.Window + TimeSpan.FromMilliseconds(100)); // past the jitter of the waits
        await WaitForAsync(() => calls.All(c => c.IsCompleted));
        Assert.True(calls.All(c => c.IsCompletedSuccessfully), $"{calls.Count(c => c.IsCompletedSuccessfully)} done, {calls.Count(c => c.IsFaulted)} faulted: {calls.FirstOrDefault(c => c.IsFaulted)?.Exception}");
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!condition() && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }
    }
}
