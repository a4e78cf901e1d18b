using System.Text.Json.Nodes;
using HullPlanhat.Core.Hull;
using HullPlanhat.Core.Logging;
using HullPlanhat.Core.Storage;
using HullPlanhat.Core.Telemetry;
using HullPlanhat.Core.TwoWay;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HullPlanhat.Core.Incoming;

/// <summary>What one page did.</summary>
/// <param name="Sent">Objects Hull accepted.</param>
/// <param name="Unchanged">Objects whose hash matched the stored one, or that differed only by this connector's own write.</param>
/// <param name="Error">Why Hull did not take all changed objects; the page must be retried.</param>
public sealed record PageOutcome(int Sent, int Unchanged, int FirehoseRequests, string? Error);

/// <summary>A page sent to Hull whose hashes are not stored yet (<see cref="PageImporter.RecordAsync"/>).</summary>
/// <param name="Accepted">The objects Hull accepted.</param>
/// <param name="IsNew">Per accepted object, whether Hull had never received it from this connector.</param>
/// <param name="NotAccepted">Changed objects Hull did not accept, those it refused on their own aside (they are skipped).</param>
/// <param name="Page">Where the page sits in its job (null outside a job: a webhook's page of one).</param>
/// <param name="Digest">The page's digest, stored once Hull took every changed object (<see cref="PageDigests"/>).</param>
public sealed record PageDelivery(IncomingKind Kind, IReadOnlyList<IncomingObject> Accepted, IReadOnlyList<bool> IsNew, PageOutcome Outcome, int NotAccepted = 0)
{
    public PageContext? Page { get; init; }
    public string? Digest { get; init; }

    /// <summary>The page matched the previous job's digest: nothing was compared row by row.</summary>
    public bool DigestMatched { get; init; }
}

