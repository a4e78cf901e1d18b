using System.Collections.Concurrent;
using Azure.Data.Tables;
using HullPlanhat.Core.Storage;
using Microsoft.Extensions.Options;

namespace HullPlanhat.Core.Operations.Runs;

/// <summary>
/// The <c>runs</c> and <c>runerrors</c> tables, one partition per connector. Row keys start with
/// inverted ticks, so a partition reads newest first and everything past the retention cut-off is one
/// range; a run's errors share its key as prefix.
/// </summary>
public sealed class RunStore(StorageClients storage, IOptions<RunHistoryOptions> options, TimeProvider clock)
{
    public const string RunsTable = "runs";
    public const string RunErrorsTable = "runerrors";
    public const int MaxPageSize = 200;

    private readonly ConcurrentDictionary<string, DateTimeOffset> lastSweep = new();

    /// <summary>An id that sorts newest first and is unique without coordination.</summary>
    public static string NewId(DateTimeOffset at) => $"{DateTimeOffset.MaxValue.UtcTicks - at.UtcTicks:D19}-{Guid.NewGuid():N}"[..28];

    public async Task SaveAsync(RunRecord run, IReadOnlyList<RunRowError> errors, CancellationToken cancellationToken)
    {
        await EnsureTablesAsync(cancellationToken);
        var partition = TableKeys.Encode(run.ConnectorId);
        var expires = run.EndedAt + options.Value.Retention;
        var errorRows = errors.Select((e, i) => new TableTransactionAction(TableTransactionActionType.UpsertReplace, new TableEntity(partition, $"{run.Id}_{i:D5}")
        {
            ["ObjectType"] = e.ObjectType, ["ObjectId"] = e.ObjectId, ["Message"] = e.Message, ["Attempt"] = e.Attempt, ["At"] = e.At, ["ExpiresAt"] = expires,
        })).ToList();
        foreach (var chunk in errorRows.Chunk(100))
        {
            await storage.Table(RunErrorsTable).SubmitNamedTransactionAsync(chunk, cancellationToken);
        }

        await storage.Table(RunsTable).UpsertEntityAsync(new TableEntity(partition, run.Id)
        {
            ["Function"] = run.Function, ["ConnectorId"] = run.ConnectorId, ["StartedAt"] = run.StartedAt, ["EndedAt"] = run.EndedAt,
            ["Outcome"] = run.Outcome, ["Error"] = run.Error is { Length: > 4000 } e ? e[..4000] : run.Error,
            ["Sent"] = run.Sent, ["Created"] = run.Created, ["Updated"] = run.Updated, ["Unchanged"] = run.Unchanged,
            ["Skipped"] = run.Skipped, ["Failed"] = run.Failed, ["PlanhatCalls"] = run.PlanhatCalls, ["Throttled"] = run.Throttled,
            ["FirehoseCalls"] = run.FirehoseCalls, ["ErrorRows"] = run.ErrorRows, ["ExpiresAt"] = expires,
        }, TableUpdateMode.Replace, cancellationToken);
        await SweepIfDueAsync(run.ConnectorId, cancellationToken);
    }

    /// <summary>One page of a connector's runs, newest first.</summary>
    public async Task<(IReadOnlyList<RunRecord> Runs, string? Next)> ListAsync(string connectorId, int pageSize, string? continuation, CancellationToken cancellationToken)
    {
        await EnsureTablesAsync(cancellationToken);
        var (items, next) = await PageAsync(RunsTable, $"PartitionKey eq '{Quote(TableKeys.Encode(connectorId))}' and RowKey lt '{Quote(Cutoff())}'", pageSize, continuation, cancellationToken);
        return (items.Select(ToRecord).ToList(), next);
    }

    public async Task<RunRecord?> FindAsync(string connectorId, string runId, CancellationToken cancellationToken)
    {
        await EnsureTablesAsync(cancellationToken);
        var found = await storage.Table(RunsTable).GetEntityIfExistsAsync<TableEntity>(TableKeys.Encode(connectorId), runId, cancellationToken: cancellationToken);
        return found.HasValue && found.Value is { } entity && string.CompareOrdinal(runId, Cutoff()) < 0 ? ToRecord(entity) : null;
    }

