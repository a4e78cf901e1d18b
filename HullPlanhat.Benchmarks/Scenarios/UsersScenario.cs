using System.Diagnostics;
using System.Text.Json.Nodes;
using HullPlanhat.Core.Hosting;
using HullPlanhat.Sandbox.Hull;
using HullPlanhat.Sandbox.Planhat;
using HullPlanhat.Testing;

namespace HullPlanhat.Benchmarks.Scenarios;

/// <summary>
/// N Hull users (one whitelisted event each) of 100 accounts, from signed user:update notifications
/// of 200 messages (Hull's flow-control size) to endusers and activities in the Sandbox.
/// </summary>
public static class UsersScenario
{
    private static JsonObject Mapping(string hull, string planhat) => new() { ["hull_field_name"] = hull, ["service_field_name"] = planhat };

    public static async Task RunAsync(ProductHost product, int count)
    {
        var bench = await BenchContext.CreateAsync(product, new JsonObject
        {
            ["account_synchronized_segments"] = new JsonArray("seg-accounts"),
            ["contact_synchronized_segments"] = new JsonArray("seg-users"),
            ["contact_events"] = new JsonArray("Logged in"),
            ["account_attributes_outbound"] = new JsonArray(Mapping("name", "name")),
            ["contact_attributes_outbound"] = new JsonArray(Mapping("name", "name"), Mapping("email", "email"), Mapping("external_id", "externalId")),
        });
        var accounts = Enumerable.Range(0, 100).Select(a => new JsonObject { ["id"] = $"acc-{a}", ["external_id"] = $"acc-ext-{a}", ["name"] = $"Account {a}" }).ToArray();
        var accountSegment = new JsonObject { ["id"] = "seg-accounts" };

        // The companies exist first (as they would after the account flow), so users can link to them.
        foreach (var batch in accounts.Chunk(50))
        {
            await bench.SendAsync(NotificationBuilder.AccountUpdate(bench.Connector, batch.Select(a => NotificationBuilder.AccountMessage(a, accountSegments: [accountSegment]))));
        }

        await bench.WaitForLogsAsync(accounts.Length, "outgoing.account.staged");
        await product.RunFunctionAsync(TriggerTable.FlushOutbox);

        var notifications = Enumerable.Range(0, count).Select(i => NotificationBuilder.UserMessage(
                new JsonObject { ["id"] = $"user-{i}", ["email"] = $"user{i}@bench.example", ["external_id"] = $"user-ext-{i}", ["name"] = $"User {i}" },
                accounts[i % accounts.Length],
                events: [new JsonObject { ["event"] = "Logged in", ["event_id"] = $"ev-{i}", ["created_at"] = "2026-11-23T10:00:00Z", ["properties"] = new JsonObject { ["plan"] = "pro", ["n"] = i } }],
                segments: [new JsonObject { ["id"] = "seg-users" }],
                accountSegments: [accountSegment]))
            .Chunk(200)
            .Select(batch => NotificationBuilder.UserUpdate(bench.Connector, batch))
            .ToList();

        var figures = new Figures($"Users → endusers + events → activities: {count:N0} users, 1 event each");
        var callsBefore = (await bench.CallsAsync()).Count;
        var time = Stopwatch.StartNew();
        long peak;
        await using (var memory = new MemorySampler())
        {
            foreach (var notification in notifications)
            {
                await bench.SendAsync(notification);
            }

            figures.Add($"intake ({notifications.Count} notifications)", time.Elapsed);
            await bench.WaitForLogsAsync(count, "outgoing.user.staged", "outgoing.user.skip");
            figures.Add("queue workers done", time.Elapsed);
            await product.RunFunctionAsync(TriggerTable.FlushOutbox);
            time.Stop();
            peak = memory.PeakAboveBaselineMiB;
        }

        var calls = (await bench.CallsAsync()).Skip(callsBefore).ToList();
        figures.Add("flushed (total wall time)", time.Elapsed);
        figures.Add("users/s end to end", $"{count / time.Elapsed.TotalSeconds:F0}");
        figures.Add("endusers / activities in the Sandbox", $"{(await product.SandboxAdmin.GetObjectsAsync(bench.Token, ObjectKind.Endusers)).Count} / {(await product.SandboxAdmin.GetAnalyticsAsync(bench.Token)).Count}");
        figures.Add("Planhat calls", $"{calls.Count} ({string.Join(", ", calls.GroupBy(c => $"{c.Method} {c.Path.Split('/').Take(3).Aggregate((a, b) => a + "/" + b)}").Select(g => $"{g.Key} ×{g.Count()}"))})");
        figures.Add("calls per user", $"{(double)calls.Count / count:F4}");
        figures.Add("managed heap peak above start", $"{peak} MiB");
        figures.AddMemory();
        figures.Print();
    }
}
