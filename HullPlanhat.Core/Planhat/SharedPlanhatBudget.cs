using System.Collections.Concurrent;
using Azure;
using Azure.Data.Tables;
using HullPlanhat.Core.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HullPlanhat.Core.Planhat;

/// <summary>
/// One Planhat budget per token across every instance: Planhat counts calls per token, while the
/// Functions app scales out to many processes. Time is cut into windows of <see cref="Window"/>;
/// each window allows a share of <see cref="PlanhatOptions.RequestsPerMinute"/> small enough that
/// no 60-second span (which touches at most 60/W + 1 windows) exceeds the budget. Instances claim
/// permits in small blocks from a row per token and window (optimistic concurrency), so the cost
/// is one storage request per few Planhat calls. Rows are reused in a ring, so the table stays
/// bounded. When storage is unreachable the per-process limit alone applies.
/// </summary>
public sealed class SharedPlanhatBudget(StorageClients storage, IOptions<PlanhatOptions> options, TimeProvider clock, ILogger<SharedPlanhatBudget> logger)
{
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(10);
    private const int BlockSize = 4;
    private const int RingSize = 12;

    private readonly ConcurrentDictionary<string, Block> blocks = new(StringComparer.Ordinal);

    /// <summary>Permits per window: the budget of a minute, scaled so any 60 s span stays within it.</summary>
    public int PermitsPerWindow
    {
        get
        {
            var windowsPerMinute = TimeSpan.FromMinutes(1) / Window;
            return Math.Max(1, (int)Math.Floor(options.Value.RequestsPerMinute / (windowsPerMinute + 1)));
        }
    }

    /// <summary>Waits until this instance holds a permit of the token's budget for one call.</summary>
    public async ValueTask WaitAsync(string budgetKey, CancellationToken cancellationToken)
    {
        var block = blocks.GetOrAdd(budgetKey, _ => new Block());
        while (true)
        {
            var window = clock.GetUtcNow().UtcTicks / Window.Ticks;
            if (block.TryTake(window))
            {
                return;
            }

            // One claim in flight per token and instance; the others use what it brings.
            await block.Claiming.WaitAsync(cancellationToken);
            int claimed;
            try
            {
                if (block.TryTake(window))
                {
                    return;
                }

                claimed = await ClaimAsync(budgetKey, window, cancellationToken);
                if (claimed > 0)
                {
                    block.Add(window, claimed - 1);
                    return;
                }
            }
            finally
            {
                block.Claiming.Release();
            }

            var untilNextWindow = new DateTimeOffset((window + 1) * Window.Ticks, TimeSpan.Zero) - clock.GetUtcNow();
            if (untilNextWindow > TimeSpan.Zero)
            {
                await Task.Delay(untilNextWindow + TimeSpan.FromMilliseconds(Random.Shared.Next(0, 50)), clock, cancellationToken);
            }
        }
    }

    /// <returns>Permits claimed for <paramref name="window"/>; 0 when the window's share is spent.</returns>
    private async Task<int> ClaimAsync(string budgetKey, long window, CancellationToken cancellationToken)
    {
        try
        {
            await storage.EnsureCreatedAsync();
            var table = storage.Table(StorageNames.PlanhatBudgetTable);
            var rowKey = (window % RingSize).ToString(System.Globalization.CultureInfo.InvariantCulture);
            while (true)
            {
                var current = await table.GetEntityIfExistsAsync<TableEntity>(budgetKey, rowKey, cancellationToken: cancellationToken);
                var entity = current.HasValue ? current.Value! : null;
                var used = entity?.GetInt64("Window") == window ? entity.GetInt32("Used") ?? 0 : 0;
                var take = Math.Min(BlockSize, PermitsPerWindow - used);
                if (take <= 0)
                {
                    return 0;
                }

                // A claim whose reply was lost, met by storage's retry, is still this claim (not one more on top).
                var updated = new TableEntity(budgetKey, rowKey) { ["Window"] = window, ["Used"] = used + take };
                if (await ConditionalRowWrite.TryWriteAsync(table, updated, entity?.ETag ?? default, cancellationToken) is not null)
                {
                    return take;
                }

                // Another instance claimed meanwhile: read again after a moment.
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(2, 20)), cancellationToken);
            }
        }
        catch (RequestFailedException e)
        {
            logger.LogWarning("The shared Planhat budget is unavailable ({Status}); this instance keeps to its own limit meanwhile.", e.Status);
            return BlockSize;
        }
        catch (Exception e) when (e is HttpRequestException or AggregateException) // AggregateException: storage's retries all failed
        {
            logger.LogWarning("The shared Planhat budget is unavailable ({Error}); this instance keeps to its own limit meanwhile.", e.Message);
            return BlockSize;
        }
    }

    /// <summary>Permits this instance claimed and has not used yet, valid in one window only.</summary>
    private sealed class Block
    {
        private readonly Lock gate = new();
        private long window = -1;
        private int left;

        public SemaphoreSlim Claiming { get; } = new(1, 1);

        public bool TryTake(long now)
        {
            lock (gate)
            {
                if (window != now || left <= 0)
                {
                    return false;
                }

                left--;
                return true;
            }
        }

        public void Add(long now, int permits)
        {
            lock (gate)
            {
                if (window != now)
                {
                    window = now;
                    left = 0;
                }

                left += permits;
            }
        }
    }
}
