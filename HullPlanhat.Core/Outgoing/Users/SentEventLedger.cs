using Azure.Data.Tables;
using HullPlanhat.Core.Storage;

namespace HullPlanhat.Core.Outgoing.Users;

/// <summary>
/// Hull event ids already posted to Planhat, per connector (rows <c>event|{user}|{event id}</c> in the
/// <c>syncstate</c> table), so an event Hull delivers again (a retried or replayed notification)
/// is not posted twice — Planhat does not deduplicate activities.
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
        var unsent = new List<StagedEvent>();
        foreach (var candidate in events)
        {
            var found = await Table.GetEntityIfExistsAsync<TableEntity>(TableKeys.Encode(connectorId), RowKey(hullUserId, candidate.EventId), ["PartitionKey"], cancellationToken);
            if (!found.HasValue)
            {
                unsent.Add(candidate);
            }
        }

        return unsent;
    }

    /// <summary>Records sent events, in table transactions of up to 100 rows.</summary>
    public async Task MarkSentAsync(string connectorId, IEnumerable<(string HullUserId, string EventId)> sent, CancellationToken cancellationToken)
    {
        var partition = TableKeys.Encode(connectorId);
        var actions = sent
            .Select(s => RowKey(s.HullUserId, s.EventId))
            .Distinct(StringComparer.Ordinal)
            .Select(rowKey => new TableTransactionAction(TableTransactionActionType.UpsertReplace, new TableEntity(partition, rowKey)))
            .ToList();
        await Parallel.ForEachAsync(actions.Chunk(100), new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cancellationToken },
            async (batch, ct) => await Table.SubmitTransactionAsync(batch, ct));
    }

    private static string RowKey(string hullUserId, string eventId) => $"event|{TableKeys.Encode(hullUserId)}|{TableKeys.Encode(eventId)}";
}
