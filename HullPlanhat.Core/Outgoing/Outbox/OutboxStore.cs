using System.Text.Json.Nodes;
using Azure;
using Azure.Data.Tables;
using HullPlanhat.Core.Storage;
using HullPlanhat.Core.Storage.Batching;

namespace HullPlanhat.Core.Outgoing.Outbox;

/// <summary>
/// The <c>outbox</c> table: one partition per connector, one row per staged object
/// (row key <c>{type}_{hull id}</c>). Queue workers' writes of single rows are group-committed per
/// partition (<see cref="TableGroupCommit"/>), so a staged row costs a share of a transaction.
/// </summary>
public sealed class OutboxStore(StorageClients storage, TimeProvider clock, TableGroupCommit commits)
{
    private TableClient Table => storage.Table(StorageNames.OutboxTable);

    private const int MaxConflicts = 10;

    /// <summary>
    /// Stages <paramref name="row"/> unless a newer change of the same object is staged already.
    /// Adds first (usually nothing is staged), reads only on conflict.
    /// </summary>
    /// <returns>False when the staged row is newer and stays.</returns>
    public async Task<bool> StageNewestAsync(OutboxRow row, CancellationToken cancellationToken)
    {
        var staged = row with { StagedAt = clock.GetUtcNow(), NotBefore = DateTimeOffset.MinValue, Attempts = 0, LastError = null };
        OutboxRow? existing = null;
        for (var attempt = 0; attempt < MaxConflicts; attempt++)
        {
            if (existing is not null && ChangeVersion.IsOlder(row.Version, existing.Version))
            {
                return false;
            }

            if (await TryWriteAsync(staged, existing, cancellationToken))
            {
                return true;
            }

            existing = await FindAsync(row.ConnectorId, row.ObjectType, row.HullId, cancellationToken);
        }

        throw new InvalidOperationException($"The outbox row of {row.ObjectType} {row.HullId} kept changing; the message will be retried.");
    }

    /// <summary>The staged row of one object, or null.</summary>
    public async Task<OutboxRow?> FindAsync(string connectorId, string objectType, string hullId, CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync();
        var response = await Table.GetEntityIfExistsAsync<TableEntity>(TableKeys.Encode(connectorId), RowKey(objectType, hullId), cancellationToken: cancellationToken);
        return response.HasValue && response.Value is { } entity ? FromEntity(entity) : null;
    }

    /// <summary>
    /// Writes <paramref name="row"/> as is, only if the stored row is still <paramref name="replacing"/>
    /// (or absent when that is null). False when someone else changed it meanwhile. The write carries a
    /// token (<see cref="ConditionalRowWrite"/>): when storage's retry of a write whose reply was lost
    /// meets that write (409, 412), the row read back tells it landed.
    /// </summary>
    public async Task<bool> TryWriteAsync(OutboxRow row, OutboxRow? replacing, CancellationToken cancellationToken)
    {
        var entity = ConditionalRowWrite.Stamp(ToEntity(row));
        try
        {
            await commits.SubmitAsync(StorageNames.OutboxTable, replacing is null
                ? new TableTransactionAction(TableTransactionActionType.Add, entity)
                : new TableTransactionAction(TableTransactionActionType.UpdateReplace, entity, replacing.ETag), cancellationToken);
            return true;
        }
        catch (RequestFailedException e) when (e.Status is 404 or 409 or 412)
        {
            return await ConditionalRowWrite.LandedAsync(Table, entity, cancellationToken) is not null;
        }
    }

    /// <summary>Drops a staged row whose change was undone before it was flushed, unless the staged change is newer than <paramref name="version"/>.</summary>
    public async Task RemoveUnlessNewerAsync(string connectorId, string objectType, string hullId, long version, CancellationToken cancellationToken)
    {
        if (await FindAsync(connectorId, objectType, hullId, cancellationToken) is { } staged && !ChangeVersion.IsOlder(version, staged.Version))
        {
            await TryDeleteAsync(staged, cancellationToken);
        }
    }

