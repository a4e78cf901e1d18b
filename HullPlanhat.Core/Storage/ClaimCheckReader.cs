using System.Text.Json;
using Azure.Storage.Blobs;

namespace HullPlanhat.Core.Storage;

/// <summary>Resolves a queue message that may be a claim check, and removes the blob once handled.</summary>
public sealed class ClaimCheckReader(StorageClients storage)
{
    public async Task<string> ReadAsync(string messageText, CancellationToken cancellationToken)
    {
        if (AsClaimCheck(messageText) is not { } claim)
        {
            return messageText;
        }

        var content = await Blob(claim).DownloadContentAsync(cancellationToken);
        return content.Value.Content.ToString();
    }

    public async Task ReleaseAsync(string messageText, CancellationToken cancellationToken)
    {
        if (AsClaimCheck(messageText) is { } claim)
        {
            await Blob(claim).DeleteIfExistsAsync(cancellationToken: cancellationToken);
        }
    }

    private BlobClient Blob(ClaimCheck claim) => storage.Container(StorageNames.ClaimCheckContainer).GetBlobClient(claim.BlobName);

    private static ClaimCheck? AsClaimCheck(string messageText) =>
        messageText.StartsWith("{\"$claimCheck\"", StringComparison.Ordinal)
            ? JsonSerializer.Deserialize(messageText, CoreJsonContext.Default.ClaimCheck)
            : null;
}
