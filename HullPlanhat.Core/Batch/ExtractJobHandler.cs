using System.Text.Json;
using HullPlanhat.Core.Hosting;
using HullPlanhat.Core.Logging;
using HullPlanhat.Core.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HullPlanhat.Core.Batch;

/// <summary>
/// Queue <c>planhat-extracts</c>: a batch job moves on one step per message. The first message
/// downloads the extract into a blob and creates the job's row; each next one, named after the step
/// it carries on from, waits for room in the per-object queues, enqueues a chunk of lines from the
/// row's offset, commits the new offset and step (conditional on the row's ETag), sends the next
/// step's message and records that it did. A crash at any point leaves a message to carry on from the
/// last commit, so no line is lost; a copy of a message whose step was already committed stops, and
/// two copies running at once race on the ETag, so the job never forks into two chains. Lines of a
/// chunk interrupted before its commit are enqueued again, which the per-object handlers absorb
/// (outbox rows are compared by hash, events by id).
/// </summary>
public sealed class ExtractJobHandler(
    ExtractJobStore jobs,
    ExtractImporter importer,
    ExtractBackPressure backPressure,
    QueueWriter queues,
    ConnectorSecretProtector protector,
    IOptions<ExtractOptions> options,
    ILogger<ExtractJobHandler> logger) : IQueueFunction
{
    public async Task HandleAsync(string messageText, CancellationToken cancellationToken)
    {
        ExtractJobMessage? message;
        try
        {
            message = JsonSerializer.Deserialize(messageText, ExtractJobJsonContext.Default.ExtractJobMessage);
        }
        catch (JsonException e)
        {
            logger.BatchJobDropped("the message is not JSON: " + e.Message);
            return;
        }

        if (message is not { JobId: { Length: > 0 } jobId, ConnectorId: { Length: > 0 } connectorId })
        {
            logger.BatchJobDropped("the message names no job or connector");
            return;
        }

        using var scope = logger.ForConnector(connectorId, null);
        var (state, etag) = await jobs.GetAsync(connectorId, jobId, cancellationToken);
        if (state is null)
        {
            await StartAsync(message, jobId, connectorId, cancellationToken);
            return;
        }

        var step = message.Step ?? (message.ProtectedUrl is null ? state.Step : -1);
        if (step != state.Step)
        {
            if (step == state.Step - 1 && !state.HandedOn && !state.Done)
            {
                // This message's step was committed but the next one was never sent (a crash in between).
                await HandOnAsync(message, connectorId, jobId, state, etag, cancellationToken);
            }
            else
            {
                logger.BatchNudgeStale(step, state.Step);
            }

            return;
        }

        if (state.Done)
        {
            await importer.Blob(state.BlobName).DeleteIfExistsAsync(cancellationToken: cancellationToken);
            return;
        }

        var objectType = ObjectType(state.Kind);
        if (!await backPressure.WaitForRoomAsync(objectType, cancellationToken))
        {
            await NudgeAsync(message with { ProtectedUrl = null, Step = state.Step }, cancellationToken, options.Value.ExtractBackPressureRetry);
            return;
        }

        var chunk = await importer.ImportChunkAsync(state.BlobName, state.Offset, state.Lines, state.Kind, connectorId, state.SegmentId,
            Math.Max(1, options.Value.ExtractLinesPerChunk), cancellationToken);
        var next = state with
        {
            Offset = chunk.NextOffset,
            Lines = state.Lines + chunk.Lines,
            Enqueued = state.Enqueued + chunk.Enqueued,
            Skipped = state.Skipped + chunk.Skipped,
            Done = chunk.AtEnd,
            Step = state.Step + 1,
            HandedOn = false,
        };
        if (await jobs.TryWriteAsync(connectorId, jobId, next, etag, cancellationToken) is not { } committed)
        {
            return; // a copy of this message moved the job on first; it carries on from there
        }

        if (next.Done)
        {
            logger.BatchSucceeded(objectType, next.Lines, next.Enqueued, next.Skipped);
            await importer.Blob(state.BlobName).DeleteIfExistsAsync(cancellationToken: cancellationToken);
            return;
        }

        logger.BatchProgressed(objectType, next.Lines, next.Enqueued, next.Skipped);
        await HandOnAsync(message, connectorId, jobId, next, committed, cancellationToken);
    }

    /// <summary>Sends the first message of a job (the URL encrypted), from <c>POST /batch</c>.</summary>
    public Task EnqueueAsync(string connectorId, ExtractKind kind, Uri url, string? segmentId, CancellationToken cancellationToken) =>
        NudgeAsync(new ExtractJobMessage
        {
            JobId = Guid.NewGuid().ToString("N"),
            ConnectorId = connectorId,
            Kind = kind,
            SegmentId = segmentId,
            ProtectedUrl = protector.Protect(url.ToString()),
        }, cancellationToken);

    private async Task StartAsync(ExtractJobMessage message, string jobId, string connectorId, CancellationToken cancellationToken)
    {
        var objectType = ObjectType(message.Kind);
        if (message.ProtectedUrl is null)
        {
            logger.BatchJobDropped($"job {jobId} has no row and no extract URL");
            return;
        }

        // The URL was checked when Hull posted it; checked again, as it is about to be fetched.
        var url = protector.Unprotect(message.ProtectedUrl);
        if (ExtractUrlPolicy.Check(url, options.Value.TrustedHosts) is { } refused)
        {
            logger.BatchFailed(objectType, refused);
            return;
        }

        var state = new ExtractJobState(message.Kind, message.SegmentId, ExtractJobStore.NewBlobName(connectorId, jobId), 0, 0, 0, 0, false);
        try
        {
            await importer.StoreAsync(new Uri(url), state.BlobName, cancellationToken);
        }
        catch (ExtractUnavailableException e)
        {
            logger.BatchFailed(objectType, e.Message);
            return;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            logger.BatchFailed(objectType, e.Message + " (will try again)");
            throw;
        }

        if (await jobs.TryWriteAsync(connectorId, jobId, state, default, cancellationToken) is { } created)
        {
            await HandOnAsync(message, connectorId, jobId, state, created, cancellationToken);
        }
        else
        {
            // A duplicate delivery of this message started the job first, with its own copy.
            await importer.Blob(state.BlobName).DeleteIfExistsAsync(cancellationToken: cancellationToken);
        }
    }

    /// <summary>Sends the message for <paramref name="state"/>'s step, then records that it was sent (a lost race there only means a copy already did).</summary>
    private async Task HandOnAsync(ExtractJobMessage message, string connectorId, string jobId, ExtractJobState state, Azure.ETag etag, CancellationToken cancellationToken)
    {
        await NudgeAsync(message with { ProtectedUrl = null, Step = state.Step }, cancellationToken);
        await jobs.TryWriteAsync(connectorId, jobId, state with { HandedOn = true }, etag, cancellationToken);
    }

    private Task NudgeAsync(ExtractJobMessage message, CancellationToken cancellationToken, TimeSpan? visibleAfter = null) =>
        queues.SendAsync(TriggerTable.ExtractsQueue, JsonSerializer.Serialize(message, ExtractJobJsonContext.Default.ExtractJobMessage), cancellationToken, visibleAfter);

    private static string ObjectType(ExtractKind kind) => kind == ExtractKind.Accounts ? "account" : "user";
}
