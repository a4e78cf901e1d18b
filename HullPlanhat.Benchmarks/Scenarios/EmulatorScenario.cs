using Azure.Data.Tables;
using HullPlanhat.Core.Storage;
using HullPlanhat.Testing;

namespace HullPlanhat.Benchmarks.Scenarios;

/// <summary>
/// What one table row costs the storage emulator (its CPU time, as the other benchmarks run it: with
/// <c>eng/azurite-patches.cjs</c>) for each kind of write and read the product does, in a table of a
/// few rows and again once the table holds N more (600,000 by default: the sync-state rows of
/// <c>scale 500000</c>). Azure's cost per row does not depend on the table's size; where the emulator's
/// does, "flat in N" cannot be measured on it. No product code runs here.
/// </summary>
public static class EmulatorScenario
{
    private const int RowsPerOperation = 20_000;

    public static async Task RunAsync(int tableRows)
    {
        await using var emulator = await AzuriteProcess.StartAsync(privateInstance: true);
        var table = new TableClient(emulator.ConnectionString, "rowcosts");
        await table.CreateAsync();
        await FillAsync(table, "small-existing", RowsPerOperation);
        var small = await MeasureAsync(emulator, table, "small", existingRows: RowsPerOperation);
        Console.WriteLine($"emulator: filling the table with {tableRows:N0} rows");
        await FillAsync(table, "large-existing", tableRows);
        var large = await MeasureAsync(emulator, table, "large", existingRows: tableRows);

        var figures = new Figures($"Emulator: CPU per row, in a table of {3 * RowsPerOperation:N0} rows → after {tableRows:N0} more");
        foreach (var (operation, cost) in small)
        {
            figures.Add(operation, $"{cost:F0} → {large[operation]:F0} µs (×{large[operation] / cost:F2})");
        }

        figures.Print();
    }

    private static Task FillAsync(TableClient table, string partition, int rows) =>
        table.SubmitInTransactionsAsync(Enumerable.Range(0, rows).Select(i => new TableTransactionAction(TableTransactionActionType.Add, Row(partition, i))), CancellationToken.None);

    /// <param name="tag">Names the partitions measured: <c>{tag}-existing</c> (filled beforehand with <paramref name="existingRows"/> rows) and new ones.</param>
    private static async Task<Dictionary<string, double>> MeasureAsync(AzuriteProcess emulator, TableClient table, string tag, int existingRows)
    {
        var (existing, partition) = ($"{tag}-existing", $"{tag}-new");
        var random = new Random(1);
        var costs = new Dictionary<string, double>();
        async Task Measure(string operation, int rows, Func<Task> work)
        {
            var cpu = EmulatorCpu.Start(emulator);
            await work();
            costs[operation] = cpu.Stop(rows)?.MicrosecondsPerUnit ?? double.NaN;
        }

        Task Submit(IEnumerable<TableTransactionAction> actions) => table.SubmitInTransactionsAsync(actions, CancellationToken.None);

        await Measure("insert (transactions of 100)", RowsPerOperation, () => FillAsync(table, partition, RowsPerOperation));
        await Measure("range read (1,000 rows a query)", RowsPerOperation, () => Parallel.ForEachAsync(Enumerable.Range(0, RowsPerOperation / 1000), async (b, cancellation) =>
        {
            var (from, to) = (Key(b * 1000), Key((b + 1) * 1000));
            await foreach (var _ in table.QueryAsync<TableEntity>(e => e.PartitionKey == partition && e.RowKey.CompareTo(from) >= 0 && e.RowKey.CompareTo(to) < 0, cancellationToken: cancellation))
            {
            }
        }));
        // The rows replaced and merged lie anywhere among the table's existing rows, as a replayed portfolio's sync-state rows do.
        var scattered = Enumerable.Range(0, RowsPerOperation).Select(_ => random.Next(existingRows)).Distinct().Order().ToList();
        await Measure("replace of an existing row (transactions of 100)", scattered.Count,
            () => Submit(scattered.Select(i => new TableTransactionAction(TableTransactionActionType.UpsertReplace, Row(existing, i)))));
        await Measure("merge into an existing row (transactions of 100)", scattered.Count,
            () => Submit(scattered.Select(i => new TableTransactionAction(TableTransactionActionType.UpsertMerge, new TableEntity(existing, Key(i)) { ["Seen"] = true }))));
        await Measure("insert, then a range read from it (as a flush does)", RowsPerOperation, () => Parallel.ForEachAsync(Enumerable.Range(0, RowsPerOperation).Chunk(100), async (items, cancellation) =>
        {
            await table.SubmitTransactionAsync(items.Select(i => new TableTransactionAction(TableTransactionActionType.Add, Row(partition + "-read", i))), cancellation);
            var from = Key(items[0]);
            await table.QueryAsync<TableEntity>(e => e.PartitionKey == partition + "-read" && e.RowKey.CompareTo(from) >= 0, maxPerPage: 100, cancellationToken: cancellation).AsPages().FirstAsync(cancellation);
        }));
        await Measure("delete (transactions of 100)", RowsPerOperation,
            () => Submit(Enumerable.Range(0, RowsPerOperation).Select(i => new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(partition, Key(i))))));
        return costs;
    }

    private static string Key(int i) => $"user_{i:D9}";

    private static TableEntity Row(string partition, int i) => new(partition, Key(i))
    {
        ["Hash"] = Guid.NewGuid().ToString("N"),
        ["Version"] = (long)i,
        ["PlanhatId"] = $"ph{i}",
        ["Payload"] = new string('x', 300),
    };
}
