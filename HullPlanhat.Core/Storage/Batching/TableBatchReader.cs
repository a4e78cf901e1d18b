using System.Collections.Concurrent;
using Azure.Data.Tables;

namespace HullPlanhat.Core.Storage.Batching;

/// <summary>
/// Point reads of one table partition that arrive while earlier ones are in flight are answered by
/// one query naming up to <see cref="MaxKeys"/> row keys (Table storage allows 15 comparisons per
/// filter: the partition key and 14 row keys). Each caller awaits its own row; a failed query
/// fails each of its callers. Idle, a read goes at once; under load, reads share requests.
/// </summary>
public sealed class TableBatchReader(StorageClients storage)
{
    public const int MaxKeys = 14;
    public const int MaxInFlight = 2;

    /// <summary>How long a query waits for more keys before it is sent (unless it is full).</summary>
    public static readonly TimeSpan Linger = TimeSpan.FromMilliseconds(5);

    private readonly ConcurrentDictionary<(string Table, string Partition), Lane> lanes = new();

    /// <summary>The row, or null when it does not exist.</summary>
    public Task<TableEntity?> GetAsync(string table, string partitionKey, string rowKey, CancellationToken cancellationToken)
    {
        var pending = new TaskCompletionSource<TableEntity?>(TaskCreationOptions.RunContinuationsAsynchronously);
        lanes.GetOrAdd((table, partitionKey), key => new Lane(storage, key.Table, key.Partition)).Enqueue(rowKey, pending);
        return pending.Task.WaitAsync(cancellationToken);
    }

    private sealed class Lane(StorageClients storage, string table, string partition)
    {
        private readonly Lock gate = new();
        private readonly Dictionary<string, List<TaskCompletionSource<TableEntity?>>> waiting = new(StringComparer.Ordinal);
        private readonly Queue<string> order = new();
        private int running;

        public void Enqueue(string rowKey, TaskCompletionSource<TableEntity?> pending)
        {
            lock (gate)
            {
                if (!waiting.TryGetValue(rowKey, out var callers))
                {
                    waiting[rowKey] = callers = [];
                    order.Enqueue(rowKey);
                }

                callers.Add(pending);
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
            // Wait a moment for the batch to fill (unless it is full): a few ms per invocation, a fraction of the requests.
            await LingerAsync();
            while (Take() is { Count: > 0 } batch)
            {
                await ReadAsync(batch);
            }
        }

        private async Task LingerAsync()
        {
            lock (gate)
            {
                if (order.Count >= MaxKeys)
                {
                    return;
                }
            }

            await Task.Delay(Linger);
        }

        private Dictionary<string, List<TaskCompletionSource<TableEntity?>>> Take()
        {
            lock (gate)
            {
                var batch = new Dictionary<string, List<TaskCompletionSource<TableEntity?>>>(StringComparer.Ordinal);
                while (batch.Count < MaxKeys && order.TryDequeue(out var rowKey))
                {
                    batch[rowKey] = waiting[rowKey];
                    waiting.Remove(rowKey);
                }

                if (batch.Count == 0)
                {
                    running--;
                }

                return batch;
            }
        }

        private async Task ReadAsync(Dictionary<string, List<TaskCompletionSource<TableEntity?>>> batch)
        {
            try
            {
                await storage.EnsureCreatedAsync();
                var rowKeys = string.Join(" or ", batch.Keys.Select(k => TableClient.CreateQueryFilter($"RowKey eq {k}")));
                var filter = $"{TableClient.CreateQueryFilter($"PartitionKey eq {partition}")} and ({rowKeys})";
                var found = new Dictionary<string, TableEntity>(StringComparer.Ordinal);
                await foreach (var entity in storage.Table(table).QueryAsync<TableEntity>(filter, maxPerPage: MaxKeys, cancellationToken: CancellationToken.None))
                {
                    found[entity.RowKey] = entity;
                }

                foreach (var (rowKey, callers) in batch)
                {
                    var entity = found.GetValueOrDefault(rowKey);
                    foreach (var caller in callers)
                    {
                        // Each caller gets its own copy: callers may change the entity they were given.
                        caller.TrySetResult(entity is null ? null : new TableEntity(entity) { ETag = entity.ETag, Timestamp = entity.Timestamp });
                    }
                }
            }
            catch (Exception e)
            {
                foreach (var caller in batch.Values.SelectMany(c => c))
                {
                    caller.TrySetException(e);
                }
            }
        }
    }
}
