using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace HullPlanhat.Core.Planhat;

/// <summary>
/// The per-token Planhat budget of this process (<see cref="PlanhatOptions.RequestsPerMinute"/>),
/// shared by every caller: it smooths this process's calls, while <see cref="SharedPlanhatBudget"/>
/// keeps the sum of all instances within the same budget. A singleton: HTTP handlers are recycled, the budget must not be.
/// </summary>
public sealed class PlanhatRateGate : IDisposable
{
    private static readonly TimeSpan ExhaustedPause = TimeSpan.FromSeconds(5);
    private readonly PartitionedRateLimiter<string> limiter;
    private readonly TimeProvider clock;
    private long pausedUntilTicks;

    public PlanhatRateGate(IOptions<PlanhatOptions> options, TimeProvider clock)
    {
        this.clock = clock;
        var perMinute = options.Value.RequestsPerMinute;
        limiter = PartitionedRateLimiter.Create<string, string>(connector =>
            RateLimitPartition.GetSlidingWindowLimiter(connector, _ => new SlidingWindowRateLimiterOptions
            {
                PermitLimit = perMinute,
                Window = TimeSpan.FromMinutes(1),
                SegmentsPerWindow = 12,
                QueueLimit = int.MaxValue,
                QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
            }));
    }

    /// <summary>Waits for a permit for one call made with the token of <paramref name="budgetKey"/>.</summary>
    public async ValueTask<RateLimitLease> WaitAsync(string budgetKey, CancellationToken cancellationToken)
    {
        var pause = new DateTimeOffset(Interlocked.Read(ref pausedUntilTicks), TimeSpan.Zero) - clock.GetUtcNow();
        if (pause > TimeSpan.Zero)
        {
            await Task.Delay(pause, clock, cancellationToken);
        }

        return await limiter.AcquireAsync(budgetKey, 1, cancellationToken);
    }

    /// <summary>Planhat said the budget is spent: hold calls back for a moment.</summary>
    public void Exhausted() => Interlocked.Exchange(ref pausedUntilTicks, (clock.GetUtcNow() + ExhaustedPause).UtcTicks);

    public void Dispose() => limiter.Dispose();
}
