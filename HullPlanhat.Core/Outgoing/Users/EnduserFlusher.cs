using System.Text.Json.Nodes;
using HullPlanhat.Core.Hull;
using HullPlanhat.Core.Incoming;
using HullPlanhat.Core.Logging;
using HullPlanhat.Core.Outgoing.Outbox;
using HullPlanhat.Core.Planhat;
using HullPlanhat.Core.Storage;
using HullPlanhat.Core.Telemetry;
using HullPlanhat.Core.TwoWay;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HullPlanhat.Core.Outgoing.Users;

/// <summary>
/// Drains a connector's staged endusers after its companies: resolves each user's company, upserts
/// the endusers in bulk, then moves the events of those Planhat accepted to event rows (posted by
/// <see cref="EventFlusher"/>); records each row's outcome (logs, sync state, <c>planhat/id</c> back
/// to Hull). A user whose company is not in Planhat yet waits.
/// </summary>
public sealed class EnduserFlusher(
    OutboxStore outbox,
    FlushTriage triage,
    EnduserOutbox endusers,
    EnduserUpserter upserter,
    SyncStateStore syncState,
    RowFailureHandler failures,
    HullFirehoseClient firehose,
    EchoRecorder echoes,
    IOptions<PlanhatOptions> planhatOptions,
    IOptions<OutboxOptions> outboxOptions,
    TimeProvider clock,
    ProductMetrics metrics,
    PlanhatCallCounter calls,
    ILogger<EnduserFlusher> logger)
{
    /// <summary>How long a user waits for its company before each further wait counts as a failed attempt.</summary>
    public static readonly TimeSpan CompanyWait = TimeSpan.FromHours(1);

    private sealed record Staged(OutboxRow Row, EnduserContext Context, JsonObject? Item);

    /// <param name="companiesHeld">
    /// The company flush held a partial chunk back to fill: a user whose company is not in Planhat
    /// yet is left as it is (read again next run) instead of deferred, as its company may be among those.
    /// </param>
    /// <param name="moreComing">Objects are still queued for staging: a partial chunk waits for them (up to its hold).</param>
    /// <returns>True when a partial chunk was held back to fill (<see cref="PartialChunkPolicy"/>).</returns>
    public async Task<bool> FlushAsync(ConnectorRecord connector, PlanhatConnection connection, bool companiesHeld, bool moreComing, CancellationToken cancellationToken)
    {
        var chunkSize = planhatOptions.Value.BulkChunkSize;
        var companyIds = new Dictionary<string, string?>(StringComparer.Ordinal);
        var listing = new PlanhatListing();
        for (var chunk = 0; chunk < outboxOptions.Value.MaxChunksPerRun; chunk++)
        {
            var rows = await outbox.ReadDueAsync(connector.Id, OutboxObjectTypes.Enduser, chunkSize, cancellationToken);
            if (!PartialChunkPolicy.ShouldSend(rows, chunkSize, clock.GetUtcNow(), outboxOptions.Value.PartialChunkHold, outboxOptions.Value.PartialChunkQuiet, moreComing))
            {
                return rows.Count > 0;
            }

            var progressed = await FlushChunkAsync(connector, connection, rows, companyIds, listing, companiesHeld, cancellationToken);
            if (rows.Count < chunkSize || !progressed)
            {
                break;
            }
        }

        return false;
    }

    /// <returns>False when every row of the chunk is still waiting for its company.</returns>
    private async Task<bool> FlushChunkAsync(ConnectorRecord connector, PlanhatConnection connection, IReadOnlyList<OutboxRow> rows,
        Dictionary<string, string?> companyIds, PlanhatListing listing, bool companiesHeld, CancellationToken cancellationToken)
    {
        using var counted = calls.Begin();
        var triaged = await TriageAsync(connector.Id, rows, cancellationToken);
        await FindCompanyIdsAsync(connector.Id, triaged.Where(t => t.Send).Select(t => t.Context), companyIds, cancellationToken);
        var staged = new List<Staged>();
        foreach (var (row, context, send, _) in triaged)
        {
            if (!send)
            {
                // Planhat has this enduser (or a newer change of it) already; only its events (if any) are left to send.
                staged.Add(new(row, context, null));
            }
            else if (CompanyId(context, companyIds) is { } companyId)
            {
                var item = (JsonObject)row.Payload.DeepClone();
                item["companyId"] = companyId;
                if (row.PlanhatId is { } id)
                {
                    item["_id"] = id;
                }

                if (EnduserMapper.Text(item, "externalId") is null && item["sourceId"] is null)
                {
                    item["sourceId"] = EnduserUpserter.KeylessSourceId(row.HullId);
                }

                staged.Add(new(row, context, item));
            }
            else
            {
                await WaitForCompanyAsync(row, context, companiesHeld, cancellationToken);
            }
        }

        if (staged.Count == 0)
        {
            return false;
        }

        var writes = staged.Where(s => s.Item is not null).ToList();
        var outcomes = await upserter.UpsertAsync(connection, writes.Select(s => s.Item!).ToList(), listing, cancellationToken);
        // At once, before Planhat's webhook for this write can come back.
        await echoes.RecordAsync(connector.Id, IncomingKind.Endusers,
            writes.Zip(outcomes).Where(p => p.Second.Succeeded && p.Second.PlanhatId is not null).Select(p => (p.Second.PlanhatId!, p.First.Item!)), cancellationToken);
        var written = new List<(Staged Staged, string PlanhatId)>();
        foreach (var (entry, outcome) in writes.Zip(outcomes))
        {
            using var scope = logger.ForUser(entry.Row.HullClaims);
            if (outcome is { Succeeded: true, PlanhatId: { } planhatId })
            {
                written.Add((entry, planhatId));
                logger.UserSucceeded(planhatId, entry.Row.PlanhatId is null ? "upsert" : "update");
            }
            else
            {
                await FailAsync(entry.Row, outcome.Error ?? "Planhat did not report this enduser's id.", cancellationToken);
            }
        }

        // What Planhat accepted, and Planhat's own values coming back (recorded as written, so the next notification is free).
        await syncState.SaveAsync(connector.Id, OutboxObjectTypes.Enduser,
            written.Select(w => (Row: w.Staged.Row, w.PlanhatId))
                .Concat(triaged.Where(t => t.FromPlanhat).Select(t => (t.Row, PlanhatId: t.Row.PlanhatId!)))
                .Select(w => (w.Row.HullId, new SyncState(w.Row.Hash, w.PlanhatId, EnduserMapper.Text(w.Row.Payload, "externalId"), w.Row.Version))),
            cancellationToken);

        // Events go after their enduser, so Planhat can attribute them: moved to event rows first (a failed enduser keeps its events staged).
        var accepted = staged.Where(s => s.Item is null).Concat(written.Select(w => w.Staged)).Select(s => s.Row).ToList();
        await Task.WhenAll(accepted.Where(r => EnduserOutbox.EventsOf(r).Count > 0).Select(r => endusers.StageEventsAsync(r, cancellationToken)));
        // A row a newer change replaced keeps that change minus the events moved.
        await endusers.CompleteAsync(accepted, cancellationToken);

        metrics.Synced(OutboxObjectTypes.Enduser, "outgoing", written.Count);
        logger.FlushCompleted(OutboxObjectTypes.Enduser, writes.Count, written.Count, writes.Count - written.Count, counted.Calls);
        await WriteBackAsync(connector, written, cancellationToken);
        return true;
    }

    private sealed record Triaged(OutboxRow Row, EnduserContext Context, bool Send, bool FromPlanhat = false);

    /// <summary>
    /// Which staged endusers Planhat still needs (<see cref="FlushTriage"/>): an unchanged, older or
    /// Planhat-sourced enduser is not sent (the skip line the queue worker used to log), while its
    /// events still are.
    /// </summary>
    private async Task<IReadOnlyList<Triaged>> TriageAsync(string connectorId, IReadOnlyList<OutboxRow> rows, CancellationToken cancellationToken)
    {
        var triaged = await triage.TriageAsync(connectorId, OutboxObjectTypes.Enduser, IncomingKind.Endusers, rows,
            row => EnduserContext.FromJson(row.Context) is { SendEnduser: true, Company.PlanhatId: { } companyId } ? WithCompany(row.Payload, companyId) : null,
            cancellationToken);
        return triaged.Select(t =>
        {
            // A row staged only for its events (by an earlier version of the worker) was decided already.
            var context = EnduserContext.FromJson(t.Row.Context);
            if (context.SendEnduser && t.SkipReason is { } reason)
            {
                using var scope = logger.ForUser(t.Row.HullClaims);
                logger.UserSkipped(reason);
                metrics.Skipped(OutboxObjectTypes.Enduser, reason);
            }

            return new Triaged(t.Row, context, context.SendEnduser && t.SkipReason is null, context.SendEnduser && t.FromPlanhat);
        }).ToList();
    }

    private static JsonObject WithCompany(JsonObject enduser, string companyId)
    {
        var item = (JsonObject)enduser.DeepClone();
        item["companyId"] = companyId;
        return item;
    }

    /// <summary>
    /// Looks up, together, the companies of the endusers to send that Hull knows no <c>planhat/id</c> for
    /// yet: in the sync state of their accounts (<see cref="HullMessages.AccountKey"/>), which the company
    /// flush wrote. Companies not found yet are asked again for the next chunk.
    /// </summary>
    private async Task FindCompanyIdsAsync(string connectorId, IEnumerable<EnduserContext> sending, Dictionary<string, string?> known, CancellationToken cancellationToken)
    {
        var missing = sending
            .Where(c => c.Company is { PlanhatId: null, ExternalId: not null })
            .Select(c => HullMessages.AccountKey(c.AccountClaims)).OfType<string>()
            .Where(key => known.GetValueOrDefault(key) is null)
            .Distinct(StringComparer.Ordinal).ToList();
        var found = await syncState.FindPlanhatIdsAsync(connectorId, OutboxObjectTypes.Company, missing, cancellationToken);
        foreach (var key in missing)
        {
            known[key] = found.GetValueOrDefault(key);
        }
    }

    private static string? CompanyId(EnduserContext context, Dictionary<string, string?> known) =>
        context.Company.PlanhatId
        ?? (context.Company.ExternalId is not null && HullMessages.AccountKey(context.AccountClaims) is { } key ? known.GetValueOrDefault(key) : null);

    /// <param name="companiesHeld">Its company may be in the chunk the company flush held back: the row stays as it is for the next run.</param>
    private async Task WaitForCompanyAsync(OutboxRow row, EnduserContext context, bool companiesHeld, CancellationToken cancellationToken)
    {
        using var scope = logger.ForUser(row.HullClaims);
        if (clock.GetUtcNow() - row.StagedAt > CompanyWait)
        {
            await FailAsync(row, $"{SkipReasons.NoCompanyId} The company with externalId {context.Company.ExternalId} is not in Planhat.", cancellationToken);
            return;
        }

        if (companiesHeld)
        {
            return;
        }

        logger.UserWaitingForCompany(context.Company.ExternalId);
        await endusers.DeferAsync(row, outboxOptions.Value.RetryDelay, cancellationToken);
    }

    private async Task FailAsync(OutboxRow row, string error, CancellationToken cancellationToken)
    {
        using var scope = logger.ForUser(row.HullClaims);
        var (attempts, _) = await failures.FailAsync(row, error, cancellationToken);
        logger.UserFailed(error, attempts);
    }

    private async Task WriteBackAsync(ConnectorRecord connector, List<(Staged Staged, string PlanhatId)> written, CancellationToken cancellationToken)
    {
        var entries = new List<FirehoseEntry>();
        foreach (var (entry, planhatId) in written.Where(w => w.Staged.Context.HullPlanhatId != w.PlanhatId))
        {
            var claims = HullClaims.WithAnonymousId(entry.Row.HullClaims, "planhat:" + planhatId);
            entries.Add(FirehoseEntry.UserTraits(claims, new JsonObject { ["planhat/id"] = planhatId }));
            if (entry.Context.AccountClaims is { Count: > 0 } account)
            {
                entries.Add(FirehoseEntry.Link(HullClaims.WithAnonymousId(entry.Row.HullClaims, "planhat:" + planhatId), account));
            }
        }

        if (entries.Count == 0)
        {
            return;
        }

        // Planhat has the endusers and our sync state has their ids, so nothing is lost.
        if ((await firehose.SendAsync(connector, entries, cancellationToken)).FirstProblem is { } problem)
        {
            logger.FirehoseFailed(problem);
        }
    }
}
