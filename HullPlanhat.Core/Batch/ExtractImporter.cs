using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using HullPlanhat.Core.Intake;
using HullPlanhat.Core.Logging;
using HullPlanhat.Core.Storage;
using Microsoft.Extensions.Logging;

namespace HullPlanhat.Core.Batch;

/// <summary>What one chunk of an extract gave, and where the next one starts.</summary>
public sealed record ExtractChunk(long NextOffset, long Lines, long Enqueued, long Skipped, bool AtEnd);

/// <summary>The extract server refused for good (expired or unknown URL): trying again cannot help.</summary>
public sealed class ExtractUnavailableException(string message) : Exception(message);

/// <summary>
/// Copies a Hull extract (JSON lines) into blob storage, then enqueues one message per report a
/// chunk at a time, streaming: one line at a time and a bounded number of queue sends in flight,
/// so memory stays flat whatever the size. A line that is not a report is skipped with its reason;
/// the others go on.
/// </summary>
public sealed class ExtractImporter(HttpClient http, QueueWriter queues, StorageClients storage, ILogger<ExtractImporter> logger)
{
    private const int EnqueueParallelism = 16;
    private const int MaxLineBytes = 8 * 1024 * 1024;
    private static readonly TimeSpan MaxDownloadTime = TimeSpan.FromMinutes(15);

    public BlobClient Blob(string name) => storage.Container(StorageNames.ClaimCheckContainer).GetBlobClient(name);

    /// <summary>
    /// Downloads the extract into <paramref name="blobName"/>: Hull's signed URL expires, a server drops
    /// a client that reads as slowly as queue sends go, and chunks read it back from where they stopped.
    /// </summary>
    public async Task StoreAsync(Uri url, string blobName, CancellationToken cancellationToken)
    {
        using var download = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        download.CancelAfter(MaxDownloadTime); // a stalled server must not hold the job forever
        using var response = await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, download.Token);
        if (!response.IsSuccessStatusCode)
        {
            var failure = $"The extract answered {(int)response.StatusCode} {response.ReasonPhrase}.";
            throw (int)response.StatusCode is >= 400 and < 500 and not 408 and not 429
                ? new ExtractUnavailableException(failure)
                : new HttpRequestException(failure);
        }

        await storage.EnsureCreatedAsync();
        await using var body = await response.Content.ReadAsStreamAsync(download.Token);
        await Blob(blobName).UploadAsync(body, new BlobUploadOptions { TransferOptions = new() { MaximumConcurrency = 2 } }, download.Token);
    }

    /// <summary>Enqueues up to <paramref name="maxLines"/> lines from <paramref name="offset"/>; line numbers continue from <paramref name="linesBefore"/>.</summary>
    public async Task<ExtractChunk> ImportChunkAsync(string blobName, long offset, long linesBefore, ExtractKind kind, string connectorId, string? segmentId,
        int maxLines, CancellationToken cancellationToken)
    {
        await using var stream = await Blob(blobName).OpenReadAsync(offset, bufferSize: 1024 * 1024, cancellationToken: cancellationToken);
        await using var reader = new ExtractLineReader(stream, offset, MaxLineBytes);
        long lines = 0, skipped = 0, next = offset;
        var atEnd = false;
        var enqueued = await queues.SendAllAsync(ReadMessagesAsync(), EnqueueParallelism, cancellationToken);
        return new ExtractChunk(next, lines, enqueued, skipped, atEnd);

        async IAsyncEnumerable<QueuedMessage> ReadMessagesAsync()
        {
            while (lines < maxLines)
            {
                if (await reader.ReadLineAsync(cancellationToken) is not { } read)
                {
                    atEnd = true;
                    yield break;
                }

                lines++;
                next = read.EndOffset;
                var lineNumber = (int)Math.Min(linesBefore + lines, int.MaxValue);
                if (read.Text is null)
                {
                    Skip($"Line {lineNumber} of the extract is longer than {MaxLineBytes / (1024 * 1024)} MiB.");
                    continue;
                }

                if (string.IsNullOrWhiteSpace(read.Text))
                {
                    continue;
                }

                var mapped = ExtractLineMapper.Map(read.Text, lineNumber, kind, connectorId, segmentId);
                if (mapped.Message is { } message)
                {
                    yield return message;
                }
                else
                {
                    Skip(mapped.SkipReason!);
                }
            }

            // A chunk that stops exactly at the last line finds the end on the next one, which reads nothing.
        }

        void Skip(string reason)
        {
            skipped++;
            if (kind == ExtractKind.Accounts)
            {
                logger.AccountSkipped(reason);
            }
            else
            {
                logger.UserSkipped(reason);
            }
        }
    }
}
