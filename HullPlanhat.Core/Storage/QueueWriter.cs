using System.Text;
using System.Text.Json;
using HullPlanhat.Core.Intake;

namespace HullPlanhat.Core.Storage;

/// <summary>
/// Sends messages to the product's queues (Base64, as the Functions host expects). A message
/// over the queue's 64 KiB limit goes to a blob and the queue gets a <see cref="ClaimCheck"/>.
/// </summary>
public sealed class QueueWriter(StorageClients storage)
{
    // 64 KiB after Base64 (4/3 growth), with room for the envelope.
    internal const int MaxInlineBytes = 46 * 1024;

    public async Task SendAsync(string queue, string messageJson, CancellationToken cancellationToken, TimeSpan? visibleAfter = null)
    {
        await storage.EnsureCreatedAsync();
        var text = Encoding.UTF8.GetByteCount(messageJson) <= MaxInlineBytes
            ? messageJson
            : await StoreClaimCheckAsync(queue, messageJson, cancellationToken);
        await storage.Queue(queue).SendMessageAsync(text, visibleAfter, timeToLive: null, cancellationToken);
    }

    /// <summary>Sends every message, <paramref name="parallelism"/> at a time, as they are produced (a stream is read no faster than it is sent).</summary>
    /// <returns>How many were sent.</returns>
    public async Task<long> SendAllAsync(IAsyncEnumerable<QueuedMessage> messages, int parallelism, CancellationToken cancellationToken)
    {
        long sent = 0;
        await Parallel.ForEachAsync(messages, new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = cancellationToken },
            async (message, ct) =>
            {
                await SendAsync(message.Queue, message.Json, ct);
                Interlocked.Increment(ref sent);
            });
        return sent;
    }

    private async Task<string> StoreClaimCheckAsync(string queue, string messageJson, CancellationToken cancellationToken)
    {
        var blobName = $"{queue}/{DateTime.UtcNow:yyyy-MM-dd}/{Guid.NewGuid():N}.json";
        var blob = storage.Container(StorageNames.ClaimCheckContainer).GetBlobClient(blobName);
        // The name is this message's own: overwriting is safe, and storage's retry of an upload whose reply was lost succeeds instead of meeting it (409).
        await blob.UploadAsync(BinaryData.FromString(messageJson), overwrite: true, cancellationToken);
        return JsonSerializer.Serialize(new ClaimCheck(blobName), CoreJsonContext.Default.ClaimCheck);
    }
}
