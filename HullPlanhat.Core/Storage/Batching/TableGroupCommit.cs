using System.Collections.Concurrent;
using Azure;
using Azure.Data.Tables;

namespace HullPlanhat.Core.Storage.Batching;

/// <summary>
/// Group commit: writes to one table partition that arrive while earlier ones are being committed
/// are sent together as one entity-group transaction (at most 100 rows, one action per row), and
/// each caller awaits its own row's outcome. A transaction is all or nothing: when one row fails
/// (409 already exists, 412 changed meanwhile) only that caller gets the error and the others are
/// committed again without it; any other failure (storage unreachable) fails every caller of the
/// transaction, so each message is retried by its queue. A row that failed but holds its own write
/// (<see cref="ConditionalRowWrite"/>) means the transaction landed and its reply was lost: every caller
/// hears the conflict at once and reads its row back. At most <see cref="MaxInFlight"/>
/// transactions per partition run at once. Under load a transaction waits up to <see cref="Linger"/> to
/// fill up (it goes as soon as it is full); when the partition was idle or has few writers a write goes at once.
/// </summary>
public sealed class TableGroupCommit(StorageClients storage, TimeProvider clock)
{
    public const int MaxRows = 100;
    public const int MaxInFlight = 1;

    /// <summary>
    /// How long a transaction of a busy partition waits for more rows before it is sent (unless it is
    /// full). Scale 10,000 on the emulator, users' outbox rows per transaction: 10 ms and two in flight
    /// ~29; 50 ms and one in flight ~36–43; 200 ms (going when full) and 256 in flight per queue ~77.
    /// </summary>
    public static readonly TimeSpan Linger = TimeSpan.FromMilliseconds(200);

    /// <summary>A partition that committed nothing for this long is idle: its next write does not linger.</summary>
    public static readonly TimeSpan IdleAfter = TimeSpan.FromSeconds(1);

    /// <summary>
    /// A partition whose last transaction held fewer rows than this has few writers (one handler
    /// after another, a trickle of changes): waiting would add latency and gather nothing, so it does not linger.
    /// </summary>
    public const int BusyFromRows = 10;

    private readonly ConcurrentDictionary<(string Table, string Partition), Lane> lanes = new();

    /// <summary>Commits <paramref name="action"/> with whatever else is waiting for its partition.</summary>
    /// <returns>The row's own answer (its new ETag).</returns>
    /// <exception cref="RequestFailedException">This row failed (Status 404, 409, 412…), or the whole transaction did.</exception>
    public Task<Response> SubmitAsync(string table, TableTransactionAction action, CancellationToken cancellationToken)
    {
        var pending = new Pending(action);
        lanes.GetOrAdd((table, action.Entity.PartitionKey), key => new Lane(storage, clock, key.Table)).Enqueue(pending);
        return pending.Outcome.Task.WaitAsync(cancellationToken);
    }

    private sealed record Pending(TableTransactionAction Action)
    {
        public TaskCompletionSource<Response> Outcome { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private sealed class Lane(StorageClients storage, TimeProvider clock, string table)
    {
        private readonly Lock gate = new();
        private readonly LinkedList<Pending> waiting = new();
        private int running;
        private long lastCommitEnded = long.MinValue;
        private int lastCommitRows;
        private TaskCompletionSource? filled;

        public void Enqueue(Pending pending)
        {
            lock (gate)
            {
                waiting.AddLast(pending);
                if (waiting.Count >= MaxRows)
                {
                    filled?.TrySetResult();
                }

                if (running >= MaxInFlight)
                {
                    return;
                }

                running++;
            }

            _ = Task.Run(DrainAsync);
        }

        private async Task DrainAsync()
        {
            // Before each transaction of a busy partition, wait a moment for it to fill: a little latency per invocation, a fraction of the requests.
            while (true)
            {
                await LingerAsync();
                if (Take() is not { Count: > 0 } batch)
                {
                    return;
                }

                await CommitAsync(batch);
                lock (gate)
                {
                    lastCommitEnded = clock.GetTimestamp();
                    lastCommitRows = batch.Count;
                }
            }
        }

        private async Task LingerAsync()
        {
            Task full;
            lock (gate)
            {
                var idle = lastCommitEnded == long.MinValue || clock.GetElapsedTime(lastCommitEnded) > IdleAfter;
                if (waiting.Count is 0 or >= MaxRows || idle || lastCommitRows + waiting.Count < BusyFromRows)
                {
                    return;
                }

                filled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                full = filled.Task;
            }

            using var timeout = new CancellationTokenSource();
            if (await Task.WhenAny(full, Task.Delay(Linger, clock, timeout.Token)) == full)
            {
                await timeout.CancelAsync();
            }

            lock (gate)
            {
                filled = null;
            }
        }

        /// <summary>The next transaction: the oldest waiting writes, one per row (a later write of the same row waits its turn).</summary>
        private List<Pending> Take()
        {
            lock (gate)
            {
                var batch = new List<Pending>();
                var rows = new HashSet<string>(StringComparer.Ordinal);
                for (var node = waiting.First; node is not null && batch.Count < MaxRows;)
                {
                    var next = node.Next;
                    if (rows.Add(node.Value.Action.Entity.RowKey))
                    {
                        batch.Add(node.Value);
                        waiting.Remove(node);
                    }

                    node = next;
                }

                if (batch.Count == 0)
                {
                    running--;
                }

                return batch;
            }
        }

        private async Task<bool> LandedAsync(TableTransactionAction action, TableTransactionFailedException failure)
        {
            try
            {
                return failure.Status is 409 or 412 && await ConditionalRowWrite.HoldsAsync(storage.Table(table), action, CancellationToken.None);
            }
            catch (RequestFailedException)
            {
                return false; // unreadable now: the row's caller reads it back itself
            }
        }

        private async Task CommitAsync(List<Pending> batch)
        {
            while (batch.Count > 0)
            {
                try
                {
                    await storage.EnsureCreatedAsync();
                    var answers = (await storage.Table(table).SubmitNamedTransactionAsync(batch.Select(p => p.Action), CancellationToken.None)).Value;
                    for (var i = 0; i < batch.Count; i++)
                    {
                        batch[i].Outcome.TrySetResult(answers[i]);
                    }

                    return;
                }
                catch (TableTransactionFailedException e) when (e.FailedTransactionActionIndex is int failed && failed < batch.Count && batch.Count > 1)
                {
                    if (await LandedAsync(batch[failed].Action, e))
                    {
                        // Storage's retry of this very transaction, whose reply was lost, met it: all of it landed.
                        // Each caller hears the conflict and reads its own row back, instead of one transaction per row.
                        foreach (var pending in batch)
                        {
                            pending.Outcome.TrySetException(e);
                        }

                        return;
                    }

                    // Only that row was refused: its caller decides (read, compare, try again); the rest go again without it.
                    batch[failed].Outcome.TrySetException(e);
                    batch.RemoveAt(failed);
                }
                catch (Exception e)
                {
                    foreach (var pending in batch)
                    {
                        pending.Outcome.TrySetException(e);
                    }

                    return;
                }
            }
        }
    }
}
