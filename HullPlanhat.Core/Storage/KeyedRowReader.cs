using System.Collections.Concurrent;
using Azure.Data.Tables;

namespace HullPlanhat.Core.Storage;

/// <summary>
/// Reads the rows of many row keys of one partition at the cost of few requests when the keys lie
/// close together, and never much more than point reads when they do not.
/// <para>
/// The rule: one range query from the lowest to the highest key, allowed to scan at most
/// <see cref="RowsPerKey"/> rows per key asked for. Keys staged side by side (a replayed portfolio,
/// a chunk of the outbox) sit next to each other in the partition, so the range reaches them all:
/// a request per ~500 keys instead of one each. Keys scattered over a large partition (a few
/// changed objects among 600,000) exhaust that budget early, and whatever the range did not reach
/// is read by point reads in parallel: the range then cost at most ⌈2·keys / 1000⌉ requests above
/// the point reads. (A query that names many keys with <c>or</c> is no help: Table storage scans
/// the partition for it.)
/// </para>
/// </summary>
public static class KeyedRowReader
{
    public const int RowsPerKey = 2;
    private const int PageSize = 1000;
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

        var wanted = keys.ToHashSet(StringComparer.Ordinal);
        var columns = select is null ? null : select.Append("RowKey").Distinct(StringComparer.Ordinal).ToList();
        var budget = keys.Count * RowsPerKey;
        string? reached = null;
        var complete = false;
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
                complete = true;
                break;
            }

            if (budget <= 0)
            {
                break;
            }
        }

        if (complete)
        {
            return found;
        }

        var rest = keys.Where(k => reached is null || string.CompareOrdinal(k, reached) > 0).ToList();
        await Parallel.ForEachAsync(rest, new ParallelOptions { MaxDegreeOfParallelism = PointReadParallelism, CancellationToken = cancellationToken },
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
}
