using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Azure;
using Azure.Data.Tables;

namespace HullPlanhat.Core.Storage;

/// <summary>
/// The <c>connectors</c> table: the latest settings and credentials of every connector that
/// notified us, so timers and the internal API know them. Reads are cached briefly in process
/// (writes through this instance refresh the cache; other instances converge within the TTL).
/// The secret and the Planhat token are stored encrypted (<see cref="ConnectorSecretProtector"/>);
/// a row stored in plain text before is encrypted when it is first read.
/// </summary>
public sealed class ConnectorRegistry(StorageClients storage, TimeProvider clock, ConnectorSecretProtector secrets)
{
    private const string Partition = "connector";
    private static readonly TimeSpan CacheTtl = TimeSpan.FromSeconds(30);
    private readonly ConcurrentDictionary<string, (DateTimeOffset Expires, ConnectorRecord? Record)> cache = new();
    private readonly ConcurrentDictionary<string, Lazy<Task<ConnectorRecord?>>> reads = new();

    private TableClient Table => storage.Table(StorageNames.ConnectorsTable);

    /// <summary>
    /// Stores the connector's latest settings and credentials. Every notification carries them, so a
    /// record this instance wrote or read within the cache's TTL with the same values is not written
    /// again: one write per change (and per TTL), not one per notification.
    /// </summary>
    public async Task SaveAsync(ConnectorRecord connector, CancellationToken cancellationToken)
    {
        if (TryCached(connector.Id, out var known) && known is not null && SameValues(known, connector))
        {
            return;
        }

        await storage.EnsureCreatedAsync();
        var entity = new TableEntity(Partition, TableKeys.Encode(connector.Id))
        {
            ["ConnectorId"] = connector.Id,
            ["Organization"] = connector.Organization,
            ["Secret"] = secrets.Protect(connector.Secret),
            ["Name"] = connector.Name,
            ["PrivateSettings"] = secrets.ProtectSettings(connector.PrivateSettings).ToJsonString(),
            ["SettingsUpdatedAt"] = connector.UpdatedAt,
            // A hash of the secret is protected like the secret itself.
            ["VerifiedCredentialsHash"] = connector.VerifiedCredentialsHash is { } verified ? secrets.Protect(verified) : null,
        };
        await Table.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken);
        cache[connector.Id] = (clock.GetUtcNow() + CacheTtl, connector);
    }

    private static bool SameValues(ConnectorRecord a, ConnectorRecord b) =>
        a.Organization == b.Organization && a.Secret == b.Secret && a.Name == b.Name && a.VerifiedCredentialsHash == b.VerifiedCredentialsHash
        && JsonNode.DeepEquals(a.PrivateSettings, b.PrivateSettings);

    public async Task<ConnectorRecord?> FindAsync(string connectorId, CancellationToken cancellationToken)
    {
        if (TryCached(connectorId, out var cached))
        {
            return cached;
        }

        // When the cache runs out, the hundreds of handlers in flight share one read.
        // (Lazy: GetOrAdd may run its factory on several threads at once.)
        var read = reads.GetOrAdd(connectorId, id => new Lazy<Task<ConnectorRecord?>>(() => ReadAsync(id)));
        try
        {
            return await read.Value.WaitAsync(cancellationToken);
        }
        finally
        {
            if (read.Value.IsCompleted)
            {
                reads.TryRemove(KeyValuePair.Create(connectorId, read));
            }
        }
    }

    /// <summary>The record this instance wrote or read within the cache's TTL (null: no such connector).</summary>
    private bool TryCached(string connectorId, out ConnectorRecord? record)
    {
        var fresh = cache.TryGetValue(connectorId, out var cached) && cached.Expires > clock.GetUtcNow();
        record = fresh ? cached.Record : null;
        return fresh;
    }

    private async Task<ConnectorRecord?> ReadAsync(string connectorId)
    {
        if (TryCached(connectorId, out var cached))
        {
            return cached; // a read that ended while this caller was on its way here
        }

        await storage.EnsureCreatedAsync();
        var response = await Table.GetEntityIfExistsAsync<TableEntity>(Partition, TableKeys.Encode(connectorId), cancellationToken: CancellationToken.None);
        var record = response.HasValue ? await ToRecordAsync(response.Value!, CancellationToken.None) : null;
        cache[connectorId] = (clock.GetUtcNow() + CacheTtl, record);
        return record;
    }

    public async IAsyncEnumerable<ConnectorRecord> ListAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync();
        await foreach (var entity in Table.QueryAsync<TableEntity>(e => e.PartitionKey == Partition, cancellationToken: cancellationToken))
        {
            yield return await ToRecordAsync(entity, cancellationToken);
        }
    }

    private async Task<ConnectorRecord> ToRecordAsync(TableEntity entity, CancellationToken cancellationToken)
    {
        var storedSecret = entity.GetString("Secret");
        var storedSettings = JsonNode.Parse(entity.GetString("PrivateSettings") ?? "{}") as JsonObject ?? [];
        if (ConnectorSecretProtector.HoldsPlainSecrets(storedSecret, storedSettings))
        {
            await EncryptPlainRowAsync(entity, storedSecret, storedSettings, cancellationToken);
        }

        return new(
            entity.GetString("ConnectorId"),
            entity.GetString("Organization"),
            secrets.Unprotect(storedSecret ?? string.Empty),
            entity.GetString("Name"),
            secrets.UnprotectSettings(storedSettings),
            entity.GetDateTimeOffset("SettingsUpdatedAt") ?? DateTimeOffset.MinValue)
        {
            VerifiedCredentialsHash = entity.GetString("VerifiedCredentialsHash") is { } verified ? secrets.Unprotect(verified) : null,
        };
    }

    // Only if the row is unchanged since read (ETag): a concurrent save has already written it encrypted.
    private async Task EncryptPlainRowAsync(TableEntity entity, string? secret, JsonObject settings, CancellationToken cancellationToken)
    {
        var update = new TableEntity(entity.PartitionKey, entity.RowKey) { ["PrivateSettings"] = secrets.ProtectSettings(settings).ToJsonString() };
        if (secret is { Length: > 0 })
        {
            update["Secret"] = secrets.Protect(secret);
        }

        try
        {
            await Table.UpdateEntityAsync(update, entity.ETag, TableUpdateMode.Merge, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status is 412 or 404)
        {
        }
    }
}
