using System.Text.Json;
using System.Text.Json.Serialization;
using HullPlanhat.Core.Hosting;
using HullPlanhat.Core.Storage;

namespace HullPlanhat.Core.Intake;

/// <summary>The per-object messages of one large notification, stored as one blob.</summary>
public sealed record DeferredSplit(
    [property: JsonPropertyName("connectorId")] string ConnectorId,
    [property: JsonPropertyName("messages")] IReadOnlyList<QueuedMessage> Messages);

/// <summary>
/// Hands a notification's per-object messages to the queues. Up to <see cref="InlineLimit"/> messages
/// are sent before Hull gets its answer; a larger batch is written as ONE blob with ONE message on
/// <c>planhat-intake</c> (a claim check) so Hull is answered at once, and
/// <see cref="SplitNotificationHandler"/> fans it out. If that fan-out is interrupted it runs again
/// from the start: the per-object handlers are idempotent (outbox rows are keyed by object and
/// compared by hash; events by id), so a repeated message changes nothing.
/// </summary>
public sealed class DeferredSplitter(QueueWriter queues, StorageClients storage)
{
    public const int InlineLimit = 200;
    private const int EnqueueParallelism = 32;

    /// <returns>True when the messages were deferred to the intake queue.</returns>
    public async Task<bool> EnqueueAsync(string connectorId, string? notificationId, IReadOnlyList<QueuedMessage> messages, CancellationToken cancellationToken)
    {
        if (messages.Count <= InlineLimit)
        {
            await SendAllAsync(messages, cancellationToken);
            return false;
        }

        await storage.EnsureCreatedAsync();
        var name = $"{TriggerTable.IntakeQueue}/{DateTime.UtcNow:yyyy-MM-dd}/{TableKeys.Encode(connectorId)}-{Guid.NewGuid():N}.json";
        var blob = storage.Container(StorageNames.ClaimCheckContainer).GetBlobClient(name);
        await blob.UploadAsync(BinaryData.FromBytes(JsonSerializer.SerializeToUtf8Bytes(new DeferredSplit(connectorId, messages), IntakeJsonContext.Default.DeferredSplit)), cancellationToken);
        var claim = JsonSerializer.Serialize(new ClaimCheck(name), CoreJsonContext.Default.ClaimCheck);
        await storage.Queue(TriggerTable.IntakeQueue).SendMessageAsync(claim, cancellationToken);
        return true;
    }

    public Task SendAllAsync(IReadOnlyList<QueuedMessage> messages, CancellationToken cancellationToken) =>
        Parallel.ForEachAsync(messages, new ParallelOptions { MaxDegreeOfParallelism = EnqueueParallelism, CancellationToken = cancellationToken },
            async (message, ct) => await queues.SendAsync(message.Queue, message.Json, ct));

    public static DeferredSplit? Read(string json) => JsonSerializer.Deserialize(json, IntakeJsonContext.Default.DeferredSplit);
}
