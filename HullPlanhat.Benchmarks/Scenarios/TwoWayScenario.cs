using System.Diagnostics;
using System.Text.Json.Nodes;
using HullPlanhat.Core.Hosting;
using HullPlanhat.Sandbox.Hull;
using HullPlanhat.Sandbox.Planhat;
using HullPlanhat.Testing;

namespace HullPlanhat.Benchmarks.Scenarios;

/// <summary>
/// Issue 16's figures. (1) Loop suppression: an outgoing sync of N objects (N/2 accounts → companies,
/// N/2 users → endusers), then the next FetchCompanies + FetchEndusers: firehose requests (must be 0).
/// (2) Webhooks: M Planhat company changes, paced under Planhat's 200 calls/minute (each webhook
/// costs one read), each calling the connector's webhook through the Sandbox's sender; latency from
/// the change to Hull's firehose receiving it, median and p95; then the timer's full pass (must send 0).
/// </summary>
public static class TwoWayScenario
{
    private const string Secret = "bench-webhook-secret-4f9a1c";

    private static JsonObject Mapping(string hull, string planhat) => new() { ["hull_field_name"] = hull, ["service_field_name"] = planhat };

    public static async Task RunAsync(ProductHost product, int objects, int changes, double changesPerSecond = 2.5)
    {
        var bench = await BenchContext.CreateAsync(product, new JsonObject
        {
            ["account_synchronized_segments"] = new JsonArray("seg-accounts"),
            ["contact_synchronized_segments"] = new JsonArray("seg-users"),
            ["account_attributes_outbound"] = new JsonArray(Mapping("name", "name")),
            ["contact_attributes_outbound"] = new JsonArray(Mapping("name", "name"), Mapping("email", "email"), Mapping("external_id", "externalId")),
            ["fetch_interval_accounts"] = "0",
            ["fetch_interval_users"] = "0",
            ["planhat_webhook_secret"] = Secret,
        });
        using var counters = new ProductCounters();
        var figures = new Figures($"Two-way: outgoing sync of {objects:N0} objects, then the import; {changes:N0} Planhat changes through the webhook");

        var companies = await SyncOutAsync(bench, objects / 2, objects - objects / 2, figures);
        foreach (var function in new[] { TriggerTable.FetchCompanies, TriggerTable.FetchEndusers })
        {
            var firehose = counters.FirehoseCalls;
            var calls = (await bench.CallsAsync()).Count;
            var time = Stopwatch.StartNew();
            await product.RunFunctionAsync(function);
            figures.Add($"{function} after the sync: wall time", time.Elapsed);
            figures.Add($"{function} after the sync: Planhat calls / firehose requests",
                $"{(await bench.CallsAsync()).Count - calls} / {counters.FirehoseCalls - firehose}");
        }

        figures.Add("objects skipped as our own write", $"{bench.Logged("incoming.account.skip", "incoming.user.skip"):N0}");
        await MeasureWebhooksAsync(bench, counters, companies.Take(changes).ToList(), changesPerSecond, figures);
        figures.AddMemory();
        figures.Print();
    }

    private static async Task<IReadOnlyList<string>> SyncOutAsync(BenchContext bench, int accounts, int users, Figures figures)
    {
        var accountSegment = new JsonObject { ["id"] = "seg-accounts" };
        var hullAccounts = Enumerable.Range(0, accounts).Select(a => new JsonObject { ["id"] = $"acc-{a}", ["external_id"] = $"acc-ext-{a}", ["name"] = $"Account {a}" }).ToArray();
        var time = Stopwatch.StartNew();
        foreach (var batch in hullAccounts.Chunk(100))
        {
            await bench.SendAsync(NotificationBuilder.AccountUpdate(bench.Connector, batch.Select(a => NotificationBuilder.AccountMessage(a, accountSegments: [accountSegment]))));
        }

        await bench.WaitForLogsAsync(accounts, "outgoing.account.staged");
        await FlushUntilAsync(bench, ObjectKind.Companies, accounts);
        foreach (var batch in Enumerable.Range(0, users).Chunk(200))
        {
            await bench.SendAsync(NotificationBuilder.UserUpdate(bench.Connector, batch.Select(i => NotificationBuilder.UserMessage(
                new JsonObject { ["id"] = $"user-{i}", ["email"] = $"user{i}@bench.example", ["external_id"] = $"user-ext-{i}", ["name"] = $"User {i}" },
                hullAccounts[i % accounts], events: null, segments: [new JsonObject { ["id"] = "seg-users" }], accountSegments: [accountSegment]))));
        }

        await bench.WaitForLogsAsync(users, "outgoing.user.staged");
        await FlushUntilAsync(bench, ObjectKind.Endusers, users);
        figures.Add($"outgoing sync of {accounts:N0} companies + {users:N0} endusers", time.Elapsed);
        return (await bench.Product.SandboxAdmin.GetObjectsAsync(bench.Token, ObjectKind.Companies)).Select(c => c["_id"]!.ToString()).ToList();
    }

