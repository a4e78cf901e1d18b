using System.Text.Json.Nodes;
using HullPlanhat.Core.Logging;
using HullPlanhat.Core.Outgoing.Outbox;
using HullPlanhat.Core.Planhat;
using Microsoft.Extensions.Logging;

namespace HullPlanhat.Core.Outgoing.Users;

/// <summary>
/// Posts the staged events of endusers Planhat has accepted, as activities: the bulk analytics
/// endpoint when more than one, at most <see cref="MaxPerCall"/> per call (§4.8, fixed per §12.10).
/// </summary>
public sealed class ActivityPoster(PlanhatClient planhat, ILogger<ActivityPoster> logger)
{
    public const int MaxPerCall = 5000;

    /// <returns>The error per row whose events could not be sent (those rows are retried).</returns>
    public async Task<IReadOnlyDictionary<OutboxRow, string>> PostAsync(PlanhatConnection connection, IReadOnlyList<OutboxRow> rows, CancellationToken cancellationToken)
    {
        var failed = new Dictionary<OutboxRow, string>(ReferenceEqualityComparer.Instance);
        var events = rows.SelectMany(r => EnduserOutbox.EventsOf(r).Select(e => (Row: r, Event: e))).ToList();
        if (connection.TenantId is null)
        {
            // The tenant id was removed after staging: nothing can be sent, and retrying will not help.
            Log(events, e => logger.EventSkipped(e.Action, SkipReasons.NoTenantId));
            return failed;
        }

        foreach (var chunk in events.Chunk(MaxPerCall))
        {
            var error = await PlanhatCalls.TryAsync<string?>(
                async () =>
                {
                    await planhat.PostActivitiesAsync(connection, chunk.Select(c => c.Event.Activity).ToList(), cancellationToken);
                    return null;
                },
                e => e, cancellationToken);
            if (error is null)
            {
                Log(chunk, e => logger.EventSucceeded(e.Action, 1));
            }
            else
            {
                Log(chunk, e => logger.EventFailed(e.Action, error));
                foreach (var (row, _) in chunk)
                {
                    failed[row] = "Sending events failed: " + error;
                }
            }
        }

        return failed;
    }

    private void Log(IEnumerable<(OutboxRow Row, StagedEvent Event)> events, Action<StagedEvent> write)
    {
        foreach (var (row, stagedEvent) in events)
        {
            using var scope = logger.ForUser(row.HullClaims);
            write(stagedEvent);
        }
    }
}
