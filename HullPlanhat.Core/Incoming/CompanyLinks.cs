using System.Net;
using System.Text.Json.Nodes;
using HullPlanhat.Core.Planhat;
using HullPlanhat.Core.Storage;

namespace HullPlanhat.Core.Incoming;

/// <summary>
/// companyId → the Hull account claims of that company, for linking endusers, cached for one job.
/// First from the company rows of the <c>hashes</c> table (filled by the companies import, so
/// usually free), then <c>GET /companies/{id}</c> for a company not imported yet. The claims are
/// built exactly as the companies import builds them, so the user lands on the same account.
/// </summary>
public sealed class CompanyLinks(HashStore hashes, PlanhatClient planhat, ConnectorRecord connector, PlanhatConnection connection)
{
    // Bounds memory for huge portfolios; a miss after a reset costs one table read.
    private const int MaxCached = 20_000;
    private readonly Dictionary<string, JsonObject?> cache = new(StringComparer.Ordinal);

    /// <summary>Planhat calls made so far.</summary>
    public int PlanhatCalls { get; private set; }

    /// <summary>Claims per company id; null for a company Planhat does not have.</summary>
    public async Task<IReadOnlyDictionary<string, JsonObject?>> ResolveAsync(IEnumerable<string> companyIds, CancellationToken cancellationToken)
    {
        var wanted = companyIds.Distinct(StringComparer.Ordinal).ToList();
        var result = new Dictionary<string, JsonObject?>(StringComparer.Ordinal);
        var missing = new List<string>();
        foreach (var id in wanted)
        {
            if (cache.TryGetValue(id, out var claims))
            {
                result[id] = claims;
            }
            else
            {
                missing.Add(id);
            }
        }

        if (missing.Count == 0)
        {
            return result;
        }

        var stored = await hashes.ReadAsync(connector.Id, IncomingKind.Companies, missing, cancellationToken);
        foreach (var id in missing)
        {
            result[id] = stored.TryGetValue(id, out var row) && row.Claims is { } claims
                ? claims
                : await FetchClaimsAsync(id, cancellationToken);
        }

        if (cache.Count + missing.Count > MaxCached)
        {
            cache.Clear();
        }

        foreach (var id in missing)
        {
            cache[id] = result[id];
        }

        return result;
    }

    private async Task<JsonObject?> FetchClaimsAsync(string companyId, CancellationToken cancellationToken)
    {
        PlanhatCalls++;
        var response = await planhat.SendRawAsync(connection, HttpMethod.Get, "companies/" + Uri.EscapeDataString(companyId), null, cancellationToken);
        if (response.Status == HttpStatusCode.NotFound)
        {
            return null;
        }

        if ((int)response.Status is < 200 or > 299)
        {
            throw new PlanhatApiException(response.Status, "GET", "companies/{id}", response.Body);
        }

        return JsonNode.Parse(response.Body) is JsonObject company ? IncomingMapper.CompanyClaims(company) : null;
    }
}
