using Azure.Data.Tables;
using Azure;
using HullPlanhat.Core.Outgoing.Outbox;
using HullPlanhat.Core.Storage;

namespace HullPlanhat.Core.Outgoing.Users;

/// <summary>
/// Hull event ids already posted to Planhat, per connector (rows <c>event|{user}|{event id}</c> in the
/// <c>syncstate</c> table), so an event Hull delivers again (a retried or replayed notification)
/// is not posted twice — Planhat does not deduplicate activities. Rows expire after
/// <see cref="OutboxOptions.SentEventRetention"/>: Hull does not deliver an event again that late.
/// </summary>
public sealed class SentEventLedger(StorageClients storage)
{
    private TableClient Table => storage.Table(StorageNames.SyncStateTable);

    /// <summary>The events of <paramref name="events"/> not sent yet.</summary>
    public async Task<IReadOnlyList<StagedEvent>> UnsentAsync(string connectorId, string hullUserId, IReadOnlyList<StagedEvent> events, CancellationToken cancellationToken)
    {
        if (events.Count == 0)
        {
            return events;
        }

        await storage.EnsureCreatedAsync();
        var partition = TableKeys.Encode(connectorId);
        var found = await Task.WhenAll(events.Select(e => Table.GetEntityIfExistsAsync<TableEntity>(partition, RowKey(hullUserId, e.EventId), ["PartitionKey"], cancellationToken)));
        return events.Where((_, i) => !found[i].HasValue).ToList();
    }

    /// <summary>
    /// Which of many users' events were sent already (the flusher's chunk): range reads where the
    /// users lie together, point reads where they are scattered (<see cref="KeyedRowReader"/>).
    /// </summary>
    public async Task<IReadOnlySet<(string HullUserId, string EventId)>> SentAmongAsync(string connectorId, IEnumerable<(string HullUserId, string EventId)> events,
        CancellationToken cancellationToken)
    {
        var byKey = events.Distinct().ToDictionary(e => RowKey(e.HullUserId, e.EventId), StringComparer.Ordinal);
        if (byKey.Count == 0)
        {
            return new HashSet<(string, string)>();
        }

        await storage.EnsureCreatedAsync();
        var rows = await KeyedRowReader.ReadAsync(Table, TableKeys.Encode(connectorId), byKey.Keys, ["PartitionKey"], cancellationToken);
        return rows.Keys.Select(k => byKey[k]).ToHashSet();
    }

    /// <summary>
    /// Records events as sent before they are posted, each by inserting its row: an event whose row
    /// is there already (recorded by a flush running beside this one) is not claimed, so only one
    /// flush posts it. Transactions of up to 100 rows, side by side; each row carries a token
    /// (<see cref="ConditionalRowWrite"/>), so a transaction whose reply was lost still counts as this call's claim.
    /// </summary>
    /// <returns>The events this call claimed, and the first error of a transaction that failed (its events are not claimed).</returns>
    public async Task<(IReadOnlySet<(string HullUserId, string EventId)> Claimed, Exception? Error)> ClaimAsync(string connectorId,
        IEnumerable<(string HullUserId, string EventId)> events, CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync();
        var partition = TableKeys.Encode(connectorId);
        var byKey = events.DistinctBy(e => RowKey(e.HullUserId, e.EventId)).ToDictionary(e => RowKey(e.HullUserId, e.EventId), StringComparer.Ordinal);
        var batches = byKey.Keys
            .Select(rowKey => new TableTransactionAction(TableTransactionActionType.Add, ConditionalRowWrite.Stamp(new TableEntity(partition, rowKey))))
            .Chunk(ConditionalBatches.MaxRows)
            .Select(async batch =>
            {
                try
                {
                    return (Applied: await ConditionalBatches.ApplyBatchAsync(Table, batch, cancellationToken, (action, ct) => ConditionalRowWrite.HoldsAsync(Table, action, ct)), Error: (Exception?)null);
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    return (Applied: [], Error: e);
                }
            });
        var results = await Task.WhenAll(batches);
        var claimed = results.SelectMany(r => r.Applied).Select(a => byKey[a.Entity.RowKey]).ToHashSet();
        return (claimed, results.Select(r => r.Error).FirstOrDefault(e => e is not null));
    }

    /// <summary>Forgets events recorded as sent that were not (their post certainly failed), so they are sent again.</summary>
    public async Task ForgetAsync(string connectorId, IEnumerable<(string HullUserId, string EventId)> unsent, CancellationToken cancellationToken)
    {
        var partition = TableKeys.Encode(connectorId);
        foreach (var rowKey in unsent.Select(s => RowKey(s.HullUserId, s.EventId)).Distinct(StringComparer.Ordinal))
        {
            await Table.DeleteEntityAsync(partition, rowKey, ETag.All, cancellationToken); // 404 (not there) is no error here
        }
    }

    /// <summary>Deletes the connector's rows written before <paramref name="cutoff"/>, in transactions of up to 100, one transaction's rows in memory at a time.</summary>
    /// <returns>How many rows were deleted.</returns>
    public async Task<int> PurgeAsync(string connectorId, DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync();
        var partition = TableKeys.Encode(connectorId);
        // A row purged meanwhile by another instance is left out of its transaction (404).
        return (await ConditionalBatches.SubmitAsync(Table, ExpiredAsync(), cancellationToken)).Deleted;

        async IAsyncEnumerable<TableTransactionAction> ExpiredAsync()
        {
            await foreach (var row in Table.QueryAsync<TableEntity>(
                e => e.PartitionKey == partition && e.RowKey.CompareTo("event|") >= 0 && e.RowKey.CompareTo("event}") < 0 && e.Timestamp < cutoff,
                maxPerPage: 1000, select: ["PartitionKey", "RowKey"], cancellationToken: cancellationToken))
            {
                yield return new(TableTransactionActionType.Delete, row, ETag.All);
            }
        }
    }

    // Hull's event ids are user data of any length: a long one is hashed, so one event cannot make the chunk's record fail.
    private static string RowKey(string hullUserId, string eventId) => $"event|{TableKeys.EncodeBounded(hullUserId)}|{TableKeys.EncodeBounded(eventId)}";
}
