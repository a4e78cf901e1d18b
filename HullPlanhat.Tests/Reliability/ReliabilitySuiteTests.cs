using HullPlanhat.Testing.Reliability;
using HullPlanhat.Testing.Reliability.Cases;
using Xunit.Abstractions;

namespace HullPlanhat.Tests.Reliability;

/// <summary>
/// The reliability cases over SelfHost processes, Azurite and the Sandbox on loopback, at a size CI
/// runs in a few minutes (<c>./build.sh bench reliability</c> runs them at full size). Each test
/// prints the table of the cases run so far.
/// </summary>
[Collection(ReliabilityCollection.Name)]
public sealed class ReliabilitySuiteTests(ReliabilityRows rows, ITestOutputHelper output)
{
    private const int FlushEvery = 2;
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(4);
    private static readonly ReliabilityLoad Load = new(KeyedAccounts: 96, KeylessAccounts: 4, Users: 300, UsersWithEvents: 60);

    [Fact]
    public async Task Killed_with_kill_9_mid_run_and_restarted_loses_nothing_duplicates_nothing_and_drains_within_a_minute()
    {
        var result = await CrashRestartCase.RunAsync(Load, FlushEvery, Timeout);
        Print(result);

        // Activities are at most once: a kill between recording and posting them may drop those in flight (reported), never duplicate one.
        Assert.True(result.Tally.Lost == 0 && result.Tally.Duplicated == 0, result.Tally.Detail);
        Assert.True(result.Row.Drain < TimeSpan.FromMinutes(1), $"drained in {result.Row.Drain}");
    }

    [Fact]
    public async Task Two_instances_on_one_storage_keep_one_Planhat_budget_and_run_each_flush_tick_once()
    {
        var result = await TwoInstancesCase.RunAsync(Load, FlushEvery, budget: 60, chunkSize: 40, Timeout);
        Print(result);

        Assert.True(result.Tally.Lost == 0 && result.Tally.Duplicated == 0, result.Tally.Detail);
        Assert.InRange(result.MaxCallsPerMinute, 1, result.Budget);
        // A call whose permit was taken at a window's end may reach Planhat at the next one's start.
        Assert.InRange(result.MaxCallsPerWindow, 1, result.PermitsPerWindow + 2);
        Assert.True(result.TicksRun > 3, $"only {result.TicksRun} flush ticks ran");
        Assert.Equal(0, result.TicksRunTwice);
    }

    [Fact]
    public async Task A_30_second_storage_outage_mid_run_is_reported_on_health_and_recovered_from_without_a_restart_or_a_loss()
    {
        var result = await StorageOutageCase.RunAsync(Load with { KeyedAccounts = 48, KeylessAccounts = 2, Users = 200, UsersWithEvents = 40 },
            FlushEvery, TimeSpan.FromSeconds(30), Timeout);
        Print(result);

        Assert.True(result.Tally.Lost == 0 && result.Tally.Duplicated == 0, result.Tally.Detail);
        Assert.False(result.HostRestarted);
        Assert.True(result.HealthPollsDuringOutage >= 3, $"{result.HealthPollsDuringOutage} polls");
        Assert.Equal(result.HealthPollsDuringOutage, result.UnhealthyDuringOutage);
        Assert.True(result.HealthyAgainAfter < TimeSpan.FromSeconds(45), $"healthy again after {result.HealthyAgainAfter}");
    }

    [Fact]
    public async Task A_connector_whose_Planhat_hangs_does_not_delay_another_connectors_objects()
    {
        var result = await HangingTenantCase.RunAsync(new ReliabilityLoad(10, 0, 30, 10), waves: 4, waveEvery: TimeSpan.FromSeconds(8),
            new ReliabilityLoad(5, 0, 10, 5), FlushEvery, Timeout);
        Print(result);

        Assert.True(result.Row.Lost == 0 && result.Row.Duplicated == 0, result.Row.Notes);
        // A wave waits for the next flush tick, its queue messages and the bulk calls: a few periods, not the hanging flush's minutes.
        Assert.All(result.WaveLatencies, latency => Assert.True(latency < TimeSpan.FromSeconds(20), $"a wave took {latency}"));
        Assert.True(result.HangingTally.Lost > 0, "the hanging connector's writes were never answered: " + result.HangingTally.Detail);
    }

    private void Print(CaseResult result)
    {
        rows.Add(result.Row);
        output.WriteLine(ReliabilityTable.Format(rows.All));
    }
}

/// <summary>The rows of the cases run so far, shared by the collection.</summary>
public sealed class ReliabilityRows
{
    private readonly List<ReliabilityRow> rows = [];

    public IReadOnlyList<ReliabilityRow> All
    {
        get
        {
            lock (rows)
            {
                return [.. rows.OrderBy(r => r.Case, StringComparer.Ordinal)];
            }
        }
    }

    public void Add(ReliabilityRow row)
    {
        lock (rows)
        {
            rows.Add(row);
        }
    }
}

[CollectionDefinition(Name)]
public sealed class ReliabilityCollection : ICollectionFixture<ReliabilityRows>
{
    public const string Name = "Reliability";
}
