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
/// a request per up to 1,000 rows instead of one per key. A query that stops short starts the next one
/// at the lowest key not yet passed, so gaps between keys cost nothing. Keys scattered over a large partition (a
/// few changed objects among 600,000) exhaust that budget early, and whatever the range did not
/// reach is read by point reads in parallel: the range then cost at most ⌈32·keys / 1000⌉ requests
/// above the point reads. (A query that names many keys with <c>or</c> is no help: Table storage
/// scans the partition for it.)
/// </para>
/// </summary>
public static class KeyedRowReader
{
    public const int RowsPerKey = 32;
    public const int KeysPerSegment = PageSize; // keys lying together: one full page a segment
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

    /// <summary>
    /// One segment's range queries, within its budget. Each query starts at the segment's lowest key
    /// not yet passed, so a gap between keys (a straggler staged long before the rest of its chunk,
    /// two clusters of keys) is jumped over instead of paged through: every query passes at least one key.
    /// </summary>
    /// <returns>The segment's keys the queries did not reach.</returns>
    private static async Task<IEnumerable<string>> ReadRangeAsync(TableClient table, string partition, string[] keys, List<string>? columns,
        ConcurrentDictionary<string, TableEntity> found, CancellationToken cancellationToken)
    {
        var wanted = keys.ToHashSet(StringComparer.Ordinal);
        var budget = keys.Length * RowsPerKey;
        var next = 0;
        string? continuation = null;
        while (next < keys.Length && budget > 0)
        {
            var filter = TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey ge {keys[next]} and RowKey le {keys[^1]}");
            var page = await table.QueryAsync<TableEntity>(filter, maxPerPage: Math.Min(PageSize, budget), select: columns, cancellationToken: cancellationToken)
                .AsPages(continuation).FirstAsync(cancellationToken);
            foreach (var entity in page.Values)
            {
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

            if (page.Values.Count == 0)
            {
                // The service may answer an empty page with a continuation (a partition server's time limit): follow it.
                continuation = page.ContinuationToken;
                continue;
            }

            continuation = null;
            var reached = page.Values[^1].RowKey;
            while (next < keys.Length && string.CompareOrdinal(keys[next], reached) <= 0)
            {
                next++;
            }
        }

        return keys[next..];
    }
}
