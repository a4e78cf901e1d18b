using System.Collections.Concurrent;

namespace HullPlanhat.Core.Operations.Runs;

/// <summary>
/// The figures of one run while it runs. Counts arrive from the product's own meter (see
/// <see cref="RunRecorder"/>), row errors from the flush; disposing the scope stores the run.
/// </summary>
public sealed class RunScope : IAsyncDisposable
{
    /// <summary>Row errors kept per run; more are counted but not stored.</summary>
    public const int MaxErrorRows = 1000;

    private readonly RunRecorder owner;
    private readonly ConcurrentQueue<RunRowError> errors = new();
    private long sent, created, updated, unchanged, skipped, failed, planhatCalls, throttled, firehoseCalls;
    private int errorRows;
    private int closed;

    internal RunScope(RunRecorder owner, string function, string connectorId, DateTimeOffset startedAt, RunScope? outer)
    {
        this.owner = owner;
        Function = function;
        ConnectorId = connectorId;
        StartedAt = startedAt;
        Outer = outer;
    }

    public string Function { get; }
    public string ConnectorId { get; }
    public DateTimeOffset StartedAt { get; }
    public string? Error { get; private set; }
    internal RunScope? Outer { get; }
    internal bool IsClosed => Volatile.Read(ref closed) != 0;

    /// <summary>The run failed as a whole (the rows it did not reach wait for the next run).</summary>
    public void Fail(string error) => Error = error;

    /// <summary>Objects an import found unchanged (their hash matched).</summary>
    public void AddUnchanged(long count) => Interlocked.Add(ref unchanged, count);

    public void RowFailed(string objectType, string objectId, string message, int attempt)
    {
        var at = owner.Now;
        if (Interlocked.Increment(ref errorRows) <= MaxErrorRows)
        {
            errors.Enqueue(new RunRowError(objectType, objectId, message.Length > 2000 ? message[..2000] : message, attempt, at));
        }
    }

    internal void Count(string instrument, long value, int? status)
    {
        switch (instrument)
        {
            case RunRecorder.SyncedInstrument: Interlocked.Add(ref sent, value); break;
            case RunRecorder.SkippedInstrument: Interlocked.Add(ref skipped, value); break;
            case RunRecorder.FailedInstrument: Interlocked.Add(ref failed, value); break;
            case RunRecorder.PlanhatCallsInstrument:
                Interlocked.Add(ref planhatCalls, value);
                if (status == 429)
                {
                    Interlocked.Add(ref throttled, value);
                }

                break;
            case RunRecorder.FirehoseCallsInstrument: Interlocked.Add(ref firehoseCalls, value); break;
        }
    }

    internal void Upserted(int createdCount, int updatedCount, int unchangedCount)
    {
        Interlocked.Add(ref created, createdCount);
        Interlocked.Add(ref updated, updatedCount);
        Interlocked.Add(ref unchanged, unchangedCount);
    }

    /// <summary>Nothing happened (an empty flush): not worth a row.</summary>
    internal bool IsEmpty => Error is null && (sent | created | updated | unchanged | skipped | failed | planhatCalls | firehoseCalls) == 0;

    internal RunRecord ToRecord(string id, DateTimeOffset endedAt) => new(
        id, Function, ConnectorId, StartedAt, endedAt, Error is null ? (errorRows > 0 ? "partial" : "success") : "error", Error,
        sent, created, updated, unchanged, skipped, failed, planhatCalls, throttled, firehoseCalls, errorRows);

    internal IReadOnlyList<RunRowError> Errors => [.. errors];

    public ValueTask DisposeAsync() =>
        Interlocked.Exchange(ref closed, 1) == 0 ? owner.CompleteAsync(this) : ValueTask.CompletedTask;
}
