using Azure;
using Azure.Data.Tables;
using HullPlanhat.Core.Outgoing.Outbox;
using HullPlanhat.Core.Storage;

namespace HullPlanhat.Core.Outgoing;

/// <summary>What Planhat last accepted for one Hull object.</summary>
/// <param name="Version">When Hull last changed the object Planhat accepted (<see cref="ChangeVersion"/>); 0 when unknown.</param>
public sealed record SyncState(string Hash, string? PlanhatId, string? ExternalId, long Version = 0);

/// <summary>
/// The <c>syncstate</c> table, one partition per connector: per Hull object the hash Planhat last
/// accepted and its Planhat id (<c>{type}_{hull id}</c>); endusers find their company's Planhat id in
/// its account's row before Hull knows it. (Rows <c>companyext_{external id}</c>, written by earlier
/// versions for that lookup, are no longer written or read.)
/// </summary>
public sealed class SyncStateStore(StorageClients storage)
{
    private TableClient Table => storage.Table(StorageNames.SyncStateTable);

    public async Task<SyncState?> GetAsync(string connectorId, string objectType, string hullId, CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync();
        var response = await Table.GetEntityIfExistsAsync<TableEntity>(TableKeys.Encode(connectorId), $"{objectType}_{TableKeys.Encode(hullId)}", cancellationToken: cancellationToken);
        return response.HasValue && response.Value is { } e
            ? ToState(e)
            : null;
    }

    /// <summary>
    /// What Planhat last accepted for many objects of one type (the flusher's chunk), by Hull id:
    /// range reads where the objects lie together, point reads where they are scattered (<see cref="KeyedRowReader"/>).
    /// </summary>
    public async Task<IReadOnlyDictionary<string, SyncState>> ReadManyAsync(string connectorId, string objectType, IEnumerable<string> hullIds, CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync();
        var byKey = hullIds.Distinct(StringComparer.Ordinal).ToDictionary(id => $"{objectType}_{TableKeys.Encode(id)}", StringComparer.Ordinal);
        var rows = await KeyedRowReader.ReadAsync(Table, TableKeys.Encode(connectorId), byKey.Keys, StateColumns, cancellationToken);
        return rows.ToDictionary(r => byKey[r.Key], r => ToState(r.Value), StringComparer.Ordinal);
    }

    /// <summary>The Planhat ids Planhat accepted for many objects (e.g. the companies of a chunk of endusers), by Hull id, read as <see cref="ReadManyAsync"/> does.</summary>
    public async Task<IReadOnlyDictionary<string, string>> FindPlanhatIdsAsync(string connectorId, string objectType, IEnumerable<string> hullIds, CancellationToken cancellationToken) =>
        (await ReadManyAsync(connectorId, objectType, hullIds, cancellationToken))
            .Where(s => s.Value.PlanhatId is not null)
            .ToDictionary(s => s.Key, s => s.Value.PlanhatId!, StringComparer.Ordinal);

    private static readonly string[] StateColumns = ["Hash", "PlanhatId", "ExternalId", "Version"];

    private static SyncState ToState(TableEntity e) => new(e.GetString("Hash"), e.GetString("PlanhatId"), e.GetString("ExternalId"), e.GetInt64("Version") ?? 0);

    /// <summary>Records accepted objects, in table transactions of up to 100 rows.</summary>
    public async Task SaveAsync(string connectorId, string objectType, IEnumerable<(string HullId, SyncState State)> accepted, CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync();
        var partition = TableKeys.Encode(connectorId);
        // A transaction may not touch the same row twice: keep the last state per object.
        var distinct = accepted
            .GroupBy(a => $"{objectType}_{TableKeys.Encode(a.HullId)}", StringComparer.Ordinal)
            .Select(g => new TableTransactionAction(TableTransactionActionType.UpsertReplace, new TableEntity(partition, g.Key)
            {
                ["Hash"] = g.Last().State.Hash,
                ["PlanhatId"] = g.Last().State.PlanhatId,
                ["ExternalId"] = g.Last().State.ExternalId,
                ["Version"] = g.Last().State.Version,
            }))
            .ToList();
        await Table.SubmitInTransactionsAsync(distinct, cancellationToken);
    }
}
