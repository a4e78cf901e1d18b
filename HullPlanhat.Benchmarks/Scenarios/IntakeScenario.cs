using System.Diagnostics;
using System.Text.Json.Nodes;
using HullPlanhat.Sandbox.Hull;
using HullPlanhat.Testing;

namespace HullPlanhat.Benchmarks.Scenarios;

/// <summary>
/// One signed account:update notification of N messages (10,000 by default): how fast Hull gets its
/// answer, how long the deferred fan-out takes, and that a resend of the same notification changes
/// nothing (every account decided exactly once).
/// </summary>
public static class IntakeScenario
{
    public static async Task RunAsync(ProductHost product, int count)
    {
        var bench = await BenchContext.CreateAsync(product, new JsonObject
        {
            ["account_synchronized_segments"] = new JsonArray("seg-accounts"),
            ["account_attributes_outbound"] = new JsonArray(new JsonObject { ["hull_field_name"] = "name", ["service_field_name"] = "name" }),
        });
        var segment = new JsonObject { ["id"] = "seg-accounts" };

        // Warm-up: credentials confirmed with Hull and the signing key cached, as in steady state.
        await bench.SendAsync(NotificationBuilder.AccountUpdate(bench.Connector, [NotificationBuilder.AccountMessage(new JsonObject { ["id"] = "warm", ["name"] = "Warm" }, accountSegments: [segment])]));
        await bench.WaitForLogsAsync(1, "outgoing.account.staged", "outgoing.account.skip");

        var notification = NotificationBuilder.AccountUpdate(bench.Connector, Enumerable.Range(0, count).Select(i =>
            NotificationBuilder.AccountMessage(new JsonObject { ["id"] = $"intake-{i}", ["external_id"] = $"intake-ext-{i}", ["name"] = $"Account {i}" }, accountSegments: [segment])));
        var figures = new Figures($"Intake: one notification of {count:N0} account messages ({notification.Length / 1024.0 / 1024.0:F1} MiB)");

        var time = Stopwatch.StartNew();
        var answered = await bench.SendAsync(notification);
        figures.Add("answered to Hull (200, next; POST to answer)", answered);
        Console.WriteLine($"intake: {count:N0} messages answered in {answered.TotalSeconds:F2} s");
        figures.Add("Hull's resend answered (no-op)", await bench.SendAsync(notification));
        await bench.WaitForLogsAsync(1, "connector.notification.split");
        var split = product.Logs.For(bench.Connector.Id, "connector.notification.split");
        figures.Add("fanned out to per-account messages", time.Elapsed);
        figures.Add("per-account messages queued / fan-outs", $"{split.Sum(l => int.Parse(l["Enqueued"]!)):N0} / {split.Count}");
        Console.WriteLine($"intake: fanned out after {time.Elapsed.TotalSeconds:F2} s; waiting for every account decision");
        // The per-account work is the account flow's figure (AccountsScenario); here it only proves "exactly once".
        var deadline = Stopwatch.StartNew();
        while (bench.Logged("outgoing.account.staged", "outgoing.account.skip") < count + 1 && deadline.Elapsed < TimeSpan.FromMinutes(10))
        {
            await Task.Delay(200);
        }

        figures.Add("accounts decided by the queue workers", $"{bench.Logged("outgoing.account.staged", "outgoing.account.skip") - 1:N0} after {time.Elapsed.TotalSeconds:F0} s");
        await Task.Delay(TimeSpan.FromSeconds(2));
        var decided = product.Logs.For(bench.Connector.Id, "outgoing.account.staged").Concat(product.Logs.For(bench.Connector.Id, "outgoing.account.skip"))
            .Select(l => l.Context.GetValueOrDefault("account_id")?.ToString()).Where(id => id?.StartsWith("intake-", StringComparison.Ordinal) == true).ToList();
        figures.Add("decisions / distinct accounts (exactly once)", $"{decided.Count:N0} / {decided.Distinct().Count():N0}");
        figures.AddMemory();
        figures.Print();
    }
}
