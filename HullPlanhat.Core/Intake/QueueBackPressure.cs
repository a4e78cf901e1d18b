using HullPlanhat.Core.Hosting;
using HullPlanhat.Core.Logging;
using HullPlanhat.Core.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HullPlanhat.Core.Intake;

/// <summary>
/// Back-pressure through Hull's own flow control: when the per-object queues are deep, the
/// <c>next</c> answer asks Hull to wait longer (<c>in</c>) and send less (<c>size</c>), so the
/// backlog stays shallow instead of growing; the notification itself is still accepted (never a 5xx
/// for back-pressure). The depth is read at most once a second (<see cref="CacheFor"/>) per instance.
/// </summary>
public sealed class QueueBackPressure(StorageClients storage, IOptions<FlowControlOptions> options, TimeProvider clock, ILogger<QueueBackPressure> logger)
{
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(1);
    private static readonly string[] Queues = [TriggerTable.UsersQueue, TriggerTable.AccountsQueue];

    private readonly Lock gate = new();
    private (DateTimeOffset At, Task<long> Depth)? cached;

    /// <summary>The flow control to answer for an accepted notification of <paramref name="channel"/>.</summary>
    public async Task<FlowControl> NextAsync(string channel, CancellationToken cancellationToken)
    {
        var normal = options.Value.Next(channel);
        if (await QueuedOrUnknownAsync(cancellationToken) is not { } depth)
        {
            return normal; // Unknown depth: Hull's pace stays as configured; the queue absorbs it.
        }

        var answer = Slowed(normal, depth, options.Value);
        if (answer != normal)
        {
            logger.BackPressure(depth, answer.Size, answer.In);
        }

        return answer;
    }

    /// <summary>
    /// At or above <see cref="FlowControlOptions.BackPressureDepth"/> queued messages, the size shrinks and the wait grows
    /// in proportion to the depth (twice the threshold: half the size, waits 2 s); capped at <see cref="FlowControlOptions.MaxBackPressureIn"/>.
    /// </summary>
    public static FlowControl Slowed(FlowControl normal, long depth, FlowControlOptions options)
    {
        if (depth < options.BackPressureDepth || options.BackPressureDepth <= 0)
        {
            return normal;
        }

        var factor = (double)depth / options.BackPressureDepth;
        var size = Math.Max(1, (int)(normal.Size / factor));
        var wait = (int)Math.Min(options.MaxBackPressureIn, Math.Max(normal.In, 1000 * factor));
        return normal with { Size = size, In = wait };
    }

    /// <summary>
    /// Messages waiting in the per-object queues (users + accounts), as last read (at most <see cref="CacheFor"/> old);
    /// null when the queues could not be read, for the caller to carry on as it would without back-pressure.
    /// </summary>
    public async Task<long?> QueuedOrUnknownAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await DepthAsync().WaitAsync(cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return null;
        }
    }

    private Task<long> DepthAsync()
    {
        lock (gate)
        {
            var now = clock.GetUtcNow();
            if (cached is not { } c || now - c.At >= CacheFor || c.Depth.IsFaulted)
            {
                cached = (now, ReadDepthAsync());
            }

            return cached.Value.Depth;
        }
    }

    private async Task<long> ReadDepthAsync()
    {
        await storage.EnsureCreatedAsync();
        var depths = await Task.WhenAll(Queues.Select(async q => (long)(await storage.Queue(q).GetPropertiesAsync()).Value.ApproximateMessagesCount));
        return depths.Sum();
    }
}
