using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Azure.Data.Tables;
using HullPlanhat.Core.Storage;
using HullPlanhat.Core.TwoWay;

namespace HullPlanhat.Core.Incoming;

/// <summary>
/// What was last accepted by Hull for one Planhat object: its hash and, for companies, its account
/// claims; and when this connector last wrote to the object (<see cref="EchoRecorder"/>). A row
/// holding only a write has no hash: Hull never received that object.
/// </summary>
public sealed record StoredHash(string? Hash, JsonObject? Claims, DateTimeOffset? WrittenAt = null);

/// <summary>The per-field fingerprints of a row: as Hull last received the object, and as this connector last wrote it.</summary>
public sealed record StoredFields(IReadOnlyDictionary<string, string>? Imported, WrittenFields? Written);

/// <summary>
/// The <c>hashes</c> table: partition = connector + object type, row = Planhat <c>_id</c>. Company
/// rows also keep the account claims they were sent with, which is how endusers find the Hull
/// account to link to without asking Planhat.
/// </summary>
public sealed class HashStore(StorageClients storage)
{
    private const int ReadParallelism = 32;
    private const int FieldsReadParallelism = 32;
    // The fingerprints are read only for the few objects that need them (ReadFieldsAsync): an unchanged page stays small.
    private static readonly string[] Columns = ["Hash", "Claims", EchoRecorder.AtColumn];
    private static readonly string[] RangeColumns = ["RowKey", .. Columns];
    private static readonly string[] FieldColumns = [FieldsColumn, EchoRecorder.FieldsColumn, EchoRecorder.AtColumn];
    private const string FieldsColumn = "Fields";

    private TableClient Table => storage.Table(StorageNames.HashesTable);

    public static string Partition(string connectorId, IncomingKind kind) => $"{TableKeys.Encode(connectorId)}_{kind.Name}";

    /// <summary>
    /// The stored rows for <paramref name="planhatIds"/>. One range query over the page's lowest to
    /// highest id first: Planhat lists in <c>_id</c> order, so that reads a page in a few requests
    /// instead of one per object. The range may not scan more than twice the ids asked for (a page
    /// whose ids are scattered); whatever it did not reach is read by point reads in parallel.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, StoredHash>> ReadAsync(string connectorId, IncomingKind kind, IEnumerable<string> planhatIds, CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync();
        var partition = Partition(connectorId, kind);
        var ids = planhatIds.Distinct(StringComparer.Ordinal).ToDictionary(TableKeys.Encode, id => id, StringComparer.Ordinal);
        var found = new ConcurrentDictionary<string, StoredHash>(StringComparer.Ordinal);
        if (ids.Count == 0)
        {
            return found;
        }

        var keys = ids.Keys.Order(StringComparer.Ordinal).ToList();
        var reachedUpTo = await ReadRangeAsync(partition, keys, ids, found, cancellationToken);
        var rest = reachedUpTo is null ? [] : keys.Where(k => string.CompareOrdinal(k, reachedUpTo) > 0).ToList();
        await Parallel.ForEachAsync(rest, new ParallelOptions { MaxDegreeOfParallelism = ReadParallelism, CancellationToken = cancellationToken },
            async (key, ct) =>
            {
                var response = await Table.GetEntityIfExistsAsync<TableEntity>(partition, key, Columns, ct);
                if (response.HasValue && response.Value is { } entity)
                {
                    Add(key, entity, ids, found);
                }
            });
        return found;
    }

    /// <returns>Null when the whole range was read, else the last row key it reached.</returns>
    private async Task<string?> ReadRangeAsync(string partition, List<string> keys, Dictionary<string, string> ids,
        ConcurrentDictionary<string, StoredHash> found, CancellationToken cancellationToken)
    {
        var budget = keys.Count * 2;
        var reached = string.Empty;
        var filter = $"PartitionKey eq '{Quote(partition)}' and RowKey ge '{Quote(keys[0])}' and RowKey le '{Quote(keys[^1])}'";
        await foreach (var entity in Table.QueryAsync<TableEntity>(filter, maxPerPage: 1000, select: RangeColumns, cancellationToken: cancellationToken))
        {
            if (budget-- == 0)
            {
                return reached;
            }

            reached = entity.RowKey;
            Add(entity.RowKey, entity, ids, found);
        }

        return null;
    }

    private static void Add(string rowKey, TableEntity entity, Dictionary<string, string> ids, ConcurrentDictionary<string, StoredHash> found)
    {
        if (!ids.TryGetValue(rowKey, out var id))
        {
            return;
        }

        var writtenAt = entity.GetDateTimeOffset(EchoRecorder.AtColumn);
        if (entity.GetString("Hash") is not null || writtenAt is not null)
        {
            found[id] = new StoredHash(entity.GetString("Hash"), entity.GetString("Claims") is { } claims ? JsonNode.Parse(claims) as JsonObject : null, writtenAt);
        }
    }

    /// <summary>The fingerprints of a few objects' rows (point reads in parallel); objects without a row are left out.</summary>
    public async Task<IReadOnlyDictionary<string, StoredFields>> ReadFieldsAsync(string connectorId, IncomingKind kind, IEnumerable<string> planhatIds, CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync();
        var partition = Partition(connectorId, kind);
        var found = new ConcurrentDictionary<string, StoredFields>(StringComparer.Ordinal);
        await Parallel.ForEachAsync(planhatIds.Distinct(StringComparer.Ordinal),
            new ParallelOptions { MaxDegreeOfParallelism = FieldsReadParallelism, CancellationToken = cancellationToken }, async (id, ct) =>
            {
                var response = await Table.GetEntityIfExistsAsync<TableEntity>(partition, TableKeys.Encode(id), FieldColumns, ct);
                if (response.HasValue && response.Value is { } entity)
                {
                    var written = FieldFingerprints.Parse(entity.GetString(EchoRecorder.FieldsColumn)) is { } fields && entity.GetDateTimeOffset(EchoRecorder.AtColumn) is { } at
                        ? new WrittenFields(fields, at)
                        : null;
                    found[id] = new StoredFields(FieldFingerprints.Parse(entity.GetString(FieldsColumn)), written);
                }
            });
        return found;
    }

    private static string Quote(string value) => value.Replace("'", "''", StringComparison.Ordinal);

    /// <summary>
    /// Records objects Hull accepted (or that were found to be this connector's own write), in table
    /// transactions of up to 100 rows. Replacing the row also clears the write it was compared with.
    /// </summary>
    public async Task SaveAsync(string connectorId, IncomingKind kind, IEnumerable<IncomingObject> accepted, CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync();
        var partition = Partition(connectorId, kind);
        var actions = accepted
            .GroupBy(o => o.PlanhatId, StringComparer.Ordinal)
            .Select(g => new TableTransactionAction(TableTransactionActionType.UpsertReplace, new TableEntity(partition, TableKeys.Encode(g.Key))
            {
                ["Hash"] = g.Last().Hash,
                ["Claims"] = kind == IncomingKind.Companies ? g.Last().Claims.ToJsonString() : null,
                [FieldsColumn] = FieldFingerprints.Serialize(g.Last().Fields),
            }))
            .ToList();
        await Table.SubmitInTransactionsAsync(actions, cancellationToken);
    }
}
