using System.Text.Json.Nodes;
using HullPlanhat.Core.Incoming;
using HullPlanhat.Core.Planhat;
using HullPlanhat.Core.Storage;
using Microsoft.Extensions.Options;

namespace HullPlanhat.Core.Operations.Preview;

/// <summary>How many objects of one kind an import would send to Hull now.</summary>
public sealed record IncomingPreviewCount(string Kind, int Fetched, int New, int Changed, int Unchanged, int NotSendable, int Pages)
{
    public int WouldSend => New + Changed;

    public JsonObject ToJson() => new()
    {
        ["kind"] = Kind, ["fetched"] = Fetched, ["wouldSend"] = WouldSend, ["new"] = New, ["changed"] = Changed,
        ["unchanged"] = Unchanged, ["notSendable"] = NotSendable, ["pages"] = Pages,
    };
}

/// <summary>
/// A dry run of <c>FetchCompanies</c> / <c>FetchEndusers</c>: pages Planhat from the start, maps and
/// hashes each object with the import's own code (<see cref="IncomingMapper"/>, <see cref="CompanyLinks"/>)
/// and compares with the <c>hashes</c> table — without sending anything to Hull, storing a hash, or
/// touching the import's checkpoint.
/// </summary>
public sealed class IncomingPreview(PlanhatClient planhat, HashStore hashes, IOptions<IncomingOptions> options)
{
    public async Task<IncomingPreviewCount> CountAsync(ConnectorRecord connector, PlanhatConnection connection, IncomingKind kind, CancellationToken cancellationToken)
    {
        var pageSize = options.Value.PageSize;
        var links = kind == IncomingKind.Endusers ? new CompanyLinks(hashes, planhat, connector, connection) : null;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        int fetched = 0, fresh = 0, changed = 0, unchanged = 0, notSendable = 0, pages = 0, largest = 0;
        for (var offset = 0; ; offset += pageSize)
        {
            var page = await planhat.ListPageAsync(connection, kind.Name, pageSize, offset, cancellationToken);
            pages++;
            fetched += page.Count;
            var companies = links is null
                ? new Dictionary<string, JsonObject?>()
                : await links.ResolveAsync(page.Select(IncomingMapper.CompanyId).OfType<string>(), cancellationToken);
            var mapped = page
                .Select(o => kind == IncomingKind.Companies
                    ? IncomingMapper.MapCompany(o)
                    : IncomingMapper.MapEnduser(o, IncomingMapper.CompanyId(o) is { } companyId ? companies.GetValueOrDefault(companyId) : null))
                .ToList();
            notSendable += mapped.Count(m => m is null);
            var objects = mapped.OfType<IncomingObject>().Where(o => seen.Add(o.PlanhatId)).ToList();
            var stored = await hashes.ReadAsync(connector.Id, kind, objects.Select(o => o.PlanhatId), cancellationToken);
            foreach (var o in objects)
            {
                if (!stored.TryGetValue(o.PlanhatId, out var row))
                {
                    fresh++;
                }
                else if (row.Hash != o.Hash)
                {
                    changed++;
                }
                else
                {
                    unchanged++;
                }
            }

            var largestEarlier = largest;
            largest = Math.Max(largest, page.Count);
            if (JobPlanner.IsLastPage(page.Count, pageSize, largestEarlier))
            {
                return new IncomingPreviewCount(kind.Name, fetched, fresh, changed, unchanged, notSendable, pages);
            }
        }
    }
}
