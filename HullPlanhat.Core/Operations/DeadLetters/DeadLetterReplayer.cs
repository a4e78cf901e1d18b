using System.Text.Json.Nodes;
using Azure;
using Azure.Data.Tables;
using HullPlanhat.Core.Json;
using HullPlanhat.Core.Logging;
using HullPlanhat.Core.Outgoing;
using HullPlanhat.Core.Outgoing.Outbox;
using HullPlanhat.Core.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HullPlanhat.Core.Operations.DeadLetters;

/// <summary>
/// Reads, replays and deletes a connector's dead letters. A replay puts the row back in the outbox
/// one attempt short of the limit, so the normal flush sends it once more and, if Planhat refuses it
/// again, the flush dead-letters it again. The dead letter is marked <c>replaying</c> and removed only
/// once Planhat accepted that very payload (its hash is what the sync state records), or once a newer
/// dead letter of the same object replaces it; <see cref="ReconcileAsync"/> checks, on every read.
/// </summary>
public sealed class DeadLetterReplayer(
    StorageClients storage,
    OutboxStore outbox,
    Outgoing.Users.EnduserOutbox endusers,
    SyncStateStore syncState,
    IOptions<OutboxOptions> outboxOptions,
    TimeProvider clock,
    OperationsMetrics metrics,
    ILogger<DeadLetterReplayer> logger)
{
    public const int MaxListed = 1000;

    private TableClient Table => storage.Table(StorageNames.DeadLettersTable);

    public async Task<IReadOnlyList<DeadLetterEntry>> ListAsync(string connectorId, int max, CancellationToken cancellationToken)
    {
        var rows = await ReconcileAsync(connectorId, cancellationToken);
        return rows.Take(max).Select(ToEntry).ToList();
    }

    /// <summary>How many dead letters the connector has (counting at most <see cref="MaxListed"/>).</summary>
    public async Task<int> CountAsync(string connectorId, CancellationToken cancellationToken) => (await ReconcileAsync(connectorId, cancellationToken)).Count;

    public async Task<IReadOnlyList<ReplayOutcome>> ReplayAsync(string connectorId, IReadOnlyCollection<string>? ids, CancellationToken cancellationToken)
    {
        var rows = await ReconcileAsync(connectorId, cancellationToken);
        var byId = rows.ToDictionary(r => r.RowKey, StringComparer.Ordinal);
        var chosen = ids ?? rows.Where(r => r.GetDateTimeOffset("ReplayedAt") is null).Select(r => r.RowKey).ToList();
        var outcomes = new List<ReplayOutcome>();
        foreach (var id in chosen.Distinct(StringComparer.Ordinal))
        {
            var outcome = byId.TryGetValue(id, out var row) ? await ReplayOneAsync(connectorId, row, cancellationToken) : new ReplayOutcome(id, ReplayOutcome.NotFound, "No such dead letter of this connector.");
            logger.DeadLetterReplayed(row?.GetString("ObjectType") ?? "unknown", id, outcome.Outcome, outcome.Reason);
            metrics.Replayed("deadletters", outcome.Outcome);
            outcomes.Add(outcome);
        }

        return outcomes;
    }

    public async Task<bool> DeleteAsync(string connectorId, string id, CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync();
        var partition = TableKeys.Encode(connectorId);
        // Deleting an absent entity succeeds silently; an operator should hear that nothing was there.
        if (!(await Table.GetEntityIfExistsAsync<TableEntity>(partition, id, ["RowKey"], cancellationToken)).HasValue)
        {
            return false;
        }

        await Table.DeleteEntityAsync(partition, id, ETag.All, cancellationToken);
        logger.DeadLetterDeleted(id);
        return true;
    }

    private async Task<ReplayOutcome> ReplayOneAsync(string connectorId, TableEntity entity, CancellationToken cancellationToken)
    {
        var id = entity.RowKey;
        if (entity.GetDateTimeOffset("ReplayedAt") is not null)
        {
            return new(id, ReplayOutcome.Refused, "It is being replayed already; it leaves the list once Planhat accepts it.");
        }

        if (ToOutboxRow(connectorId, entity) is not { } row)
        {
            return new(id, ReplayOutcome.Refused, "It was dead-lettered before replays kept the enduser's context; send the user again from Hull.");
        }

        var accepted = await syncState.GetAsync(connectorId, row.ObjectType, row.HullId, cancellationToken);
        if (accepted is not null && ChangeVersion.IsOlder(row.Version, accepted.Version))
        {
            return new(id, ReplayOutcome.Refused, SkipReasons.OlderChange + " Delete this dead letter.");
        }

        var staged = row with
        {
            Attempts = Math.Max(outboxOptions.Value.MaxAttempts - 1, 0),
            StagedAt = clock.GetUtcNow(),
            NotBefore = DateTimeOffset.MinValue,
            LastError = "Replayed from the dead letters.",
        };
        if (!await outbox.TryWriteAsync(staged, null, cancellationToken))
        {
            if (row.ObjectType != OutboxObjectTypes.Event)
            {
                return new(id, ReplayOutcome.Refused, "A change of this object is staged already and goes out with the next flush.");
            }

            // Newer events of the user are waiting: these join them.
            await endusers.StageEventsAsync(staged, cancellationToken);
        }

        await Table.UpdateEntityAsync(new TableEntity(entity.PartitionKey, id) { ["ReplayedAt"] = clock.GetUtcNow() }, ETag.All, TableUpdateMode.Merge, cancellationToken);
        return new(id, ReplayOutcome.Staged);
    }

    /// <summary>
    /// The connector's dead letters, after removing replayed ones that Planhat accepted since or that
    /// failed again (a newer dead letter of the same object carries the latest error).
    /// </summary>
    private async Task<List<TableEntity>> ReconcileAsync(string connectorId, CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync();
        var partition = TableKeys.Encode(connectorId);
        var rows = new List<TableEntity>();
        await foreach (var entity in Table.QueryAsync<TableEntity>(e => e.PartitionKey == partition, cancellationToken: cancellationToken))
        {
            rows.Add(entity);
            if (rows.Count >= MaxListed)
            {
                break;
            }
        }

        var kept = new List<TableEntity>();
        foreach (var row in rows)
        {
            if (row.GetDateTimeOffset("ReplayedAt") is { } replayedAt && await ResolutionAsync(connectorId, row, replayedAt, rows, cancellationToken) is { } reason)
            {
                await Table.DeleteEntityAsync(partition, row.RowKey, ETag.All, cancellationToken);
                logger.DeadLetterResolved(row.GetString("ObjectType") ?? "", row.RowKey, reason);
                continue;
            }

            kept.Add(row);
        }

        return kept.OrderByDescending(r => r.GetDateTimeOffset("FailedAt")).ToList();
    }

    private async Task<string?> ResolutionAsync(string connectorId, TableEntity row, DateTimeOffset replayedAt, List<TableEntity> all, CancellationToken cancellationToken)
    {
        var (type, hullId) = (row.GetString("ObjectType") ?? "", row.GetString("HullId") ?? "");
        if (all.Any(other => other.RowKey != row.RowKey && other.GetString("ObjectType") == type && other.GetString("HullId") == hullId
                && other.GetDateTimeOffset("FailedAt") > replayedAt))
        {
            return "Planhat refused the replay again; the newer dead letter has its answer.";
        }

        if (type == OutboxObjectTypes.Event)
        {
            // Events have no sync state: the replayed row leaves the outbox once posted (a refusal dead-letters it again).
            return await outbox.FindAsync(connectorId, type, hullId, cancellationToken) is null ? "Planhat's analytics took the replayed events." : null;
        }

        var accepted = await syncState.GetAsync(connectorId, type, hullId, cancellationToken);
        return accepted is not null && accepted.Hash == HashOf(row) ? "Planhat accepted the replay." : null;
    }

    private static string? HashOf(TableEntity row) =>
        row.GetString("Hash") ?? (row.GetString("ObjectType") == OutboxObjectTypes.Company && LargeText.Read(row, "Payload") is { } payload
            ? CanonicalJson.Hash(new JsonObject { ["company"] = JsonNode.Parse(payload), ["licenses"] = LargeText.Read(row, "Attachments") is { } a ? JsonNode.Parse(a) : null })
            : null);

    private static OutboxRow? ToOutboxRow(string connectorId, TableEntity e)
    {
        var type = e.GetString("ObjectType");
        var context = LargeText.Read(e, "Context") is { } c ? JsonNode.Parse(c) as JsonObject : null;
        if (type is null || e.GetString("HullId") is not { } hullId || LargeText.Read(e, "Payload") is not { } payload || HashOf(e) is not { } hash
            || (type == OutboxObjectTypes.Enduser && context is null))
        {
            return null;
        }

        return new OutboxRow
        {
            ConnectorId = connectorId,
            ObjectType = type,
            HullId = hullId,
            Payload = (JsonObject)JsonNode.Parse(payload)!,
            Attachments = LargeText.Read(e, "Attachments") is { } a ? JsonNode.Parse(a) as JsonArray : null,
            Hash = hash,
            PlanhatId = e.GetString("PlanhatId"),
            HullClaims = JsonNode.Parse(e.GetString("HullClaims") ?? "{}") as JsonObject ?? [],
            Context = context,
            Version = e.GetInt64("Version") ?? 0,
        };
    }

    private static DeadLetterEntry ToEntry(TableEntity e) => new(
        e.RowKey, e.GetString("ObjectType") ?? "", e.GetString("HullId") ?? "", e.GetInt32("Attempts") ?? 0, e.GetString("Error") ?? "",
        e.GetDateTimeOffset("FailedAt"), e.GetDateTimeOffset("ReplayedAt"));
}