    /// <summary>How many reads' worth of due rows <see cref="ReadDueAsync"/> looks at to pick the longest-waiting ones.</summary>
    public const int ScanReads = 4;

    /// <summary>
    /// The rows of one type that are due, at most <paramref name="max"/>: when more are due, the
    /// longest-waiting of the first <see cref="ScanReads"/> × <paramref name="max"/> (by key). Reading
    /// by key alone would pass over a row whose key sorts late while rows with earlier keys keep
    /// arriving, until its wait forced a partial chunk out in the middle of a stream.
    /// </summary>
    public async Task<IReadOnlyList<OutboxRow>> ReadDueAsync(string connectorId, string objectType, int max, CancellationToken cancellationToken)
    {
        var due = await ReadDueByKeyAsync(connectorId, objectType, (int)Math.Min(int.MaxValue, (long)max * ScanReads), cancellationToken);
        // Only the rows returned are parsed (payload, claims): the others of the scan stay as the table gave them.
        var chosen = due.Count <= max ? due : due.OrderBy(StagedAtOf).Take(max);
        return chosen.Select(FromEntity).ToList();
    }

    private async Task<List<TableEntity>> ReadDueByKeyAsync(string connectorId, string objectType, int max, CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync();
        var partition = TableKeys.Encode(connectorId);
        var from = objectType + "_";
        var to = objectType + "`"; // the character after '_': bounds the prefix range
        var now = clock.GetUtcNow();
        var rows = new List<TableEntity>();
        await foreach (var entity in Table.QueryAsync<TableEntity>(
            e => e.PartitionKey == partition && e.RowKey.CompareTo(from) >= 0 && e.RowKey.CompareTo(to) < 0, cancellationToken: cancellationToken))
        {
            if (NotBeforeOf(entity) <= now)
            {
                rows.Add(entity);
                if (rows.Count == max)
                {
                    break;
                }
            }
        }

        return rows;
    }