    private static async Task FlushUntilAsync(BenchContext bench, ObjectKind kind, int count)
    {
        for (var run = 0; (await bench.Product.SandboxAdmin.GetObjectsAsync(bench.Token, kind)).Count < count; run++)
        {
            if (run == 50)
            {
                throw new TimeoutException($"Planhat does not hold {count} {kind} after 50 flushes.");
            }

            await bench.Product.RunFunctionAsync(TriggerTable.FlushOutbox);
        }
    }

    private static async Task MeasureWebhooksAsync(BenchContext bench, ProductCounters counters, IReadOnlyList<string> companies, double perSecond, Figures figures)
    {
        var sandbox = bench.Product.SandboxAdmin;
        await sandbox.ResetFirehoseAsync(bench.Connector.Id);
        await sandbox.SetWebhookAsync(bench.Token, new Uri(bench.Product.BaseAddress, $"webhooks/planhat/{bench.Connector.Id}?secret={Secret}"));
        var changedAt = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        var pace = TimeSpan.FromSeconds(1 / perSecond);
        var time = Stopwatch.StartNew();
        for (var i = 0; i < companies.Count; i++)
        {
            var due = pace * i - time.Elapsed;
            if (due > TimeSpan.Zero)
            {
                await Task.Delay(due);
            }

            changedAt[companies[i]] = DateTimeOffset.UtcNow;
            await sandbox.ModifyAsync(bench.Token, ObjectKind.Companies, companies[i], new JsonObject { ["phase"] = $"Changed {i}" });
        }

        var arrived = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        var deadline = Stopwatch.StartNew();
        while (arrived.Count < companies.Count && deadline.Elapsed < TimeSpan.FromMinutes(10))
        {
            await Task.Delay(500);
            foreach (var entry in await sandbox.GetFirehoseAsync(bench.Connector.Id))
            {
                if (entry.AsAccount?["anonymous_id"]?.ToString() is { } anonymous && anonymous.StartsWith("planhat:", StringComparison.Ordinal))
                {
                    arrived.TryAdd(anonymous["planhat:".Length..], entry.ReceivedAt);
                }
            }
        }

        var latencies = arrived.Where(a => changedAt.ContainsKey(a.Key)).Select(a => (a.Value - changedAt[a.Key]).TotalMilliseconds).Order().ToList();
        figures.Add($"webhook changes ({perSecond}/s) reaching Hull", $"{latencies.Count:N0} of {companies.Count:N0} in {time.Elapsed.TotalSeconds:F0} s");
        if (latencies.Count > 0)
        {
            figures.Add("change → Hull firehose latency: median / p95 / max",
                $"{Percentile(latencies, 0.5):F0} ms / {Percentile(latencies, 0.95):F0} ms / {latencies[^1]:F0} ms");
        }

        await sandbox.SetWebhookAsync(bench.Token, null);
        var firehose = counters.FirehoseCalls;
        await bench.Product.RunFunctionAsync(TriggerTable.FetchCompanies);
        figures.Add("FetchCompanies after the webhooks: firehose requests", $"{counters.FirehoseCalls - firehose}");
    }

    private static double Percentile(List<double> sorted, double p) => sorted[Math.Max(0, (int)Math.Ceiling(p * sorted.Count) - 1)];
}