    /// <summary>One page of a run's row errors, in the order they happened.</summary>
    public async Task<(IReadOnlyList<RunRowError> Errors, string? Next)> ErrorsAsync(string connectorId, string runId, int pageSize, string? continuation, CancellationToken cancellationToken)
    {
        await EnsureTablesAsync(cancellationToken);
        var filter = $"PartitionKey eq '{Quote(TableKeys.Encode(connectorId))}' and RowKey gt '{Quote(runId)}_' and RowKey lt '{Quote(runId)}`'";
        var (items, next) = await PageAsync(RunErrorsTable, filter, pageSize, continuation, cancellationToken);
        return (items.Select(e => new RunRowError(e.GetString("ObjectType") ?? "", e.GetString("ObjectId") ?? "", e.GetString("Message") ?? "",
            e.GetInt32("Attempt") ?? 0, e.GetDateTimeOffset("At") ?? default)).ToList(), next);
    }

    /// <summary>Deletes a connector's runs and row errors past the retention (at most once per <see cref="RunHistoryOptions.SweepEvery"/> per process).</summary>
    public async Task SweepIfDueAsync(string connectorId, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        if (lastSweep.TryGetValue(connectorId, out var last) && now - last < options.Value.SweepEvery)
        {
            return;
        }

        lastSweep[connectorId] = now;
        var filter = $"PartitionKey eq '{Quote(TableKeys.Encode(connectorId))}' and RowKey ge '{Quote(Cutoff())}'";
        foreach (var table in (string[])[RunsTable, RunErrorsTable])
        {
            var client = storage.Table(table);
            var expired = new List<TableTransactionAction>();
            await foreach (var entity in client.QueryAsync<TableEntity>(filter, select: ["PartitionKey", "RowKey"], cancellationToken: cancellationToken))
            {
                expired.Add(new(TableTransactionActionType.Delete, entity));
            }

            foreach (var chunk in expired.Chunk(100))
            {
                await client.SubmitNamedTransactionAsync(chunk, cancellationToken);
            }
        }
    }

    /// <summary>Row keys at or past this are older than the retention.</summary>
    private string Cutoff() => $"{DateTimeOffset.MaxValue.UtcTicks - (clock.GetUtcNow() - options.Value.Retention).UtcTicks:D19}";

    private async Task<(List<TableEntity> Items, string? Next)> PageAsync(string table, string filter, int pageSize, string? continuation, CancellationToken cancellationToken)
    {
        await foreach (var page in storage.Table(table).QueryAsync<TableEntity>(filter, maxPerPage: Math.Clamp(pageSize, 1, MaxPageSize), cancellationToken: cancellationToken)
                           .AsPages(string.IsNullOrEmpty(continuation) ? null : continuation, Math.Clamp(pageSize, 1, MaxPageSize)))
        {
            return (page.Values.ToList(), page.ContinuationToken);
        }

        return ([], null);
    }

    private async Task EnsureTablesAsync(CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync();
        if (!tablesCreated)
        {
            await storage.Table(RunsTable).CreateIfNotExistsAsync(cancellationToken);
            await storage.Table(RunErrorsTable).CreateIfNotExistsAsync(cancellationToken);
            tablesCreated = true;
        }
    }

    private volatile bool tablesCreated;

    private static RunRecord ToRecord(TableEntity e) => new(
        e.RowKey, e.GetString("Function") ?? "", e.GetString("ConnectorId") ?? "", e.GetDateTimeOffset("StartedAt") ?? default, e.GetDateTimeOffset("EndedAt") ?? default,
        e.GetString("Outcome") ?? "", e.GetString("Error"), e.GetInt64("Sent") ?? 0, e.GetInt64("Created") ?? 0, e.GetInt64("Updated") ?? 0, e.GetInt64("Unchanged") ?? 0,
        e.GetInt64("Skipped") ?? 0, e.GetInt64("Failed") ?? 0, e.GetInt64("PlanhatCalls") ?? 0, e.GetInt64("Throttled") ?? 0, e.GetInt64("FirehoseCalls") ?? 0,
        e.GetInt32("ErrorRows") ?? 0);

    private static string Quote(string value) => value.Replace("'", "''", StringComparison.Ordinal);
}
