using System.Text;
using System.Text.Json;

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

    private async Task<string> StoreClaimCheckAsync(string queue, string messageJson, CancellationToken cancellationToken)
    {
        var blobName = $"{queue}/{DateTime.UtcNow:yyyy-MM-dd}/{Guid.NewGuid():N}.json";
        var blob = storage.Container(StorageNames.ClaimCheckContainer).GetBlobClient(blobName);
        await blob.UploadAsync(BinaryData.FromString(messageJson), cancellationToken);
        return JsonSerializer.Serialize(new ClaimCheck(blobName), CoreJsonContext.Default.ClaimCheck);
    }
}
