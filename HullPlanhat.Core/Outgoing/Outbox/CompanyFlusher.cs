using System.Text.Json.Nodes;
using HullPlanhat.Core.Hull;
using HullPlanhat.Core.Incoming;
using HullPlanhat.Core.Logging;
using HullPlanhat.Core.Planhat;
using HullPlanhat.Core.Storage;
using HullPlanhat.Core.Telemetry;
using HullPlanhat.Core.TwoWay;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HullPlanhat.Core.Outgoing.Outbox;

/// <summary>
/// Drains a connector's staged companies: <c>PUT /companies</c> in bulk (keyed by <c>_id</c> when
/// known, else <c>externalId</c>; a company with neither gets a <c>sourceId</c> derived from its Hull
/// id, so sending it again can never create a second one), then their licenses with
/// <c>PUT /licenses</c>; then records each row's outcome.
/// </summary>
public sealed class CompanyFlusher(
    PlanhatClient planhat,
    PlanhatIdResolver ids,
    OutboxStore outbox,
    FlushTriage triage,
    SyncStateStore syncState,
    RowFailureHandler failures,
    HullFirehoseClient firehose,
    EchoRecorder echoes,
    IOptions<PlanhatOptions> planhatOptions,
    IOptions<OutboxOptions> outboxOptions,
    TimeProvider clock,
    ProductMetrics metrics,
    PlanhatCallCounter calls,
    ILogger<CompanyFlusher> logger)
{
    /// <param name="moreComing">Objects are still queued for staging: a partial chunk waits for them (up to its hold).</param>
    /// <returns>True when a partial chunk was held back to fill (<see cref="PartialChunkPolicy"/>).</returns>
    public async Task<bool> FlushAsync(ConnectorRecord connector, PlanhatConnection connection, bool moreComing, CancellationToken cancellationToken)
    {
        var chunkSize = planhatOptions.Value.BulkChunkSize;
        var listing = new PlanhatListing();
        for (var chunk = 0; chunk < outboxOptions.Value.MaxChunksPerRun; chunk++)
        {
            var rows = await outbox.ReadDueAsync(connector.Id, OutboxObjectTypes.Company, chunkSize, cancellationToken);
            if (!PartialChunkPolicy.ShouldSend(rows, chunkSize, clock.GetUtcNow(), outboxOptions.Value.PartialChunkHold, outboxOptions.Value.PartialChunkQuiet, moreComing))
            {
                return rows.Count > 0;
            }

            if (await DropUnchangedAsync(connector, rows, cancellationToken) is { Count: > 0 } changed)
            {
                await FlushChunkAsync(connector, connection, changed, listing, cancellationToken);
            }

            if (rows.Count < chunkSize)
            {
                break;
            }
        }

        return false;
    }

    /// <summary>
    /// Drops the rows Planhat already has (same hash), or has a newer change of, with the skip line
    /// the queue worker used to log; rows holding Planhat's own values are recorded as written.
    /// </summary>
    /// <returns>The rows to send, with their known Planhat ids.</returns>
    private async Task<IReadOnlyList<OutboxRow>> DropUnchangedAsync(ConnectorRecord connector, IReadOnlyList<OutboxRow> rows, CancellationToken cancellationToken)
    {
        if (rows.Count == 0)
        {
            return rows;
        }

        // Licenses are Planhat's to derive from, so only a company without them counts as Planhat's own values.
        var triaged = await triage.TriageAsync(connector.Id, OutboxObjectTypes.Company, IncomingKind.Companies, rows,
            row => row.Attachments is { Count: > 0 } ? null : row.Payload, cancellationToken);
        var dropped = triaged.Where(t => t.SkipReason is not null).ToList();
        foreach (var (row, reason) in dropped)
        {
            using var scope = logger.ForAccount(row.HullClaims);
            logger.AccountSkipped(reason!);
            metrics.Skipped(OutboxObjectTypes.Company, reason!);
        }

        await syncState.SaveAsync(connector.Id, OutboxObjectTypes.Company,
            dropped.Where(t => t.FromPlanhat).Select(t => (t.Row.HullId, new SyncState(t.Row.Hash, t.Row.PlanhatId, t.Row.Payload["externalId"]?.ToString(), t.Row.Version))),
            cancellationToken);
        await outbox.CompleteAsync(dropped.Select(t => t.Row), cancellationToken);
        return triaged.Where(t => t.SkipReason is null).Select(t => t.Row).ToList();
    }

    private async Task FlushChunkAsync(ConnectorRecord connector, PlanhatConnection connection, IReadOnlyList<OutboxRow> rows, PlanhatListing listing,
        CancellationToken cancellationToken)
    {
        using var counted = calls.Begin();
        var outcomes = await UpsertCompaniesAsync(connection, rows, listing, cancellationToken);
        // At once, before Planhat's webhook for this write can come back.
        await echoes.RecordAsync(connector.Id, IncomingKind.Companies,
            rows.Zip(outcomes).Where(p => p.Second.Succeeded && p.Second.PlanhatId is not null).Select(p => (p.Second.PlanhatId!, p.First.Payload)), cancellationToken);
        await UpsertLicensesAsync(connection, rows, outcomes, cancellationToken);

        var succeeded = new List<(OutboxRow Row, string PlanhatId)>();
        foreach (var (row, outcome) in rows.Zip(outcomes))
        {
            using var scope = logger.ForAccount(row.HullClaims);
            if (outcome is { Succeeded: true, PlanhatId: { } planhatId })
            {
                succeeded.Add((row, planhatId));
                logger.AccountSucceeded(planhatId, row.PlanhatId is null ? "upsert" : "update");
            }
            else
            {
                var error = outcome.Error ?? "Planhat did not report this company's id.";
                var (attempts, _) = await failures.FailAsync(row, error, cancellationToken);
                logger.AccountFailed(error, attempts);
            }
        }

        await syncState.SaveAsync(connector.Id, OutboxObjectTypes.Company,
            succeeded.Select(s => (s.Row.HullId, new SyncState(s.Row.Hash, s.PlanhatId, s.Row.Payload["externalId"]?.ToString(), s.Row.Version))), cancellationToken);
        await outbox.CompleteAsync(succeeded.Select(s => s.Row), cancellationToken);
        metrics.Synced(OutboxObjectTypes.Company, "outgoing", succeeded.Count);
        logger.FlushCompleted(OutboxObjectTypes.Company, rows.Count, succeeded.Count, rows.Count - succeeded.Count, counted.Calls);
        await WriteBackAsync(connector, succeeded, cancellationToken);
    }

    /// <summary>The <c>sourceId</c> of a company known by neither Planhat id nor external id.</summary>
    public static string KeylessSourceId(string hullId) => "hull:" + hullId;

    private async Task<BulkRowOutcome[]> UpsertCompaniesAsync(PlanhatConnection connection, IReadOnlyList<OutboxRow> rows, PlanhatListing listing, CancellationToken cancellationToken)
    {
        var items = rows.Select(row =>
        {
            var item = (JsonObject)row.Payload.DeepClone();
            if (row.PlanhatId is { } id)
            {
                item["_id"] = id;
            }
            else if (item["externalId"] is null && item["sourceId"] is null)
            {
                item["sourceId"] = KeylessSourceId(row.HullId);
            }

            return item;
        }).ToList();

        var outcomes = await UpsertOnceAsync(items);
        await UnknownIdResend.ResendAsync(items, outcomes, listing,
            (i, id) =>
            {
                using (logger.ForAccount(rows[i].HullClaims))
                {
                    logger.CompanyIdGone(id);
                }

                if (items[i]["externalId"] is null && items[i]["sourceId"] is null)
                {
                    items[i]["sourceId"] = KeylessSourceId(rows[i].HullId);
                }
            },
            UpsertOnceAsync);

        // Planhat does not name unchanged rows; their id is needed for licenses, endusers and Hull.
        await ids.NameAcceptedAsync(connection, PlanhatIdLookup.Companies, items, outcomes, Enumerable.Range(0, items.Count),
            "Planhat accepted the company but no company has its externalId or sourceId.", listing, cancellationToken);
        return outcomes;

        async Task<BulkRowOutcome[]> UpsertOnceAsync(List<JsonObject> batch) =>
            (await PlanhatCalls.TryAsync(
                async () => BulkResultMatcher.Match(batch, await planhat.BulkUpsertAsync(connection, "companies", batch, cancellationToken)),
                error => batch.Select(_ => new BulkRowOutcome(false, null, error)).ToArray(), cancellationToken)).ToArray();
    }

    private async Task UpsertLicensesAsync(PlanhatConnection connection, IReadOnlyList<OutboxRow> rows, BulkRowOutcome[] outcomes, CancellationToken cancellationToken)
    {
        var licenses = new List<(int Row, JsonObject License)>();
        for (var i = 0; i < rows.Count; i++)
        {
            if (outcomes[i] is { Succeeded: true, PlanhatId: { } companyId } && rows[i].Attachments is { Count: > 0 } attached)
            {
                licenses.AddRange(attached.OfType<JsonObject>().Select(l =>
                {
                    var license = (JsonObject)l.DeepClone();
                    license["companyId"] = companyId;
                    return (i, license);
                }));
            }
        }

        foreach (var chunk in licenses.Chunk(planhatOptions.Value.BulkChunkSize))
        {
            var items = chunk.Select(c => c.License).ToList();
            var matched = await PlanhatCalls.TryAsync(
                async () => BulkResultMatcher.Match(items, await planhat.BulkUpsertAsync(connection, "licenses", items, cancellationToken), scopeKey: "companyId"),
                error => items.Select(_ => new BulkRowOutcome(false, null, error)).ToArray(), cancellationToken);
            foreach (var (license, outcome) in chunk.Zip(matched).Where(p => !p.Second.Succeeded))
            {
                // The company is in Planhat but its licenses are not: keep its id, retry the whole row.
                outcomes[license.Row] = new(false, outcomes[license.Row].PlanhatId, $"License {license.License["externalId"]}: {outcome.Error}");
            }
        }
    }

    private async Task WriteBackAsync(ConnectorRecord connector, List<(OutboxRow Row, string PlanhatId)> succeeded, CancellationToken cancellationToken)
    {
        var entries = succeeded
            .Where(s => s.Row.Context?["hullPlanhatId"]?.ToString() != s.PlanhatId)
            .Select(s => FirehoseEntry.AccountTraits(
                HullClaims.WithAnonymousId(s.Row.HullClaims, "planhat:" + s.PlanhatId),
                new JsonObject { ["planhat/id"] = s.PlanhatId }))
            .ToList();
        if (entries.Count == 0)
        {
            return;
        }

        // Planhat has the companies and our sync state has their ids, so nothing is lost.
        if ((await firehose.SendAsync(connector, entries, cancellationToken)).FirstProblem is { } problem)
        {
            logger.FirehoseFailed(problem);
        }
    }
}
