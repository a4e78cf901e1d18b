using System.Text.Json.Nodes;
using HullPlanhat.Core.Outgoing.Outbox;

namespace HullPlanhat.Core.Outgoing.Users;

/// <summary>
/// Enduser rows of the outbox, whose events (attachments) must neither be lost when a newer change
/// replaces the row nor be sent twice: staging merges events into the staged row, and completing
/// a row that changed meanwhile removes only the events already sent. Optimistic concurrency (ETags).
/// </summary>
public sealed class EnduserOutbox(OutboxStore outbox, TimeProvider clock)
{
    private const int MaxConflicts = 10;

    /// <summary>Stages the enduser with its events merged into what is staged already.</summary>
    /// <returns>False when a newer change of the enduser is staged already: it stays, and only gains these events.</returns>
    public async Task<bool> StageAsync(OutboxRow row, IReadOnlyList<StagedEvent> events, CancellationToken cancellationToken) =>
        await StageAsync(row, events, clock.GetUtcNow(), cancellationToken);

    /// <summary>
    /// Moves the events of an enduser Planhat accepted to the user's event row (merged with events
    /// waiting there), which keeps the enduser's staging time: the event flush holds or sends them by
    /// when they arrived. Idempotent: moving the same events again (after a crash) merges nothing new.
    /// </summary>
    public Task StageEventsAsync(OutboxRow enduserRow, CancellationToken cancellationToken) =>
        StageAsync(enduserRow with
        {
            ObjectType = OutboxObjectTypes.Event,
            Payload = [],
            Attachments = null,
            PlanhatId = null,
            Context = null,
            ETag = default,
        }, EventsOf(enduserRow), enduserRow.StagedAt, cancellationToken);

    private async Task<bool> StageAsync(OutboxRow row, IReadOnlyList<StagedEvent> events, DateTimeOffset stagedAt, CancellationToken cancellationToken)
    {
        // Usually nothing is staged for this user: try to add first, read only on conflict.
        OutboxRow? existing = null;
        for (var attempt = 0; attempt < MaxConflicts; attempt++)
        {
            var merged = EventMapper.Merge(EventsOf(existing), events);

            // A newer change staged already keeps its enduser; this older one only adds its events.
            var older = existing is not null && ChangeVersion.IsOlder(row.Version, existing.Version);
            if (older && merged.Count == EventsOf(existing).Count)
            {
                return false;
            }

            var staged = (older ? existing! : row) with
            {
                Attachments = merged.Count == 0 ? null : new JsonArray(merged.Select(e => (JsonNode)e.ToJson()).ToArray()),
                StagedAt = stagedAt,
                NotBefore = DateTimeOffset.MinValue,
                Attempts = 0,
                LastError = null,
            };
            if (await outbox.TryWriteAsync(staged, existing, cancellationToken))
            {
                return !older;
            }

            existing = await outbox.FindAsync(row.ConnectorId, row.ObjectType, row.HullId, cancellationToken);
        }

        throw new InvalidOperationException($"The outbox {row.ObjectType} row of user {row.HullId} kept changing; the message will be retried.");
    }

    /// <summary>Lets a row wait (e.g. for its company) without counting a failed attempt.</summary>
    public Task DeferAsync(OutboxRow row, TimeSpan delay, CancellationToken cancellationToken) =>
        outbox.TryWriteAsync(row with { NotBefore = clock.GetUtcNow() + delay }, row, cancellationToken);

    /// <summary>
    /// Removes flushed rows, in batches (<see cref="OutboxStore.CompleteAsync"/>). A row a newer change
    /// replaced meanwhile stays, but loses the events the flushed row carried (sent, or moved to the
    /// user's event row).
    /// </summary>
    public async Task CompleteAsync(IEnumerable<OutboxRow> rows, CancellationToken cancellationToken)
    {
        var replaced = await outbox.CompleteAsync(rows, cancellationToken);
        await Parallel.ForEachAsync(replaced, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken },
            async (row, ct) => await RemoveEventsAsync(row, EventsOf(row).Select(e => e.EventId).ToHashSet(StringComparer.Ordinal), ct));
    }

    /// <summary>Removes <paramref name="sentEventIds"/> from the row a newer change put in place of <paramref name="row"/>.</summary>
    private async Task RemoveEventsAsync(OutboxRow row, IReadOnlySet<string> sentEventIds, CancellationToken cancellationToken)
    {
        if (await outbox.TryDeleteAsync(row, cancellationToken) || sentEventIds.Count == 0)
        {
            return;
        }

        for (var attempt = 0; attempt < MaxConflicts; attempt++)
        {
            var current = await outbox.FindAsync(row.ConnectorId, row.ObjectType, row.HullId, cancellationToken);
            var events = EventsOf(current);
            if (current is null || !events.Any(e => sentEventIds.Contains(e.EventId)))
            {
                return;
            }

            var left = events.Where(e => !sentEventIds.Contains(e.EventId)).Select(e => (JsonNode)e.ToJson()).ToArray();
            if (await outbox.TryWriteAsync(current with { Attachments = left.Length == 0 ? null : new JsonArray(left) }, current, cancellationToken))
            {
                return;
            }
        }
    }

    public static IReadOnlyList<StagedEvent> EventsOf(OutboxRow? row) =>
        row?.Attachments?.Select(StagedEvent.FromJson).OfType<StagedEvent>().ToList() ?? [];
}
