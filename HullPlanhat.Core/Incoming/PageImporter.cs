using System.Text.Json.Nodes;
using HullPlanhat.Core.Hull;
using HullPlanhat.Core.Logging;
using HullPlanhat.Core.Storage;
using HullPlanhat.Core.Telemetry;
using Microsoft.Extensions.Logging;

namespace HullPlanhat.Core.Incoming;

/// <summary>What one page did.</summary>
/// <param name="Sent">Objects Hull accepted.</param>
/// <param name="Unchanged">Objects whose hash matched the stored one.</param>
/// <param name="Error">Why Hull did not take all changed objects; the page must be retried.</param>
public sealed record PageOutcome(int Sent, int Unchanged, int FirehoseRequests, string? Error);

/// <summary>
/// One Planhat page → Hull: map, compare each object's hash with the stored one, send only new or
/// changed objects, and store the hash of exactly those Hull accepted.
/// </summary>
public sealed class PageImporter(HullFirehoseClient firehose, HashStore hashes, ProductMetrics metrics, ILogger<PageImporter> logger)
{
    public async Task<PageOutcome> ImportAsync(ConnectorRecord connector, IncomingKind kind, IReadOnlyList<JsonObject> page, CompanyLinks? links, CancellationToken cancellationToken)
    {
        var mapped = await MapAsync(kind, page, links, cancellationToken);
        var stored = await hashes.ReadAsync(connector.Id, kind, mapped.Select(o => o.PlanhatId), cancellationToken);
        var changed = mapped.Where(o => !stored.TryGetValue(o.PlanhatId, out var row) || row.Hash != o.Hash).ToList();
        if (changed.Count == 0)
        {
            return new PageOutcome(0, mapped.Count, 0, null);
        }

        var delivery = await firehose.SendGroupsAsync(connector, changed.Select(o => o.Entries).ToList(), cancellationToken);
        var accepted = changed.Where((_, i) => delivery.Accepted[i]).ToList();
        await hashes.SaveAsync(connector.Id, kind, accepted, cancellationToken);
        metrics.Synced(kind.Name, "incoming", accepted.Count);
        if (accepted.Count < changed.Count)
        {
            metrics.Failed(kind.Name, changed.Count - accepted.Count);
        }

        foreach (var item in accepted)
        {
            var change = stored.ContainsKey(item.PlanhatId) ? "changed" : "new";
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

        return new PageOutcome(accepted.Count, mapped.Count - changed.Count, delivery.Requests, delivery.Error);
    }

    private static async Task<List<IncomingObject>> MapAsync(IncomingKind kind, IReadOnlyList<JsonObject> page, CompanyLinks? links, CancellationToken cancellationToken)
    {
        IReadOnlyDictionary<string, JsonObject?> companies = links is null
            ? new Dictionary<string, JsonObject?>()
            : await links.ResolveAsync(page.Select(IncomingMapper.CompanyId).OfType<string>(), cancellationToken);
        return page
            .Select(o => kind == IncomingKind.Companies
                ? IncomingMapper.MapCompany(o)
                : IncomingMapper.MapEnduser(o, IncomingMapper.CompanyId(o) is { } companyId ? companies.GetValueOrDefault(companyId) : null))
            .OfType<IncomingObject>()
            // Offset paging is not snapshot-stable: a page may repeat an object.
            .DistinctBy(o => o.PlanhatId, StringComparer.Ordinal)
            .ToList();
    }
}
