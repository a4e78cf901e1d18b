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
/// for back-pressure). The depth is read at most once a second (<see cref="CacheFor"/>) per instance; Hull's answer never waits for it.
/// </summary>
public sealed class QueueBackPressure(StorageClients storage, IOptions<FlowControlOptions> options, TimeProvider clock, ILogger<QueueBackPressure> logger)
{
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(1);

    /// <summary>How old a depth Hull's answer may still use while a fresh one is read.</summary>
    public static readonly TimeSpan ServeStaleFor = TimeSpan.FromSeconds(10);
    private static readonly string[] Queues = [TriggerTable.UsersQueue, TriggerTable.AccountsQueue];

    private readonly Lock gate = new();
    private long? lastDepth;
    private DateTimeOffset lastReadAt;
    private Task<long?>? reading;

    /// <summary>The flow control to answer for an accepted notification of <paramref name="channel"/>.</summary>
    public async Task<FlowControl> NextAsync(string channel, CancellationToken cancellationToken)
    {
        var normal = options.Value.Next(channel);
        if (await DepthAsync(ServeStaleFor, cancellationToken) is not { } depth)
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
    /// Messages waiting in the per-object queues (users + accounts), read at most <see cref="CacheFor"/> ago;
    /// null when the queues could not be read, for the caller to carry on as it would without back-pressure.
    /// </summary>
    public Task<long?> QueuedOrUnknownAsync(CancellationToken cancellationToken) => DepthAsync(CacheFor, cancellationToken);

    /// <param name="maxAge">
    /// How old a depth may be answered at once. An answer older than <see cref="CacheFor"/> (the intake's,
    /// up to <see cref="ServeStaleFor"/>) starts a fresh reading in the background, so Hull's answer waits for none.
    /// </param>
    private async Task<long?> DepthAsync(TimeSpan maxAge, CancellationToken cancellationToken)
    {
        Task<long?> read;
        lock (gate)
        {
            var age = clock.GetUtcNow() - lastReadAt;
            if (lastDepth is { } fresh && age < CacheFor)
            {
                return fresh;
            }

            if (reading is null || reading.IsCompleted)
            {
                reading = ReadDepthAsync();
            }

            if (lastDepth is { } stale && age < maxAge)
            {
                return stale;
            }

            read = reading;
        }

        return await read.WaitAsync(cancellationToken);
    }

    private async Task<long?> ReadDepthAsync()
    {
        try
        {
            await storage.EnsureCreatedAsync();
            var depths = await Task.WhenAll(Queues.Select(async q => (long)(await storage.Queue(q).GetPropertiesAsync()).Value.ApproximateMessagesCount));
            lock (gate)
            {
                (lastDepth, lastReadAt) = (depths.Sum(), clock.GetUtcNow());
                return lastDepth;
            }
        }
        catch (Exception)
        {
            return null; // Unknown: no caller may fail for want of a depth, and a background reading has no caller to fail.
        }
    }
}
