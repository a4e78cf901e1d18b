using System.Text.Json;
using HullPlanhat.Core.Hosting;
using HullPlanhat.Core.Hull;
using HullPlanhat.Core.Logging;
using HullPlanhat.Core.Storage;
using Microsoft.Extensions.Logging;

namespace HullPlanhat.Core.Intake;

/// <summary>
/// Hands a notification's per-object messages to the queues. Up to <c>Hull:InlineSplitLimit</c> messages
/// are split and sent before Hull gets its answer; a larger notification (already verified: signature,
/// replay, credentials) is stored as it came, as ONE blob with ONE message on <c>planhat-intake</c>
/// (a claim check), so Hull is answered at once, and <see cref="SplitNotificationHandler"/> splits it.
/// If that fan-out is interrupted it runs again from the start: the per-object handlers are
/// idempotent (outbox rows are keyed by object and compared by hash; events by id), so a repeated
/// message changes nothing.
/// </summary>
public sealed class DeferredSplitter(QueueWriter queues, StorageClients storage)
{
    private const int EnqueueParallelism = 32;
    // A configured InlineSplitLimit far above the default must not open thousands of connections at once.
    private const int MaxSendsAtOnce = 256;

    public async Task DeferAsync(string connectorId, byte[] body, CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync();
        var name = $"{TriggerTable.IntakeQueue}/{DateTime.UtcNow:yyyy-MM-dd}/{TableKeys.Encode(connectorId)}-{Guid.NewGuid():N}.json";
        // The name is this call's own: overwriting is safe, and storage's retry of an upload whose reply was lost succeeds instead of meeting it (409).
        await storage.Container(StorageNames.ClaimCheckContainer).GetBlobClient(name).UploadAsync(BinaryData.FromBytes(body), overwrite: true, cancellationToken);
        var claim = JsonSerializer.Serialize(new ClaimCheck(name), CoreJsonContext.Default.ClaimCheck);
        await storage.Queue(TriggerTable.IntakeQueue).SendMessageAsync(claim, cancellationToken);
    }

    /// <summary>A split of a stored notification: nobody waits for it, so a few sends at a time.</summary>
    public Task SendAllAsync(IReadOnlyList<QueuedMessage> messages, CancellationToken cancellationToken) =>
        queues.SendAllAsync(messages.ToAsyncEnumerable(), EnqueueParallelism, cancellationToken);

    /// <summary>
    /// A split Hull waits for (at most <c>Hull:InlineSplitLimit</c> messages): every send at once, so the
    /// answer waits for about one send's round trip rather than one per 32 messages.
    /// </summary>
    public Task SendWhileHullWaitsAsync(IReadOnlyList<QueuedMessage> messages, CancellationToken cancellationToken) =>
        queues.SendAllAsync(messages.ToAsyncEnumerable(), Math.Clamp(messages.Count, 1, MaxSendsAtOnce), cancellationToken);

    /// <summary>One <c>outgoing.account.skip</c> / <c>outgoing.user.skip</c> line per element left out, with its reason.</summary>
    public static void LogRejected(ILogger logger, string? channel, IEnumerable<RejectedMessage> rejected)
    {
        foreach (var element in rejected)
        {
            if (channel == HullChannels.AccountUpdate)
            {
                logger.AccountSkipped(element.Reason);
            }
            else
            {
                logger.UserSkipped(element.Reason);
            }
        }
    }
}
