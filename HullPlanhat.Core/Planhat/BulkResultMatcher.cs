using System.Text.Json.Nodes;

namespace HullPlanhat.Core.Planhat;

/// <summary>What Planhat did with one row of a bulk upsert.</summary>
/// <param name="Succeeded">Accepted (inserted, updated or unchanged).</param>
/// <param name="PlanhatId">Its Planhat id, when known.</param>
/// <param name="Error">Planhat's message for a refused row.</param>
public readonly record struct BulkRowOutcome(bool Succeeded, string? PlanhatId, string? Error)
{
    /// <summary>Planhat refused a row keyed by <c>_id</c> because no object has that id (deleted in Planhat).</summary>
    public bool IsUnknownId => !Succeeded && Error is { } error && error.Contains("not found", StringComparison.OrdinalIgnoreCase);
}

/// <summary>
/// Matches a bulk upsert response back to the rows sent (pure). Rows are keyed as Planhat matches
/// them: <c>_id</c>, else <c>sourceId</c>, else <c>externalId</c>; an error names the row by the same key. A row that neither succeeded nor
/// failed by name was unchanged (<c>nonupdates</c>) — unless some error could not be matched,
/// in which case it might be that one, and is reported failed so it is retried (upserts are idempotent).
/// </summary>
public static class BulkResultMatcher
{
    public static IReadOnlyList<BulkRowOutcome> Match(IReadOnlyList<JsonObject> rows, BulkUpsertResult result, string? scopeKey = null)
    {
        var byId = result.SucceededKeys.Where(k => k.Id is not null).Select(k => k.Id!).ToHashSet(StringComparer.Ordinal);
        var idByExternal = new Dictionary<string, string>(StringComparer.Ordinal);
        var idBySource = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var key in result.SucceededKeys.Where(k => k.Id is not null))
        {
            if (key.ExternalId is { } externalKey)
            {
                idByExternal[externalKey] = key.Id!;
            }

            if (key.SourceId is { } sourceKey)
            {
                idBySource[sourceKey] = key.Id!;
            }
        }

        var errors = result.Errors.OfType<JsonObject>().ToList();
        var matchedErrors = new HashSet<JsonObject>(ReferenceEqualityComparer.Instance);
        var outcomes = new BulkRowOutcome[rows.Count];
        for (var i = 0; i < rows.Count; i++)
        {
            var row = rows[i];
            var id = Text(row, "_id");
            var sourceId = id is null ? Text(row, "sourceId") : null;
            var externalId = id is null && sourceId is null ? Text(row, "externalId") : null;
            var scope = scopeKey is null ? null : Text(row, scopeKey);
            var error = errors.FirstOrDefault(e =>
                (id is not null && Text(e, "_id") == id)
                || (sourceId is not null && Text(e, "sourceId") == sourceId)
                || (externalId is not null && Text(e, "externalId") == externalId && (scope is null || Text(e, scopeKey!) is null || Text(e, scopeKey!) == scope)));
            if (error is not null)
            {
                matchedErrors.Add(error);
                outcomes[i] = new(false, id, Text(error, "error") ?? Text(error, "message") ?? error.ToJsonString());
            }
            else if (id is not null)
            {
                outcomes[i] = new(true, id, null);
            }
            else
            {
                var found = sourceId is not null ? idBySource.GetValueOrDefault(sourceId)
                    : externalId is not null ? idByExternal.GetValueOrDefault(externalId) : null;
                outcomes[i] = new(true, found, null);
            }
        }

        var unmatched = result.Errors.Count() - matchedErrors.Count;
        if (unmatched > 0)
        {
            var message = $"Planhat reported {unmatched} error(s) it did not attribute to a row: {string.Join("; ", result.Errors.Where(e => e is not JsonObject o || !matchedErrors.Contains(o)).Take(3).Select(e => e?.ToJsonString()))}";
            for (var i = 0; i < rows.Count; i++)
            {
                // Only rows Planhat did not confirm by key are in doubt.
                var confirmed = outcomes[i].PlanhatId is { } pid && (byId.Contains(pid) || Text(rows[i], "_id") is null);
                if (outcomes[i].Succeeded && !confirmed)
                {
                    outcomes[i] = new(false, outcomes[i].PlanhatId, message);
                }
            }
        }

        return outcomes;
    }

    private static string? Text(JsonObject source, string key) =>
        source[key] is JsonValue value && value.TryGetValue<string>(out var text) && text.Length > 0 ? text : null;
}
