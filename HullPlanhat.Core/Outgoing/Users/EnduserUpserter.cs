using System.Text.Json.Nodes;
using HullPlanhat.Core.Logging;
using HullPlanhat.Core.Planhat;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HullPlanhat.Core.Outgoing.Users;

/// <summary>
/// Writes endusers with one <c>PUT /endusers</c> per chunk, never creating a second enduser for one
/// person: the key is the Planhat id, else <c>externalId</c>, else the id found by email, else a
/// <c>sourceId</c> derived from the Hull id (so a re-sent insert cannot create a second). Ids are
/// looked up in bulk (<see cref="PlanhatIdResolver"/>), never one call per row for many rows. A
/// failed lookup fails the row (it is retried) instead of turning into a create (§12.2–3). An id we
/// hold that Planhat no longer knows (the enduser was deleted there) is dropped and the row sent
/// again by <c>externalId</c> or email, instead of failing until it is dead-lettered.
/// </summary>
public sealed class EnduserUpserter(PlanhatClient planhat, PlanhatIdResolver ids, IOptions<PlanhatOptions> options, ILogger<EnduserUpserter> logger)
{
    /// <param name="items">Endusers with <c>companyId</c> and, when known, <c>_id</c>; changed in place when a lookup finds the id.</param>
    /// <param name="listing">The pass over Planhat's enduser list that the id lookups of this flush share.</param>
    /// <returns>One outcome per item; a success always carries the Planhat id.</returns>
    public async Task<BulkRowOutcome[]> UpsertAsync(PlanhatConnection connection, IReadOnlyList<JsonObject> items, PlanhatListing listing, CancellationToken cancellationToken)
    {
        // Our sourceId keys only what we create: an enduser known by its id keeps the sourceId it has.
        var keylessSourceIds = new string?[items.Count];
        for (var i = 0; i < items.Count; i++)
        {
            if (items[i]["_id"] is not null && EnduserMapper.Text(items[i], "sourceId") is { } sourceId && sourceId.StartsWith(KeylessPrefix, StringComparison.Ordinal))
            {
                keylessSourceIds[i] = sourceId;
                items[i].Remove("sourceId");
            }
        }

        var outcomes = await UpsertOnceAsync(connection, items, listing, cancellationToken);
        await UnknownIdResend.ResendAsync(items, outcomes, listing,
            (i, id) =>
            {
                logger.EnduserIdGone(id);
                if (keylessSourceIds[i] is { } sourceId)
                {
                    items[i]["sourceId"] = sourceId;
                }
            },
            batch => UpsertOnceAsync(connection, batch, listing, cancellationToken));
        return outcomes;
    }

    /// <summary>
    /// The <c>sourceId</c> an enduser with neither Planhat id nor external id is created with, so the
    /// bulk <c>PUT</c> stays keyed: sent again after a lost reply, it updates instead of creating a second.
    /// </summary>
    public static string KeylessSourceId(string hullId) => KeylessPrefix + hullId;

    private const string KeylessPrefix = "hull:";

    private async Task<BulkRowOutcome[]> UpsertOnceAsync(PlanhatConnection connection, IReadOnlyList<JsonObject> items, PlanhatListing listing, CancellationToken cancellationToken)
    {
        var outcomes = new BulkRowOutcome[items.Count];
        var keyed = Enumerable.Range(0, items.Count).ToList();
        var emailOnly = keyed.Where(i => items[i]["_id"] is null && EnduserMapper.Text(items[i], "externalId") is null).ToList();
        foreach (var i in emailOnly.Where(i => EnduserMapper.Text(items[i], "email") is null))
        {
            outcomes[i] = new(false, null, SkipReasons.NoEmailOrExternalId);
        }

        emailOnly.RemoveAll(i => outcomes[i].Error is not null);
        if (emailOnly.Count > 0)
        {
            var (found, error) = await ids.TryResolveAsync(connection, PlanhatIdLookup.Endusers, emailOnly.Select(i => items[i]).ToList(), listing, cancellationToken);
            for (var k = 0; k < emailOnly.Count; k++)
            {
                if (error is not null)
                {
                    outcomes[emailOnly[k]] = new(false, null, $"Looking up the enduser by email failed: {error}");
                }
                else if (found[k] is { } id)
                {
                    items[emailOnly[k]]["_id"] = id;
                    items[emailOnly[k]].Remove("sourceId"); // someone else's enduser: its sourceId (a CRM's) stays
                }
            }
        }

        keyed.RemoveAll(i => outcomes[i].Error is not null);
        foreach (var chunk in keyed.Chunk(options.Value.BulkChunkSize))
        {
            var batch = chunk.Select(i => items[i]).ToList();
            var matched = await PlanhatCalls.TryAsync(
                async () => BulkResultMatcher.Match(batch, await planhat.BulkUpsertAsync(connection, "endusers", batch, cancellationToken)),
                error => batch.Select(_ => new BulkRowOutcome(false, null, error)).ToArray(), cancellationToken);
            for (var k = 0; k < chunk.Length; k++)
            {
                outcomes[chunk[k]] = matched[k];
            }

            // Planhat does not name unchanged rows, nor rows inserted without externalId; Hull needs their ids.
            await ids.NameAcceptedAsync(connection, PlanhatIdLookup.Endusers, items, outcomes, chunk,
                "Planhat accepted the enduser but it could not be found by externalId or email.", listing, cancellationToken);
        }

        return outcomes;
    }
}
