using Azure;
using Azure.Data.Tables;
using HullPlanhat.Core.Storage;

namespace HullPlanhat.Core.Batch;

/// <summary>Where a batch job stands: the byte offset read up to and what the lines gave so far.</summary>
/// <param name="BlobName">The copy of the extract this job reads (each download attempt writes its own).</param>
/// <param name="Step">Chunks committed so far; the message that carries the job on names the step it is for.</param>
/// <param name="HandedOn">The message for <paramref name="Step"/> was sent (false between the commit and the send).</param>
public sealed record ExtractJobState(ExtractKind Kind, string? SegmentId, string BlobName, long Offset, long Lines, long Enqueued, long Skipped, bool Done,
    long Step = 0, bool HandedOn = false);

/// <summary>
/// The <c>extractjobs</c> table: partition = connector, row = job id. Every write is conditional on
/// the ETag read, so two deliveries of the same nudge cannot both advance a job.
/// </summary>
public sealed class ExtractJobStore(StorageClients storage)
{
    public const string BlobPrefix = "planhat-extracts/";

    public static string NewBlobName(string connectorId, string jobId) =>
        $"{BlobPrefix}{DateTime.UtcNow:yyyy-MM-dd}/{TableKeys.Encode(connectorId)}/{jobId}-{Guid.NewGuid():N}.jsonl";

    /// <summary>The row (partition, job id) a name made by <see cref="NewBlobName"/> belongs to; null for any other name.</summary>
    public static (string Partition, string JobId)? RowOfBlob(string blobName) =>
        blobName.Split('/') is [_, _, { Length: > 0 } partition, var file] && file.LastIndexOf('-') is > 0 and var dash
            ? (partition, file[..dash])
            : null;

    private TableClient Table => storage.Table(StorageNames.ExtractJobsTable);

    public async Task<(ExtractJobState? State, ETag ETag)> GetAsync(string connectorId, string jobId, CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync();
        var row = await Table.GetEntityIfExistsAsync<TableEntity>(TableKeys.Encode(connectorId), jobId, cancellationToken: cancellationToken);
        if (!row.HasValue || row.Value is not { } e)
        {
            return (null, default);
        }

        var state = new ExtractJobState(
            Enum.TryParse<ExtractKind>(e.GetString("Kind"), out var kind) ? kind : ExtractKind.Users, e.GetString("SegmentId"), e.GetString("BlobName") ?? "",
            e.GetInt64("Offset") ?? 0, e.GetInt64("Lines") ?? 0, e.GetInt64("Enqueued") ?? 0, e.GetInt64("Skipped") ?? 0, e.GetBoolean("Done") ?? false,
            e.GetInt64("Step") ?? 0, e.GetBoolean("HandedOn") ?? false);
        return (state, e.ETag);
    }

    /// <summary>Writes <paramref name="state"/> if the row is still at <paramref name="etag"/> (absent when default); the new ETag, or null when another delivery got there first.</summary>
    public Task<ETag?> TryWriteAsync(string connectorId, string jobId, ExtractJobState state, ETag etag, CancellationToken cancellationToken)
    {
        var entity = new TableEntity(TableKeys.Encode(connectorId), jobId)
        {
            ["Kind"] = state.Kind.ToString(),
            ["SegmentId"] = state.SegmentId,
            ["BlobName"] = state.BlobName,
            ["Offset"] = state.Offset,
            ["Lines"] = state.Lines,
            ["Enqueued"] = state.Enqueued,
            ["Skipped"] = state.Skipped,
            ["Done"] = state.Done,
            ["Step"] = state.Step,
            ["HandedOn"] = state.HandedOn,
        };
        return ConditionalRowWrite.TryWriteAsync(Table, entity, etag, cancellationToken);
    }
}
