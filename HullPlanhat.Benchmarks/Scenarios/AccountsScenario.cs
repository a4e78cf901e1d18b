using System.Diagnostics;
using System.Text.Json.Nodes;
using HullPlanhat.Core.Hosting;
using HullPlanhat.Sandbox.Hull;
using HullPlanhat.Testing;

namespace HullPlanhat.Benchmarks.Scenarios;

/// <summary>
/// N Hull accounts (with one license each) from signed notifications to companies in the
/// Sandbox's Planhat: intake, queue workers, one flush; then the same accounts again (no change).
/// </summary>
public static class AccountsScenario
{
    public static async Task RunAsync(ProductHost product, int count)
    {
        var bench = await BenchContext.CreateAsync(product, new JsonObject
        {
            ["account_synchronized_segments"] = new JsonArray("seg"),
            ["account_attributes_outbound"] = new JsonArray(new JsonObject { ["hull_field_name"] = "name", ["service_field_name"] = "name" }),
            ["account_licenses_attribute"] = "licenses",
            ["account_licenses_attributes_outbound"] = new JsonArray(
                new JsonObject { ["hull_field_name"] = "id", ["service_field_name"] = "externalId" },
                new JsonObject { ["hull_field_name"] = "mrr", ["service_field_name"] = "mrr" }),
        });
        var notifications = Enumerable.Range(0, count)
            .Select(i => NotificationBuilder.AccountMessage(
                new JsonObject { ["id"] = $"acc-{i}", ["external_id"] = $"ext-{i}", ["name"] = $"Company {i}", ["licenses"] = new JsonArray(new JsonObject { ["id"] = $"lic-{i}", ["mrr"] = i }) },
                accountSegments: [new JsonObject { ["id"] = "seg" }]))
            .Chunk(200)
            .Select(batch => NotificationBuilder.AccountUpdate(bench.Connector, batch))
            .ToList();

        var figures = new Figures($"Accounts → companies: {count:N0} accounts, 1 license each");
        await RunOnceAsync(bench, notifications, count, figures, "first run");
        await RunOnceAsync(bench, notifications, count * 2, figures, "unchanged re-send");
        figures.AddMemory();
        figures.Print();
    }

    private static async Task RunOnceAsync(BenchContext bench, List<string> notifications, int decisions, Figures figures, string label)
    {
        var callsBefore = (await bench.CallsAsync()).Count;
        var total = Stopwatch.StartNew();
        foreach (var notification in notifications)
        {
            await bench.SendAsync(notification);
        }

        var intake = total.Elapsed;
        await bench.WaitForLogsAsync(decisions, "outgoing.account.staged", "outgoing.account.skip");
        var workers = total.Elapsed;
        await bench.Product.RunFunctionAsync(TriggerTable.FlushOutbox);
        var calls = (await bench.CallsAsync()).Skip(callsBefore).ToList();
        var accounts = decisions - (label == "first run" ? 0 : decisions / 2);

        figures.Add($"{label}: intake ({notifications.Count} notifications)", intake);
        figures.Add($"{label}: queue workers done", workers);
        figures.Add($"{label}: flushed (total)", total.Elapsed);
        figures.Add($"{label}: accounts/s end to end", $"{accounts / total.Elapsed.TotalSeconds:F0}");
        figures.Add($"{label}: Planhat calls", $"{calls.Count} ({string.Join(", ", calls.GroupBy(c => $"{c.Method} {c.Path}").Select(g => $"{g.Key} ×{g.Count()}"))})");
        figures.Add($"{label}: calls per account", $"{(double)calls.Count / accounts:F4}");
    }
}
