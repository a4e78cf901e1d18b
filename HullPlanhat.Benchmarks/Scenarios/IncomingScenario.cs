using System.Diagnostics;
using System.Text.Json.Nodes;
using HullPlanhat.Core.Hosting;
using HullPlanhat.Sandbox.Hull;
using HullPlanhat.Sandbox.Planhat;
using HullPlanhat.Testing;

namespace HullPlanhat.Benchmarks.Scenarios;

/// <summary>
/// FetchEndusers over N Planhat endusers: a first run (all go to Hull) and an unchanged second run
/// (none do), with Planhat calls, firehose requests and the heap's peak growth during each run.
/// </summary>
public static class IncomingScenario
{
    public static async Task RunAsync(ProductHost product, params int[] sizes)
    {
        var figures = new Figures($"Planhat endusers → Hull (FetchEndusers), sizes {string.Join(" and ", sizes.Select(s => s.ToString("N0")))}");
        using var counters = new ProductCounters();
        foreach (var size in sizes)
        {
            var bench = await BenchContext.CreateAsync(product, new JsonObject { ["fetch_interval_users"] = "0", ["fetch_interval_accounts"] = "0" });
            await bench.SendAsync(NotificationBuilder.AccountUpdate(bench.Connector, [])); // registers the connector
            var company = (await product.SandboxAdmin.SeedAsync(bench.Token, ObjectKind.Companies, [new JsonObject { ["name"] = "Bench Co", ["externalId"] = "bench-co" }]))[0];
            foreach (var chunk in Enumerable.Range(0, size).Chunk(20_000))
            {
                await product.SandboxAdmin.SeedAsync(bench.Token, ObjectKind.Endusers, chunk.Select(i => new JsonObject
                {
                    ["email"] = $"user{i}@bench.example", ["externalId"] = $"u-{i}", ["firstName"] = "User", ["lastName"] = $"{i}", ["companyId"] = company,
                }));
            }

            await RunOnceAsync(bench, counters, figures, $"{size:N0} first run");
            await RunOnceAsync(bench, counters, figures, $"{size:N0} unchanged run");
        }

        figures.AddMemory();
        figures.Print();
    }

    private static async Task RunOnceAsync(BenchContext bench, ProductCounters counters, Figures figures, string label)
    {
        var callsBefore = (await bench.CallsAsync()).Count;
        var firehoseBefore = counters.FirehoseCalls;
        var time = Stopwatch.StartNew();
        long peak;
        await using (var memory = new MemorySampler())
        {
            await bench.Product.RunFunctionAsync(TriggerTable.FetchEndusers, TimeSpan.FromMinutes(60));
            time.Stop();
            peak = memory.PeakAboveBaselineMiB;
        }

        var calls = (await bench.CallsAsync()).Count - callsBefore;
        figures.Add($"{label}: wall time", time.Elapsed);
        figures.Add($"{label}: Planhat calls / firehose requests", $"{calls} / {counters.FirehoseCalls - firehoseBefore}");
        figures.Add($"{label}: managed heap peak above start", $"{peak} MiB");
    }
}
