using HullPlanhat.Testing.Reliability;
using HullPlanhat.Testing.Reliability.Cases;

namespace HullPlanhat.Benchmarks.Scenarios;

/// <summary>
/// <c>./build.sh bench reliability [case…]</c>: the reliability cases at the full sizes
/// (SelfHost processes, their own Azurite, the Sandbox), then the table. Case 4 is a timed test
/// (ExactlyOnceTests, which also runs case 8 at 2,000 users); case 6 measures the state tables after
/// a million events; case 8 is a first sync of 10,000 users Planhat already holds.
/// </summary>
public static class ReliabilityScenario
{
    private const int FlushEvery = 10; // the product's default schedule
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(20);
    private static readonly ReliabilityLoad Full = new(KeyedAccounts: 1960, KeylessAccounts: 40, Users: 6000, UsersWithEvents: 1200);

    /// <param name="only">Case names to run (all when empty); <c>6:N</c> runs case 6 with N events instead of a million.</param>
    public static async Task RunAsync(IReadOnlyList<string> only)
    {
        var boundedEvents = only.Where(o => o.StartsWith("6:", StringComparison.Ordinal)).Select(o => int.Parse(o[2..], System.Globalization.CultureInfo.InvariantCulture))
            .DefaultIfEmpty(1_000_000).First();
        only = [.. only.Select(o => o.Split(':')[0])];
        bool Runs(string name) => only.Count == 0 || only.Contains(name);
        var rows = new List<ReliabilityRow>();
        async Task Case(string name, Func<Task<ReliabilityRow>> run)
        {
            if (!Runs(name))
            {
                return;
            }

            Console.WriteLine($"case {name}…");
            try
            {
                var row = await run();
                rows.Add(row);
                Console.WriteLine(ReliabilityTable.Format([row]));
            }
            catch (Exception e)
            {
                rows.Add(new ReliabilityRow(name, "", "", -1, -1, null, "FAILED: " + e.Message));
                Console.WriteLine($"case {name} failed: {e}");
            }
        }

        await Case("1", async () => (await FaultsCase.RunAsync(Full, FlushEvery, Timeout)).Row);
        await Case("2", async () => (await CrashRestartCase.RunAsync(Full, FlushEvery, Timeout)).Row);
        await Case("3", async () => (await TwoInstancesCase.RunAsync(Full, FlushEvery, budget: 200, chunkSize: 5000, Timeout)).Row);
        await Case("5", async () => (await StorageOutageCase.RunAsync(Full, FlushEvery, TimeSpan.FromSeconds(30), Timeout)).Row);
        await Case("6", async () => await BoundedStateCase.RunAsync(events: boundedEvents, days: 10, retentionDays: 3, objects: 10_000, churn: 1_000));
        await Case("7", async () => (await HangingTenantCase.RunAsync(new ReliabilityLoad(100, 0, 300, 60), waves: 6, TimeSpan.FromSeconds(20),
            new ReliabilityLoad(100, 0, 300, 60), FlushEvery, Timeout)).Row);
        await Case("8", async () => await FirstSyncCase.RunAsync(users: 10_000, Timeout));

        Console.WriteLine();
        Console.WriteLine("Reliability at full size:");
        Console.WriteLine(ReliabilityTable.Format(rows));
    }
}
