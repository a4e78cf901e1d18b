using System.Text.Json.Nodes;
using HullPlanhat.Core.Logging;
using HullPlanhat.Core.Outgoing.Outbox;
using HullPlanhat.Core.Planhat;
using Microsoft.Extensions.Logging;

namespace HullPlanhat.Core.Outgoing.Users;

/// <summary>
/// Posts the staged events of endusers Planhat has accepted, as activities: the bulk analytics
/// endpoint when more than one, at most <see cref="MaxPerCall"/> per call (§4.8, fixed per §12.10).
/// Planhat does not deduplicate activities, so a post is sent again only when its failure proves it
/// never reached the analytics sink: a refusal (a 4xx other than 408, from whatever stands in front
/// of a sink that itself always answers 200) or a connection never made. After a 5xx (a gateway's
/// 502 or 504 may come after the sink took the post), a timeout or a dropped reply its events count
/// as sent (at most once), with an error log naming them.
/// </summary>
/// <param name="FailedRows">The error per row with an event not delivered (those rows are retried).</param>
/// <param name="NotDelivered">The events certainly not delivered: a row's events may straddle two posts, and only these are sent again.</param>
public sealed record ActivityPostOutcome(IReadOnlyDictionary<OutboxRow, string> FailedRows, IReadOnlyList<(string HullUserId, string EventId)> NotDelivered);

public sealed class ActivityPoster(PlanhatClient planhat, ILogger<ActivityPoster> logger)
{
    public const int MaxPerCall = 5000;
    public const string NotSent = "The flush was cancelled before the post reached Planhat; a later flush sends it.";

    public async Task<ActivityPostOutcome> PostAsync(PlanhatConnection connection, IReadOnlyList<OutboxRow> rows, CancellationToken cancellationToken)
    {
        var failed = new Dictionary<OutboxRow, string>(ReferenceEqualityComparer.Instance);
        var notDelivered = new List<(string, string)>();
        var events = rows.SelectMany(r => EnduserOutbox.EventsOf(r).Select(e => (Row: r, Event: e))).ToList();
        if (connection.TenantId is null)
        {
            // The tenant id was removed after staging: nothing can be sent, and retrying will not help.
            Log(events, e => logger.EventSkipped(e.Action, SkipReasons.NoTenantId));
            return new ActivityPostOutcome(failed, notDelivered);
        }

        foreach (var chunk in events.Chunk(MaxPerCall))
        {
            if (cancellationToken.IsCancellationRequested)
            {
                // The flush ran out of time (or the host is stopping) before this post: a later flush sends it.
                Fail(chunk, NotSent);
                continue;
            }

            var wire = new PlanhatWire();
            Exception? error = null;
            try
            {
                await planhat.PostActivitiesAsync(connection, chunk.Select(c => c.Event.Activity).ToList(), wire, cancellationToken);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                error = e;
            }

            if (error is null)
            {
                Log(chunk, e => logger.EventSucceeded(e.Action, 1));
            }
            else if (!wire.Reached || NotDelivered(error))
            {
                Fail(chunk, error is OperationCanceledException ? NotSent : error.Message);
            }
            else
            {
                Log(chunk, e => logger.EventFailed(e.Action, "Outcome unknown (" + error.Message + "); not sent again, so Planhat gets no duplicate."));
            }
        }

        return new ActivityPostOutcome(failed, notDelivered);

        void Fail((OutboxRow Row, StagedEvent Event)[] chunk, string error)
        {
            Log(chunk, e => logger.EventFailed(e.Action, error));
            foreach (var (row, stagedEvent) in chunk)
            {
                failed[row] = "Sending events failed: " + error;
                notDelivered.Add((row.HullId, stagedEvent.EventId));
            }
        }
    }

    /// <summary>True when the post certainly did not reach Planhat's analytics sink.</summary>
    public static bool NotDelivered(Exception error) =>
        error is PlanhatApiException { Status: var status } && (int)status is >= 400 and < 500 and not 408
        || error is InvalidOperationException
        || error is HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError };

    private void Log(IEnumerable<(OutboxRow Row, StagedEvent Event)> events, Action<StagedEvent> write)
    {
        foreach (var (row, stagedEvent) in events)
        {
            using var scope = logger.ForUser(row.HullClaims);
            write(stagedEvent);
        }
    }
}
