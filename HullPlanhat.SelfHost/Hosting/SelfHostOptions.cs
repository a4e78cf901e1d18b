using System.ComponentModel.DataAnnotations;

namespace HullPlanhat.SelfHost.Hosting;

/// <summary>Configuration section <c>SelfHost</c>: how this host imitates the Functions runtime.</summary>
public sealed class SelfHostOptions
{
    /// <summary>Key for <c>POST /admin/functions/{name}</c> (header <c>x-functions-key</c>); unset disables it.</summary>
    public string? MasterKey { get; set; }

    /// <summary>Messages fetched per queue poll (Azure Queues allow 32).</summary>
    [Range(1, 32)]
    public int QueueBatchSize { get; set; } = 32;

    /// <summary>
    /// Messages handled at once per queue (a new batch is fetched when a batch's worth of them is
    /// done): 256, as the Functions app's host.json (batchSize 32 + newBatchThreshold 224). A handler
    /// mostly waits (on storage, and on its partition's next group commit), so the more in flight the
    /// more messages per second and the fuller each transaction (scale 10000 on the emulator, first
    /// run / replay: 64 in flight 259 / 313 objects/s, 128: 312 / 435, 256: 329 / 459; with the group
    /// commit waiting up to 200 ms to fill: 256 in flight 348 / 429 and 2.103 storage requests per user).
    /// </summary>
    [Range(1, 256)]
    public int QueueConcurrency { get; set; } = 256;

    /// <summary>As host.json's maxDequeueCount: then the message goes to the poison queue.</summary>
    [Range(1, 100)]
    public int MaxDequeueCount { get; set; } = 5;

    public TimeSpan MaxPollingInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// After a poll that came back less than half full (a shallow queue: the workers keep up with
    /// the intake), how long to let the queue fill before the next poll, so a receive fetches a
    /// fuller batch instead of a few messages (fewer storage requests per message; the messages
    /// already received are handled meanwhile). Zero polls again as soon as slots are free.
    /// </summary>
    public TimeSpan PartialBatchWait { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>How long a failed message stays invisible before its next try.</summary>
    public TimeSpan VisibilityTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long a message is hidden while it is being handled; extended every third of it while
    /// the handler runs, so after a crash the message is back within this time.
    /// </summary>
    public TimeSpan ProcessingTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
