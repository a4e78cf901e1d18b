namespace HullPlanhat.Core.Operations.Runs;

/// <summary>One recorded run: an outbox flush or an incoming import of one connector.</summary>
/// <param name="Id">Sortable id (newest first), also the table row key.</param>
/// <param name="Sent">Objects written (to Planhat for a flush, to Hull for an import).</param>
/// <param name="Created">Objects Planhat reported created (flush only).</param>
/// <param name="Updated">Objects Planhat reported updated (flush only).</param>
/// <param name="Unchanged">Objects found unchanged (Planhat's non-updates, or matching hashes of an import).</param>
public sealed record RunRecord(
    string Id,
    string Function,
    string ConnectorId,
    DateTimeOffset StartedAt,
    DateTimeOffset EndedAt,
    string Outcome,
    string? Error,
    long Sent,
    long Created,
    long Updated,
    long Unchanged,
    long Skipped,
    long Failed,
    long PlanhatCalls,
    long Throttled,
    long FirehoseCalls,
    int ErrorRows);

/// <summary>A row-level failure of a run: which object, what Planhat said, which attempt.</summary>
public sealed record RunRowError(string ObjectType, string ObjectId, string Message, int Attempt, DateTimeOffset At);
