using System.Runtime.ExceptionServices;
using System.Text.Json.Nodes;
using HullPlanhat.Core.Logging;
using HullPlanhat.Core.Outgoing.Outbox;
using HullPlanhat.Core.Planhat;
using HullPlanhat.Core.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HullPlanhat.Core.Outgoing.Users;

/// <summary>
/// Posts the events the enduser flush moved to event rows (their endusers are in Planhat), after
/// the endusers, in chunks of one analytics call each, held to fill like the other chunks
/// (<see cref="PartialChunkPolicy"/>); so a portfolio's events cost one call per 5,000, not one per
/// enduser chunk. A failed post keeps its row for a retry (and the dead letters in the end).
/// </summary>
public sealed class EventFlusher(
    OutboxStore outbox,
    EnduserOutbox endusers,
    ActivityPoster activities,
    SentEventLedger sentEvents,
    RowFailureHandler failures,
    IOptions<OutboxOptions> outboxOptions,
    TimeProvider clock,
    PlanhatCallCounter calls,
    ILogger<EventFlusher> logger)
{
    /// <param name="moreComing">
    /// More events are on their way (the enduser flush held a partial chunk back, or users are still
    /// queued for staging), so a partial chunk of events waits too, up to <see cref="OutboxOptions.EventChunkHold"/>.
    /// </param>
    public async Task FlushAsync(ConnectorRecord connector, PlanhatConnection connection, bool moreComing, CancellationToken cancellationToken)
    {
        const int chunkSize = ActivityPoster.MaxPerCall;
        for (var chunk = 0; chunk < outboxOptions.Value.MaxChunksPerRun; chunk++)
        {
            var rows = await outbox.ReadDueAsync(connector.Id, OutboxObjectTypes.Event, chunkSize, cancellationToken);
            if (!PartialChunkPolicy.ShouldSend(rows, chunkSize, clock.GetUtcNow(), outboxOptions.Value.EventChunkHold, outboxOptions.Value.PartialChunkQuiet,
                    moreComing))
            {
                return;
            }

            await FlushChunkAsync(connector.Id, connection, rows, cancellationToken);
            if (rows.Count < chunkSize)
            {
                return;
            }
        }
    }

    private async Task FlushChunkAsync(string connectorId, PlanhatConnection connection, IReadOnlyList<OutboxRow> rows, CancellationToken cancellationToken)
    {
        using var counted = calls.Begin();
        var postFailures = await PostAtMostOnceAsync(connectorId, connection, rows, cancellationToken);
        // A row that gained events meanwhile keeps those, minus the ones sent.
        await endusers.CompleteAsync(rows.Where(r => !postFailures.ContainsKey(r)), cancellationToken);
        await Parallel.ForEachAsync(postFailures, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken }, async (failure, ct) =>
        {
            using var scope = logger.ForUser(failure.Key.HullClaims);
            var (attempts, _) = await failures.FailAsync(failure.Key, failure.Value, ct);
            logger.UserFailed(failure.Value, attempts);
        });
        // Counted in users whose events were due, as the other flush lines count objects.
        logger.FlushCompleted(OutboxObjectTypes.Event, rows.Count, rows.Count - postFailures.Count, postFailures.Count, counted.Calls);
    }

    /// <summary>
    /// Planhat does not deduplicate activities and a post's effect cannot be checked, so events are
    /// claimed (recorded as sent) before they are posted, and a flush posts only the events it
    /// claimed: not those posted before a crash that kept their row staged, nor those a flush
    /// running beside it claimed. At most once. Only events Planhat certainly did not receive are
    /// forgotten again, to be retried.
    /// </summary>
    /// <returns>The error per row (of <paramref name="rows"/>) whose events must be retried.</returns>
    private async Task<IReadOnlyDictionary<OutboxRow, string>> PostAtMostOnceAsync(string connectorId, PlanhatConnection connection,
        IReadOnlyList<OutboxRow> rows, CancellationToken cancellationToken)
    {
        static IEnumerable<(string, string)> Ids(IEnumerable<OutboxRow> of) => of.SelectMany(r => EnduserOutbox.EventsOf(r).Select(e => (r.HullId, e.EventId)));
        // Read first: a replayed chunk's events, all sent already, then cost one range read instead of an insert conflict each.
        var sent = await sentEvents.SentAmongAsync(connectorId, Ids(rows), cancellationToken);
        var (claimed, error) = await sentEvents.ClaimAsync(connectorId, Ids(rows).Where(e => !sent.Contains(e)), cancellationToken);
        if (error is not null)
        {
            // Claimed in part, posted not at all: the claims are taken back, the rows stay for the next flush.
            await TakeBackAsync(claimed);
            ExceptionDispatchInfo.Throw(error);
        }

        var original = new Dictionary<OutboxRow, OutboxRow>(ReferenceEqualityComparer.Instance);
        foreach (var row in rows)
        {
            var events = EnduserOutbox.EventsOf(row);
            var mine = events.Where(e => claimed.Contains((row.HullId, e.EventId))).ToList();
            if (mine.Count > 0)
            {
                original[mine.Count == events.Count ? row : row with { Attachments = new JsonArray(mine.Select(e => (JsonNode)e.ToJson()).ToArray()) }] = row;
            }
        }

        var posted = await activities.PostAsync(connection, original.Keys.ToList(), cancellationToken);
        // Only the events certainly not delivered (a failed row's others may have gone in another post); not cancellable:
        // events recorded as sent but certainly not posted would never be posted.
        await sentEvents.ForgetAsync(connectorId, posted.NotDelivered, CancellationToken.None);
        return posted.FailedRows.ToDictionary(f => original[f.Key], f => f.Value, (IEqualityComparer<OutboxRow>)ReferenceEqualityComparer.Instance);

        async Task TakeBackAsync(IEnumerable<(string HullUserId, string EventId)> ids)
        {
            try
            {
                await sentEvents.ForgetAsync(connectorId, ids, CancellationToken.None);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                logger.EventRecordNotTakenBack(e.Message);
            }
        }
    }
}