    /// <summary>
    /// Removes flushed rows, unless a newer change replaced them meanwhile: conditional deletes in
    /// transactions of up to 100 rows; a transaction that fails (some row changed) is redone row by row.
    /// </summary>
    /// <returns>The rows a newer change replaced, which stay staged.</returns>
    public async Task<IReadOnlyList<OutboxRow>> CompleteAsync(IEnumerable<OutboxRow> rows, CancellationToken cancellationToken)
    {
        var replaced = new System.Collections.Concurrent.ConcurrentBag<OutboxRow>();
        var chunks = rows.GroupBy(r => r.ConnectorId).SelectMany(g => g.DistinctBy(r => RowKey(r.ObjectType, r.HullId)).Chunk(100));
        await Parallel.ForEachAsync(chunks, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cancellationToken }, async (chunk, ct) =>
        {
            try
            {
                await Table.SubmitNamedTransactionAsync(chunk.Select(r => new TableTransactionAction(TableTransactionActionType.Delete,
                    new TableEntity(TableKeys.Encode(r.ConnectorId), RowKey(r.ObjectType, r.HullId)), r.ETag)), ct);
            }
            catch (TableTransactionFailedException)
            {
                foreach (var row in chunk)
                {
                    if (!await TryDeleteAsync(row, ct))
                    {
                        replaced.Add(row);
                    }
                }
            }
        });
        return [.. replaced];
    }

    /// <summary>Removes a flushed row if it is unchanged since read; false when a newer change replaced it.</summary>
    public async Task<bool> TryDeleteAsync(OutboxRow row, CancellationToken cancellationToken)
    {
        try
        {
            await Table.DeleteEntityAsync(TableKeys.Encode(row.ConnectorId), RowKey(row.ObjectType, row.HullId), row.ETag, cancellationToken);
            return true;
        }
        catch (RequestFailedException e) when (e.Status is 404 or 412)
        {
            return e.Status == 404;
        }
    }

    /// <summary>Records a failed attempt; the row waits <paramref name="retryAfter"/> before its next try.</summary>
    public async Task FailAsync(OutboxRow row, string error, TimeSpan retryAfter, CancellationToken cancellationToken)
    {
        var entity = new TableEntity(TableKeys.Encode(row.ConnectorId), RowKey(row.ObjectType, row.HullId))
        {
            ["Attempts"] = row.Attempts + 1,
            ["LastError"] = error.Length > 4000 ? error[..4000] : error,
            ["NotBefore"] = clock.GetUtcNow() + retryAfter,
        };
        try
        {
            await Table.UpdateEntityAsync(entity, row.ETag, TableUpdateMode.Merge, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status is 404 or 412)
        {
            // A newer change replaced the row: it starts over with fresh attempts.
        }
    }

    /// <summary>How many rows the connector's outbox holds (counting at most <paramref name="max"/>) and when the oldest was staged.</summary>
    public async Task<(long Depth, DateTimeOffset? Oldest)> MeasureAsync(string connectorId, int max, CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync();
        var partition = TableKeys.Encode(connectorId);
        long depth = 0;
        DateTimeOffset? oldest = null;
        await foreach (var entity in Table.QueryAsync<TableEntity>(e => e.PartitionKey == partition, select: ["StagedAt"], cancellationToken: cancellationToken))
        {
            if (entity.GetDateTimeOffset("StagedAt") is { } staged && (oldest is null || staged < oldest))
            {
                oldest = staged;
            }

            if (++depth >= max)
            {
                break;
            }
        }

        return (depth, oldest);
    }

    private static string RowKey(string objectType, string hullId) => $"{objectType}_{TableKeys.Encode(hullId)}";

    private static TableEntity ToEntity(OutboxRow row)
    {
        var entity = new TableEntity(TableKeys.Encode(row.ConnectorId), RowKey(row.ObjectType, row.HullId))
        {
            ["ConnectorId"] = row.ConnectorId,
            ["ObjectType"] = row.ObjectType,
            ["HullId"] = row.HullId,
            ["Hash"] = row.Hash,
            ["PlanhatId"] = row.PlanhatId,
            ["HullClaims"] = row.HullClaims.ToJsonString(),
            ["Context"] = row.Context?.ToJsonString(),
            ["Version"] = row.Version,
            ["Attempts"] = row.Attempts,
            ["LastError"] = row.LastError,
            ["StagedAt"] = row.StagedAt,
            ["NotBefore"] = row.NotBefore,
        };
        LargeText.Write(entity, "Payload", row.Payload.ToJsonString());
        LargeText.Write(entity, "Attachments", row.Attachments?.ToJsonString());
        return entity;
    }

    private static OutboxRow FromEntity(TableEntity entity) => new()
    {
        ConnectorId = entity.GetString("ConnectorId"),
        ObjectType = entity.GetString("ObjectType"),
        HullId = entity.GetString("HullId"),
        Payload = JsonNode.Parse(LargeText.Read(entity, "Payload") ?? "{}") as JsonObject ?? [],
        Attachments = LargeText.Read(entity, "Attachments") is { } attachments ? JsonNode.Parse(attachments) as JsonArray : null,
        Hash = entity.GetString("Hash"),
        PlanhatId = entity.GetString("PlanhatId"),
        HullClaims = JsonNode.Parse(entity.GetString("HullClaims") ?? "{}") as JsonObject ?? [],
        Context = entity.GetString("Context") is { } context ? JsonNode.Parse(context) as JsonObject : null,
        Version = entity.GetInt64("Version") ?? 0,
        Attempts = entity.GetInt32("Attempts") ?? 0,
        LastError = entity.GetString("LastError"),
        StagedAt = StagedAtOf(entity),
        NotBefore = NotBeforeOf(entity),
        ETag = entity.ETag,
    };

    private static DateTimeOffset StagedAtOf(TableEntity entity) => entity.GetDateTimeOffset("StagedAt") ?? DateTimeOffset.MinValue;

    private static DateTimeOffset NotBeforeOf(TableEntity entity) => entity.GetDateTimeOffset("NotBefore") ?? DateTimeOffset.MinValue;
}
