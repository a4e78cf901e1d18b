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
/// accepted and its Planhat id (<c>{type}_{hull id}</c>), and companies' Planhat ids by external id
/// (<c>companyext_{external id}</c>) so endusers can find their company before Hull knows its id.
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

    /// <summary>Planhat ids by external id (e.g. the companies a chunk of endusers belongs to), read as <see cref="ReadManyAsync"/> does.</summary>
    public async Task<IReadOnlyDictionary<string, string>> FindPlanhatIdsByExternalIdAsync(string connectorId, string objectType, IEnumerable<string> externalIds, CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync();
        var byKey = externalIds.Distinct(StringComparer.Ordinal).ToDictionary(id => $"{objectType}ext_{TableKeys.Encode(id)}", StringComparer.Ordinal);
        var rows = await KeyedRowReader.ReadAsync(Table, TableKeys.Encode(connectorId), byKey.Keys, ["PlanhatId"], cancellationToken);
        return rows.Where(r => r.Value.GetString("PlanhatId") is not null).ToDictionary(r => byKey[r.Key], r => r.Value.GetString("PlanhatId"), StringComparer.Ordinal);
    }

    private static readonly string[] StateColumns = ["Hash", "PlanhatId", "ExternalId", "Version"];

    private static SyncState ToState(TableEntity e) => new(e.GetString("Hash"), e.GetString("PlanhatId"), e.GetString("ExternalId"), e.GetInt64("Version") ?? 0);

    public async Task<string?> FindPlanhatIdByExternalIdAsync(string connectorId, string objectType, string externalId, CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync();
        var response = await Table.GetEntityIfExistsAsync<TableEntity>(TableKeys.Encode(connectorId), $"{objectType}ext_{TableKeys.Encode(externalId)}", cancellationToken: cancellationToken);
        return response.HasValue ? response.Value!.GetString("PlanhatId") : null;
    }

    /// <summary>Records accepted objects, in table transactions of up to 100 rows.</summary>
    public async Task SaveAsync(string connectorId, string objectType, IEnumerable<(string HullId, SyncState State)> accepted, CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync();
        var partition = TableKeys.Encode(connectorId);
        var actions = new List<TableTransactionAction>();
        foreach (var (hullId, state) in accepted)
        {
            actions.Add(new(TableTransactionActionType.UpsertReplace, new TableEntity(partition, $"{objectType}_{TableKeys.Encode(hullId)}")
            {
                ["Hash"] = state.Hash,
                ["PlanhatId"] = state.PlanhatId,
                ["ExternalId"] = state.ExternalId,
                ["Version"] = state.Version,
            }));
            // Only companies are looked up by external id (an enduser's company); an enduser's row would be a write no one reads.
            if (objectType == OutboxObjectTypes.Company && state is { ExternalId: { } externalId, PlanhatId: { } planhatId })
            {
                actions.Add(new(TableTransactionActionType.UpsertReplace, new TableEntity(partition, $"{objectType}ext_{TableKeys.Encode(externalId)}")
                {
                    ["PlanhatId"] = planhatId,
                }));
            }
        }

        // A transaction may not touch the same row twice: keep the last action per row.
        var distinct = actions.GroupBy(a => a.Entity.RowKey).Select(g => g.Last()).ToList();
        await Table.SubmitInTransactionsAsync(distinct, cancellationToken);
    }
}
