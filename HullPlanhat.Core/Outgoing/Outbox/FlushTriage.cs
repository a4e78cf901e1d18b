using System.Text.Json.Nodes;
using HullPlanhat.Core.Incoming;
using HullPlanhat.Core.TwoWay;

namespace HullPlanhat.Core.Outgoing.Outbox;

/// <summary>A staged row after triage: its known Planhat id filled in, and why it is not sent (null: send it).</summary>
public sealed record TriagedRow(OutboxRow Row, string? SkipReason)
{
    /// <summary>Planhat's own values coming back: not sent, but recorded as written.</summary>
    public bool FromPlanhat => SkipReason == ImportedState.AlreadyInPlanhat;
}

/// <summary>
/// The "already in sync" decision, taken by the flusher for a whole chunk instead of by each queue
/// worker for its object: the chunk's sync-state rows are read together
/// (<see cref="SyncStateStore.ReadManyAsync"/>); rows whose hash Planhat already has, or whose
/// change is older than the one it has, are marked skipped (<see cref="SyncDecision"/>; an
/// unchanged row's newer version is recorded); known Planhat ids are filled in; and rows that would
/// write back values the import brought from Planhat are marked too (loop suppression: one read
/// each, only for changed rows whose Planhat id is known).
/// </summary>
public sealed class FlushTriage(SyncStateStore syncState, ImportedState imported)
{
    private const int ImportedReadParallelism = 16;

    /// <param name="importedItem">The Planhat fields a row would write, to compare with what the import saw; null where loop suppression does not apply.</param>
    public async Task<IReadOnlyList<TriagedRow>> TriageAsync(string connectorId, string objectType, IncomingKind kind, IReadOnlyList<OutboxRow> rows,
        Func<OutboxRow, JsonObject?> importedItem, CancellationToken cancellationToken)
    {
        var accepted = await syncState.ReadManyAsync(connectorId, objectType, rows.Select(r => r.HullId), cancellationToken);
        var triaged = rows.Select(row =>
        {
            var state = accepted.GetValueOrDefault(row.HullId);
            var filled = row.PlanhatId is null && state?.PlanhatId is { } known ? row with { PlanhatId = known } : row;
            // A change without a version (an extract line without updated_at) keeps the one Planhat's state has, so a late older change still counts as older.
            filled = filled.Version == 0 && state is { Version: > 0 } ? filled with { Version = state.Version } : filled;
            return new TriagedRow(filled, SyncDecision.SkipReason(row.Hash, row.Version, state));
        }).ToArray();

        // An unchanged object's newer change becomes the version to compare with, so its older change, delivered late, still counts as older.
        await syncState.SaveAsync(connectorId, objectType, rows
            .Select(row => (row, State: accepted.GetValueOrDefault(row.HullId)))
            .Where(r => r.State is not null && r.row.Version > r.State.Version && SyncDecision.SkipReason(r.row.Hash, r.row.Version, r.State) == SkipReasons.AlreadyInSync)
            .Select(r => (r.row.HullId, r.State! with { Version = r.row.Version })), cancellationToken);

        await Parallel.ForAsync(0, triaged.Length, new ParallelOptions { MaxDegreeOfParallelism = ImportedReadParallelism, CancellationToken = cancellationToken },
            async (i, ct) =>
            {
                var (row, skip) = triaged[i];
                if (skip is null && row.PlanhatId is { } planhatId && importedItem(row) is { } item
                    && await imported.HoldsAsync(connectorId, kind, planhatId, item, ct))
                {
                    triaged[i] = triaged[i] with { SkipReason = ImportedState.AlreadyInPlanhat };
                }
            });
        return triaged;
    }
}
