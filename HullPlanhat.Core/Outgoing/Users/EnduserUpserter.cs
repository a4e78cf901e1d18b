using System.Text.Json.Nodes;
using HullPlanhat.Core.Planhat;
using Microsoft.Extensions.Options;

namespace HullPlanhat.Core.Outgoing.Users;

/// <summary>
/// Writes endusers with one <c>PUT /endusers</c> per chunk, never creating a second enduser for one
/// person: the key is the Planhat id, else <c>externalId</c>, else the id found by (URL-encoded) email.
/// A failed lookup fails the row (it is retried) instead of turning into a create (§12.2–3).
/// </summary>
public sealed class EnduserUpserter(PlanhatClient planhat, IOptions<PlanhatOptions> options)
{
    /// <param name="items">Endusers with <c>companyId</c> and, when known, <c>_id</c>; changed in place when a lookup finds the id.</param>
    /// <returns>One outcome per item; a success always carries the Planhat id.</returns>
    public async Task<BulkRowOutcome[]> UpsertAsync(PlanhatConnection connection, IReadOnlyList<JsonObject> items, CancellationToken cancellationToken)
    {
        var outcomes = new BulkRowOutcome[items.Count];
        var keyed = new List<int>();
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i];
            if (item["_id"] is null && EnduserMapper.Text(item, "externalId") is null)
            {
                var (found, error) = await FindByEmailAsync(connection, item, cancellationToken);
                if (error is not null)
                {
                    outcomes[i] = new(false, null, error);
                    continue;
                }

                if (found is not null)
                {
                    item["_id"] = found;
                }
            }

            keyed.Add(i);
        }

        foreach (var chunk in keyed.Chunk(options.Value.BulkChunkSize))
        {
            var batch = chunk.Select(i => items[i]).ToList();
            var matched = await PlanhatCalls.TryAsync(
                async () => BulkResultMatcher.Match(batch, await planhat.BulkUpsertAsync(connection, "endusers", batch, cancellationToken)),
                error => batch.Select(_ => new BulkRowOutcome(false, null, error)).ToArray(), cancellationToken);
            for (var k = 0; k < chunk.Length; k++)
            {
                outcomes[chunk[k]] = matched[k] is { Succeeded: true, PlanhatId: null }
                    ? await LookUpIdAsync(connection, batch[k], cancellationToken)
                    : matched[k];
            }
        }

        return outcomes;
    }

    private async Task<(string? Id, string? Error)> FindByEmailAsync(PlanhatConnection connection, JsonObject item, CancellationToken cancellationToken)
    {
        if (EnduserMapper.Text(item, "email") is not { } email)
        {
            return (null, SkipReasons.NoEmailOrExternalId);
        }

        return await PlanhatCalls.TryAsync<(string?, string?)>(
            async () => (PickByEmail(await planhat.QueryAsync(connection, $"endusers?email={Uri.EscapeDataString(email)}", cancellationToken), email, item), null),
            error => (null, $"Looking up the enduser by email failed: {error}"), cancellationToken);
    }

    // Planhat does not list unchanged rows, nor key rows inserted without externalId; the id is needed for Hull.
    private Task<BulkRowOutcome> LookUpIdAsync(PlanhatConnection connection, JsonObject item, CancellationToken cancellationToken) =>
        PlanhatCalls.TryAsync(
            async () =>
            {
                string? id = null;
                if (EnduserMapper.Text(item, "externalId") is { } externalId)
                {
                    var found = await planhat.QueryAsync(connection, $"endusers?externalId={Uri.EscapeDataString(externalId)}", cancellationToken);
                    id = found.FirstOrDefault(e => EnduserMapper.Text(e, "externalId") == externalId)?["_id"]?.ToString();
                }
                else if (EnduserMapper.Text(item, "email") is { } email)
                {
                    id = PickByEmail(await planhat.QueryAsync(connection, $"endusers?email={Uri.EscapeDataString(email)}", cancellationToken), email, item);
                }

                return id is not null
                    ? new BulkRowOutcome(true, id, null)
                    : new BulkRowOutcome(false, null, "Planhat accepted the enduser but it could not be found by externalId or email.");
            },
            error => new BulkRowOutcome(false, null, error), cancellationToken);

    /// <summary>The enduser with this email (checked: a filter Planhat ignored must not pick a stranger), preferring the same company.</summary>
    private static string? PickByEmail(IReadOnlyList<JsonObject> found, string email, JsonObject item)
    {
        var same = found.Where(e => string.Equals(EnduserMapper.Text(e, "email"), email, StringComparison.OrdinalIgnoreCase)).ToList();
        var companyId = EnduserMapper.Text(item, "companyId");
        return (same.FirstOrDefault(e => EnduserMapper.Text(e, "companyId") == companyId) ?? same.FirstOrDefault())?["_id"]?.ToString();
    }
}
