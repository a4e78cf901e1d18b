using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Azure;
using Azure.Data.Tables;

namespace HullPlanhat.Core.Storage;

/// <summary>
/// The <c>connectors</c> table: the latest settings and credentials of every connector that
/// notified us, so timers and the internal API know them. Reads are cached briefly in process
/// (writes through this instance refresh the cache; other instances converge within the TTL).
/// </summary>
public sealed class ConnectorRegistry(StorageClients storage, TimeProvider clock)
{
    private const string Partition = "connector";
    private static readonly TimeSpan CacheTtl = TimeSpan.FromSeconds(30);
    private readonly ConcurrentDictionary<string, (DateTimeOffset Expires, ConnectorRecord? Record)> cache = new();

    private TableClient Table => storage.Table(StorageNames.ConnectorsTable);

    public async Task SaveAsync(ConnectorRecord connector, CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync();
        var entity = new TableEntity(Partition, TableKeys.Encode(connector.Id))
        {
            ["ConnectorId"] = connector.Id,
            ["Organization"] = connector.Organization,
            ["Secret"] = connector.Secret,
            ["Name"] = connector.Name,
            ["PrivateSettings"] = connector.PrivateSettings.ToJsonString(),
            ["SettingsUpdatedAt"] = connector.UpdatedAt,
            ["VerifiedCredentialsHash"] = connector.VerifiedCredentialsHash,
        };
        await Table.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken);
        cache[connector.Id] = (clock.GetUtcNow() + CacheTtl, connector);
    }

    public async Task<ConnectorRecord?> FindAsync(string connectorId, CancellationToken cancellationToken)
    {
        if (cache.TryGetValue(connectorId, out var cached) && cached.Expires > clock.GetUtcNow())
        {
            return cached.Record;
        }

        await storage.EnsureCreatedAsync();
        var response = await Table.GetEntityIfExistsAsync<TableEntity>(Partition, TableKeys.Encode(connectorId), cancellationToken: cancellationToken);
        var record = response.HasValue ? ToRecord(response.Value!) : null;
        cache[connectorId] = (clock.GetUtcNow() + CacheTtl, record);
        return record;
    }

    public async IAsyncEnumerable<ConnectorRecord> ListAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync();
        await foreach (var entity in Table.QueryAsync<TableEntity>(e => e.PartitionKey == Partition, cancellationToken: cancellationToken))
        {
            yield return ToRecord(entity);
        }
    }

    private static ConnectorRecord ToRecord(TableEntity entity) => new(
        entity.GetString("ConnectorId"),
        entity.GetString("Organization"),
        entity.GetString("Secret"),
        entity.GetString("Name"),
        JsonNode.Parse(entity.GetString("PrivateSettings") ?? "{}") as JsonObject ?? [],
        entity.GetDateTimeOffset("SettingsUpdatedAt") ?? DateTimeOffset.MinValue)
    {
        VerifiedCredentialsHash = entity.GetString("VerifiedCredentialsHash"),
    };
}
