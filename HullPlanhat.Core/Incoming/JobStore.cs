using Azure;
using Azure.Data.Tables;
using HullPlanhat.Core.Storage;

namespace HullPlanhat.Core.Incoming;

/// <summary>The claim on a job row was taken by another run (its ETag changed).</summary>
public sealed class JobClaimLostException(string message) : Exception(message);

/// <summary>
/// The <c>jobs</c> table: partition = connector, row = object type. Every write is conditional on
/// the ETag last read or written, so two runs can never both think they own a job.
/// </summary>
public sealed class JobStore(StorageClients storage)
{
    private TableClient Table => storage.Table(StorageNames.JobsTable);

    public async Task<(JobState? State, ETag ETag)> GetAsync(string connectorId, IncomingKind kind, CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync();
        var response = await Table.GetEntityIfExistsAsync<TableEntity>(TableKeys.Encode(connectorId), kind.Name, cancellationToken: cancellationToken);
        return response.HasValue && response.Value is { } entity ? (ToState(entity), entity.ETag) : (null, default);
    }

    /// <summary>Writes <paramref name="state"/> if the row is still at <paramref name="etag"/> (absent when default); null when another run got there first.</summary>
    public Task<ETag?> TryWriteAsync(string connectorId, IncomingKind kind, JobState state, ETag etag, CancellationToken cancellationToken) =>
        ConditionalRowWrite.TryWriteAsync(Table, ToEntity(connectorId, kind, state), etag, cancellationToken);

    private static TableEntity ToEntity(string connectorId, IncomingKind kind, JobState s) => new(TableKeys.Encode(connectorId), kind.Name)
    {
        ["ConnectorId"] = connectorId,
        ["Status"] = s.Status,
        ["JobId"] = s.JobId,
        ["StartedAt"] = s.StartedAt,
        ["EndedAt"] = s.EndedAt,
        ["Offset"] = s.Offset,
        ["LargestPage"] = s.LargestPage,
        ["Pages"] = s.Pages,
        ["Fetched"] = s.Fetched,
        ["Sent"] = s.Sent,
        ["Unchanged"] = s.Unchanged,
        ["PlanhatCalls"] = s.PlanhatCalls,
        ["FirehoseRequests"] = s.FirehoseRequests,
        ["Owner"] = s.Owner,
        ["HeartbeatAt"] = s.HeartbeatAt,
        ["LastError"] = s.LastError is { Length: > 4000 } error ? error[..4000] : s.LastError,
        ["LastCompletedAt"] = s.LastCompletedAt,
        ["DigestsValid"] = s.DigestsValid,
        ["UnseenPending"] = s.UnseenPending,
    };

    private static JobState ToState(TableEntity e) => new()
    {
        Status = e.GetString("Status") ?? JobStatus.Failed,
        JobId = e.GetString("JobId") ?? string.Empty,
        StartedAt = e.GetDateTimeOffset("StartedAt") ?? DateTimeOffset.MinValue,
        EndedAt = e.GetDateTimeOffset("EndedAt"),
        Offset = e.GetInt32("Offset") ?? 0,
        LargestPage = e.GetInt32("LargestPage") ?? 0,
        Pages = e.GetInt32("Pages") ?? 0,
        Fetched = e.GetInt64("Fetched") ?? 0,
        Sent = e.GetInt64("Sent") ?? 0,
        Unchanged = e.GetInt64("Unchanged") ?? 0,
        PlanhatCalls = e.GetInt64("PlanhatCalls") ?? 0,
        FirehoseRequests = e.GetInt64("FirehoseRequests") ?? 0,
        Owner = e.GetString("Owner"),
        HeartbeatAt = e.GetDateTimeOffset("HeartbeatAt"),
        LastError = e.GetString("LastError"),
        LastCompletedAt = e.GetDateTimeOffset("LastCompletedAt"),
        DigestsValid = e.GetBoolean("DigestsValid") ?? false,
        UnseenPending = e.GetBoolean("UnseenPending") ?? true,
    };
}