/// <summary>
/// One Planhat page → Hull: map, compare each object's hash with the stored one, send only new or
/// changed objects, and store the hash of exactly those Hull accepted. An object that differs only
/// by what this connector wrote to Planhat (<see cref="EchoCheck"/>) is not sent; its hash is stored.
/// A page of a job whose digest the previous job left unchanged is not compared row by row (<see cref="PageDigests"/>).
/// </summary>
public sealed class PageImporter(HullFirehoseClient firehose, HashStore hashes, PageDigests digests, IOptions<TwoWayOptions> twoWay, ProductMetrics metrics,
    ILogger<PageImporter> logger)
{
    public const string OwnWrite = "The object differs from what Hull has only by what this connector wrote to Planhat.";

    public async Task<PageOutcome> ImportAsync(ConnectorRecord connector, IncomingKind kind, IReadOnlyList<JsonObject> page, CompanyLinks? links, CancellationToken cancellationToken)
    {
        var delivery = await SendAsync(connector, kind, page, links, null, cancellationToken);
        await RecordAsync(connector, delivery, cancellationToken);
        return delivery.Outcome;
    }

    /// <summary>The first half of <see cref="ImportAsync"/>: maps, compares and sends; the hashes of what Hull accepted are left for <see cref="RecordAsync"/>.</summary>
    /// <param name="context">The page's place in its job; null for a page imported outside a job (a webhook's).</param>
    public async Task<PageDelivery> SendAsync(ConnectorRecord connector, IncomingKind kind, IReadOnlyList<JsonObject> page, CompanyLinks? links, PageContext? context,
        CancellationToken cancellationToken)
    {
        // Without a digest to compare, the stored hashes are read while the page is mapped: the ids are known from the page itself.
        var ids = page.Select(IncomingMapper.PlanhatId).OfType<string>().ToList();
        var reading = context?.Basis is null ? hashes.ReadAsync(connector.Id, kind, ids, cancellationToken) : null;
        var mapped = await MapAsync(kind, page, links, cancellationToken);
        var digest = context is null ? null : PageDigests.Of(mapped);
        if (context?.Basis is { } basis && await digests.MatchesAsync(connector.Id, kind, context.Offset, digest!, basis, cancellationToken))
        {
            return new PageDelivery(kind, [], [], new PageOutcome(0, mapped.Count, 0, null)) { Page = context, Digest = digest, DigestMatched = true };
        }

        var stored = await (reading ?? hashes.ReadAsync(connector.Id, kind, ids, cancellationToken));
        var differing = mapped.Where(o => !stored.TryGetValue(o.PlanhatId, out var row) || row.Hash != o.Hash).ToList();
        var echoes = await EchoesAsync(connector, kind, differing, stored, cancellationToken);
        var changed = differing.Except(echoes).ToList();
        if (context is null && (echoes.Count > 0 || changed.Count > 0))
        {
            // Hashes written outside a job's pages: the page digests of the jobs so far no longer tell what Hull has.
            await digests.MarkChangedOutsideAsync(connector.Id, kind, cancellationToken);
        }

        if (echoes.Count > 0)
        {
            await hashes.SaveAsync(connector.Id, kind, echoes, cancellationToken);
            LogEchoes(kind, echoes);
        }

        if (changed.Count == 0)
        {
            return new PageDelivery(kind, [], [], new PageOutcome(0, mapped.Count, 0, null)) { Page = context, Digest = digest };
        }

        var delivery = await firehose.SendGroupsAsync(connector, changed.Select(o => o.Entries).ToList(), cancellationToken);
        var accepted = changed.Where((_, i) => delivery.Accepted[i]).ToList();
        var refused = LogRefused(kind, changed, delivery.Refused);
        var isNew = accepted.Select(o => !(stored.TryGetValue(o.PlanhatId, out var row) && row.Hash is not null)).ToList();
        return new PageDelivery(kind, accepted, isNew,
            new PageOutcome(accepted.Count, mapped.Count - changed.Count, delivery.Requests, delivery.Error), changed.Count - accepted.Count - refused)
        {
            Page = context,
            Digest = digest,
        };
    }

    /// <summary>Stores the hashes of what Hull accepted, then logs each object as a success.</summary>
    public async Task RecordAsync(ConnectorRecord connector, PageDelivery delivery, CancellationToken cancellationToken)
    {
        var kind = delivery.Kind;
        if (delivery.Accepted.Count > 0)
        {
            await hashes.SaveAsync(connector.Id, kind, delivery.Accepted, cancellationToken);
            metrics.Synced(kind.Name, "incoming", delivery.Accepted.Count);
        }

        if (delivery.NotAccepted > 0)
        {
            metrics.Failed(kind.Name, delivery.NotAccepted);
        }
        else if (delivery is { Page: { } page, Digest: { } digest, Outcome.Error: null })
        {
            // After the hashes: a digest stands for hashes already stored.
            await digests.SaveAsync(connector.Id, kind, page, digest, cancellationToken);
        }

        for (var i = 0; i < delivery.Accepted.Count; i++)
        {
            var item = delivery.Accepted[i];
            var change = delivery.IsNew[i] ? "new" : "changed";
            if (kind == IncomingKind.Companies)
            {
                using var scope = logger.ForAccount(item.Claims);
                logger.IncomingAccountSucceeded(item.PlanhatId, change);
            }
            else
            {
                using var scope = logger.ForUser(item.Claims);
                logger.IncomingUserSucceeded(item.PlanhatId, change, item.Entries.Count > 1);
            }
        }
    }

    /// <summary>The differing objects this connector wrote to, whose difference is only that write.</summary>
    private async Task<List<IncomingObject>> EchoesAsync(ConnectorRecord connector, IncomingKind kind, List<IncomingObject> differing,
        IReadOnlyDictionary<string, StoredHash> stored, CancellationToken cancellationToken)
    {
        var candidates = differing.Where(o => stored.GetValueOrDefault(o.PlanhatId)?.WrittenAt is not null && o.Fields is not null).ToList();
        if (candidates.Count == 0)
        {
            return [];
        }

        var fields = await hashes.ReadFieldsAsync(connector.Id, kind, candidates.Select(o => o.PlanhatId), cancellationToken);
        return candidates.Where(o => fields.TryGetValue(o.PlanhatId, out var row) && IsEcho(o, stored[o.PlanhatId].Hash is null, row)).ToList();
    }

    // A row imported before fingerprints existed cannot tell our write from other changes: sent once.
    private bool IsEcho(IncomingObject item, bool neverSent, StoredFields row) =>
        row.Written is { } written && (neverSent || row.Imported is not null)
        && EchoCheck.IsEcho(item.Fields!, neverSent ? null : row.Imported, written, item.UpdatedAt, twoWay.Value.ClockSkew);

    private void LogEchoes(IncomingKind kind, List<IncomingObject> echoes)
    {
        foreach (var item in echoes)
        {
            LogSkipped(kind, item, OwnWrite, "own write");
        }
    }

    /// <summary>
    /// Objects Hull refused on their own are skipped with Hull's answer; the page goes on without them.
    /// Their hashes are not stored, so a later change sends them again; an unchanged page's digest
    /// still stands, as the same object would be refused the same way.
    /// </summary>
    /// <returns>How many were refused.</returns>
    private int LogRefused(IncomingKind kind, List<IncomingObject> changed, string?[] answers)
    {
        var refused = 0;
        for (var i = 0; i < changed.Count; i++)
        {
            if (answers[i] is { } answer)
            {
                refused++;
                LogSkipped(kind, changed[i], "Hull refused it: " + answer, "refused");
            }
        }

        return refused;
    }

    private void LogSkipped(IncomingKind kind, IncomingObject item, string reason, string metricReason)
    {
        metrics.Skipped(kind.Name, metricReason);
        if (kind == IncomingKind.Companies)
        {
            using var scope = logger.ForAccount(item.Claims);
            logger.IncomingAccountSkipped(item.PlanhatId, reason);
        }
        else
        {
            using var scope = logger.ForUser(item.Claims);
            logger.IncomingUserSkipped(item.PlanhatId, reason);
        }
    }

    private async Task<List<IncomingObject>> MapAsync(IncomingKind kind, IReadOnlyList<JsonObject> page, CompanyLinks? links, CancellationToken cancellationToken)
    {
        IReadOnlyDictionary<string, JsonObject?> companies = links is null
            ? new Dictionary<string, JsonObject?>()
            : await links.ResolveAsync(page.Select(IncomingMapper.CompanyId).OfType<string>(), cancellationToken);
        var mapped = new List<IncomingObject>(page.Count);
        foreach (var o in page)
        {
            var item = kind == IncomingKind.Companies
                ? IncomingMapper.MapCompany(o)
                : IncomingMapper.MapEnduser(o, IncomingMapper.CompanyId(o) is { } companyId ? companies.GetValueOrDefault(companyId) : null);
            if (item is not null)
            {
                mapped.Add(item);
            }
            else
            {
                LogUnmapped(kind, o);
            }
        }

        // Offset paging is not snapshot-stable: a page may repeat an object.
        return mapped.DistinctBy(o => o.PlanhatId, StringComparer.Ordinal).ToList();
    }

    /// <summary>An object the page cannot send is skipped with its reason; the rest of the page goes on.</summary>
    private void LogUnmapped(IncomingKind kind, JsonObject source)
    {
        var id = Excerpt.Of(source["_id"] is JsonValue value ? value.ToJsonString() : "(none)", 60);
        var reason = IncomingMapper.SkipReason(source) ?? IncomingMapper.NoUsableId;
        metrics.Skipped(kind.Name, "unusable");
        if (kind == IncomingKind.Companies)
        {
            logger.IncomingAccountSkipped(id, reason);
        }
        else
        {
            logger.IncomingUserSkipped(id, reason);
        }
    }
}
