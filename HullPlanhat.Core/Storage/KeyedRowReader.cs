using System.Collections.Concurrent;
using Azure.Data.Tables;

namespace HullPlanhat.Core.Storage;

/// <summary>
/// Reads the rows of many row keys of one partition at the cost of few requests when the keys lie
/// close together, and never much more than point reads when they do not.
/// <para>
/// The rule: the sorted keys are cut into segments of <see cref="KeysPerSegment"/>, read side by
/// side. Each segment is one range query from its lowest to its highest key, allowed to scan at most
/// <see cref="RowsPerKey"/> rows per key asked for. Keys staged side by side (a replayed portfolio,
/// a chunk of the outbox) or interleaved with a few times as many other rows (the companies a chunk
/// of users belongs to, the accounts of one flush among those of the previous ones) are all reached:
/// a request per up to 1,000 rows instead of one per key. Keys scattered over a large partition (a
/// few changed objects among 600,000) exhaust that budget early, and whatever the range did not
/// reach is read by point reads in parallel: the range then cost at most ⌈32·keys / 1000⌉ requests
/// above the point reads. (A query that names many keys with <c>or</c> is no help: Table storage
/// scans the partition for it.)
/// </para>
/// </summary>
public static class KeyedRowReader
{
    public const int RowsPerKey = 32;
    public const int KeysPerSegment = 500;
    private const int PageSize = 1000;
    private const int SegmentParallelism = 8;
    private const int PointReadParallelism = 32;

    /// <param name="select">Columns to read (<c>RowKey</c> is added); null reads all.</param>
    /// <returns>The rows found, by row key.</returns>
    public static async Task<IReadOnlyDictionary<string, TableEntity>> ReadAsync(TableClient table, string partition, IEnumerable<string> rowKeys,
        IReadOnlyList<string>? select, CancellationToken cancellationToken)
    {
        var keys = rowKeys.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var found = new ConcurrentDictionary<string, TableEntity>(StringComparer.Ordinal);
        if (keys.Count == 0)
        {
            return found;
        }

        var columns = select is null ? null : select.Append("RowKey").Distinct(StringComparer.Ordinal).ToList();
        var unreached = new ConcurrentBag<string>();
        await Parallel.ForEachAsync(keys.Chunk(KeysPerSegment), new ParallelOptions { MaxDegreeOfParallelism = SegmentParallelism, CancellationToken = cancellationToken },
            async (segment, ct) =>
            {
                foreach (var key in await ReadRangeAsync(table, partition, segment, columns, found, ct))
                {
                    unreached.Add(key);
                }
            });

        await Parallel.ForEachAsync(unreached, new ParallelOptions { MaxDegreeOfParallelism = PointReadParallelism, CancellationToken = cancellationToken },
            async (key, ct) =>
            {
                var response = await table.GetEntityIfExistsAsync<TableEntity>(partition, key, columns, ct);
                if (response.HasValue && response.Value is { } entity)
                {
                    found[key] = entity;
                }
            });
        return found;
    }

    /// <summary>One segment's range query, within its budget.</summary>
    /// <returns>The segment's keys the range did not reach.</returns>
    private static async Task<IEnumerable<string>> ReadRangeAsync(TableClient table, string partition, string[] keys, List<string>? columns,
        ConcurrentDictionary<string, TableEntity> found, CancellationToken cancellationToken)
    {
        var wanted = keys.ToHashSet(StringComparer.Ordinal);
        var budget = keys.Length * RowsPerKey;
        string? reached = null;
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey ge {keys[0]} and RowKey le {keys[^1]}");
        await foreach (var page in table.QueryAsync<TableEntity>(filter, maxPerPage: Math.Min(PageSize, budget), select: columns, cancellationToken: cancellationToken).AsPages())
        {
            foreach (var entity in page.Values)
            {
                reached = entity.RowKey;
                if (wanted.Contains(entity.RowKey))
                {
                    found[entity.RowKey] = entity;
                }
            }

            budget -= page.Values.Count;
            if (string.IsNullOrEmpty(page.ContinuationToken))
            {
                return [];
            }

            if (budget <= 0)
            {
                break;
            }
        }

        return keys.Where(k => reached is null || string.CompareOrdinal(k, reached) > 0);
    }
}
