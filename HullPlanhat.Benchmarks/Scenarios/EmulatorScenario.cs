using Azure.Data.Tables;
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
    private const int Parallelism = 8;

    public static async Task RunAsync(int tableRows)
    {
        await using var emulator = await AzuriteProcess.StartAsync(privateInstance: true);
        var table = new TableClient(emulator.ConnectionString, "rowcosts");
        await table.CreateAsync();
        var small = await MeasureAsync(emulator, table, "small", existing: "small-existing", existingRows: RowsPerOperation);
        Console.WriteLine($"emulator: filling the table with {tableRows:N0} rows");
        await ForEachTransactionAsync(tableRows, items => Transaction(table, items, i => new(TableTransactionActionType.Add, Row("large-existing", i))));
        var large = await MeasureAsync(emulator, table, "large", existing: "large-existing", existingRows: tableRows);

        var figures = new Figures($"Emulator: CPU per row, in a table of {3 * RowsPerOperation:N0} rows → after {tableRows:N0} more");
        foreach (var (operation, cost) in small)
        {
            figures.Add(operation, $"{cost:F0} → {large[operation]:F0} µs (×{large[operation] / cost:F2})");
        }

        figures.Print();
    }

    private static async Task<Dictionary<string, double>> MeasureAsync(AzuriteProcess emulator, TableClient table, string tag, string existing, int existingRows)
    {
        var partition = $"{tag}-new";
        if (existing == "small-existing")
        {
            await ForEachTransactionAsync(existingRows, items => Transaction(table, items, i => new(TableTransactionActionType.Add, Row(existing, i))));
        }

        var random = new Random(1);
        var costs = new Dictionary<string, double>();
        async Task Measure(string operation, int rows, Func<Task> work)
        {
            var cpu = EmulatorCpu.Start(emulator);
            await work();
            costs[operation] = cpu.Stop(rows)?.MicrosecondsPerUnit ?? double.NaN;
        }

        await Measure("insert (transactions of 100)", RowsPerOperation,
            () => ForEachTransactionAsync(RowsPerOperation, items => Transaction(table, items, i => new(TableTransactionActionType.Add, Row(partition, i)))));
        await Measure("range read (1,000 rows a query)", RowsPerOperation, () => Parallel.ForEachAsync(Enumerable.Range(0, RowsPerOperation / 1000), Options, async (b, cancellation) =>
        {
            var (from, to) = (Key(b * 1000), Key((b + 1) * 1000));
            await foreach (var _ in table.QueryAsync<TableEntity>(e => e.PartitionKey == partition && e.RowKey.CompareTo(from) >= 0 && e.RowKey.CompareTo(to) < 0, cancellationToken: cancellation))
            {
            }
        }));
        // The rows replaced and merged lie anywhere among the table's existing rows, as a replayed portfolio's sync-state rows do.
        var scattered = Enumerable.Range(0, RowsPerOperation).Select(_ => random.Next(existingRows)).Distinct().Order().ToList();
        await Measure("replace of an existing row (transactions of 100)", scattered.Count, () => ForEachTransactionAsync(scattered.Count,
            items => Transaction(table, items, i => new(TableTransactionActionType.UpsertReplace, Row(existing, scattered[i])))));
        await Measure("merge into an existing row (transactions of 100)", scattered.Count, () => ForEachTransactionAsync(scattered.Count,
            items => Transaction(table, items, i => new(TableTransactionActionType.UpsertMerge, new TableEntity(existing, Key(scattered[i])) { ["Seen"] = true }))));
        await Measure("insert, then a range read from it (as a flush does)", RowsPerOperation, () => ForEachTransactionAsync(RowsPerOperation, async items =>
        {
            await Transaction(table, items, i => new(TableTransactionActionType.Add, Row(partition + "-read", i)));
            var from = Key(items.First());
            await table.QueryAsync<TableEntity>(e => e.PartitionKey == partition + "-read" && e.RowKey.CompareTo(from) >= 0, maxPerPage: 100).AsPages().FirstAsync();
        }));
        await Measure("delete (transactions of 100)", RowsPerOperation,
            () => ForEachTransactionAsync(RowsPerOperation, items => Transaction(table, items, i => new(TableTransactionActionType.Delete, new TableEntity(partition, Key(i))))));
        return costs;
    }

    private static ParallelOptions Options => new() { MaxDegreeOfParallelism = Parallelism };

    /// <summary>Items 0 … rows − 1 in runs of 100 (the last may be shorter), <see cref="Parallelism"/> runs at a time.</summary>
    private static Task ForEachTransactionAsync(int rows, Func<IEnumerable<int>, Task> transaction) =>
        Parallel.ForEachAsync(Enumerable.Range(0, rows).Chunk(100), Options, async (items, _) => await transaction(items));

    private static async Task Transaction(TableClient table, IEnumerable<int> items, Func<int, TableTransactionAction> action) =>
        await table.SubmitTransactionAsync(items.Select(action).ToList());

    private static string Key(int i) => $"user_{i:D9}";

    private static TableEntity Row(string partition, int i) => new(partition, Key(i))
    {
        ["Hash"] = Guid.NewGuid().ToString("N"),
        ["Version"] = (long)i,
        ["PlanhatId"] = $"ph{i}",
        ["Payload"] = new string('x', 300),
    };
}
