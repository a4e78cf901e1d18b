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
    private const int FieldsReadParallelism = 32;
    // The fingerprints are read only for the few objects that need them (ReadFieldsAsync): an unchanged page stays small.
    private static readonly string[] Columns = ["Hash", "Claims", EchoRecorder.AtColumn];
    private static readonly string[] FieldColumns = [FieldsColumn, EchoRecorder.FieldsColumn, EchoRecorder.AtColumn];
    private const string FieldsColumn = "Fields";

    private TableClient Table => storage.Table(StorageNames.HashesTable);

    public static string Partition(string connectorId, IncomingKind kind) => $"{TableKeys.Encode(connectorId)}_{kind.Name}";

    /// <summary>
    /// The stored rows for <paramref name="planhatIds"/>, by <see cref="KeyedRowReader"/>: Planhat lists in
    /// <c>_id</c> order, so a page's rows lie together and cost a request per 1,000 instead of one per object.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, StoredHash>> ReadAsync(string connectorId, IncomingKind kind, IEnumerable<string> planhatIds, CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync();
        var ids = planhatIds.Distinct(StringComparer.Ordinal).ToDictionary(TableKeys.Encode, id => id, StringComparer.Ordinal);
        var rows = await KeyedRowReader.ReadAsync(Table, Partition(connectorId, kind), ids.Keys, Columns, cancellationToken);
        var found = new Dictionary<string, StoredHash>(rows.Count, StringComparer.Ordinal);
        foreach (var (rowKey, entity) in rows)
        {
            var writtenAt = entity.GetDateTimeOffset(EchoRecorder.AtColumn);
            if (entity.GetString("Hash") is not null || writtenAt is not null)
            {
                found[ids[rowKey]] = new StoredHash(entity.GetString("Hash"), entity.GetString("Claims") is { } claims ? JsonNode.Parse(claims) as JsonObject : null, writtenAt);
            }
        }

        return found;
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
