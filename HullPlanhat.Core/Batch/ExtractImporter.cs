using System.Text;
using HullPlanhat.Core.Intake;
using HullPlanhat.Core.Logging;
using HullPlanhat.Core.Storage;
using Microsoft.Extensions.Logging;

namespace HullPlanhat.Core.Batch;

/// <summary>What one extract gave.</summary>
public sealed record ExtractOutcome(long Lines, long Enqueued, long Skipped);

/// <summary>
/// Downloads a Hull extract (JSON lines) and enqueues one message per report, streaming: one line
/// at a time and a bounded number of queue sends in flight, so memory stays flat whatever the size.
/// A line that is not a report is skipped with its reason; the others go on.
/// </summary>
public sealed class ExtractImporter(HttpClient http, QueueWriter queues, ILogger<ExtractImporter> logger)
{
    private const int EnqueueParallelism = 16;
    private static readonly TimeSpan MaxDownloadTime = TimeSpan.FromMinutes(15);

    public async Task<ExtractOutcome> ImportAsync(Uri url, ExtractKind kind, string connectorId, string? segmentId, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"The extract answered {(int)response.StatusCode} {response.ReasonPhrase}.");
        }

        // Spooled to a temporary file first: a server (S3, Kestrel) drops a client that reads as slowly as the
        // queue sends go, and the file keeps memory flat whatever the extract's size.
        await using var spool = new FileStream(Path.Combine(Path.GetTempPath(), $"hull-extract-{Guid.NewGuid():N}.jsonl"),
            FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 81920, FileOptions.DeleteOnClose | FileOptions.Asynchronous);
        using (var download = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        await using (var body = await response.Content.ReadAsStreamAsync(cancellationToken))
        {
            download.CancelAfter(MaxDownloadTime); // a stalled server must not hold the import forever
            await body.CopyToAsync(spool, download.Token);
        }

        spool.Position = 0;
        using var reader = new StreamReader(spool, Encoding.UTF8);
        long lines = 0, enqueued = 0, skipped = 0;
        await Parallel.ForEachAsync(ReadMessagesAsync(), new ParallelOptions { MaxDegreeOfParallelism = EnqueueParallelism, CancellationToken = cancellationToken },
            async (message, ct) =>
            {
                await queues.SendAsync(message.Queue, message.Json, ct);
                Interlocked.Increment(ref enqueued);
            });
        return new ExtractOutcome(lines, enqueued, skipped);

        async IAsyncEnumerable<QueuedMessage> ReadMessagesAsync()
        {
            while (await reader.ReadLineAsync(cancellationToken) is { } line)
            {
                lines++;
                if (string.IsNullOrWhiteSpace(line))
                {
                    continue;
                }

                var mapped = ExtractLineMapper.Map(line, (int)Math.Min(lines, int.MaxValue), kind, connectorId, segmentId);
                if (mapped.Message is { } message)
                {
                    yield return message;
                    continue;
                }

                skipped++;
                if (kind == ExtractKind.Accounts)
                {
                    logger.AccountSkipped(mapped.SkipReason!);
                }
                else
                {
                    logger.UserSkipped(mapped.SkipReason!);
                }
            }
        }
    }
}
