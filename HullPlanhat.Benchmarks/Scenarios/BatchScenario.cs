using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using HullPlanhat.Sandbox.Hull;
using HullPlanhat.Testing;

namespace HullPlanhat.Benchmarks.Scenarios;

/// <summary>
/// A manual send of N accounts: the Sandbox's Hull serves an N-line extract, <c>POST /batch-accounts</c>
/// streams it into the queue, the workers stage every account. Prints the peak managed heap while the
/// extract streams (flat: it must not grow with N) and checks that every account was enqueued once.
/// </summary>
public static class BatchScenario
{
    public static async Task RunAsync(ProductHost product, IReadOnlyList<int> sizes)
    {
        var figures = new Figures("Batch extract (/batch-accounts) → queue → staged");
        foreach (var size in sizes)
        {
            await RunOnceAsync(product, size, figures);
        }

        figures.AddMemory();
        figures.Print();
    }

    private static async Task RunOnceAsync(ProductHost product, int count, Figures figures)
    {
        var bench = await BenchContext.CreateAsync(product, new JsonObject
        {
            ["account_attributes_outbound"] = new JsonArray(new JsonObject { ["hull_field_name"] = "name", ["service_field_name"] = "name" }),
        });
        await bench.SendAsync(NotificationBuilder.AccountUpdate(bench.Connector, [])); // the product learns the connector

        var (_, url) = await product.SandboxAdmin.AddExtractAsync(Extract(count)); // held by the Sandbox's process, not this one
        var c = bench.Connector;
        var body = new JsonObject { ["url"] = url.ToString(), ["format"] = "json", ["object_type"] = "account_report" };

        await using var memory = new MemorySampler();
        var total = Stopwatch.StartNew();
        using (var response = await product.Http.PostAsync(
            $"batch-accounts?organization={c.Organization}&ship={c.Id}&secret={Uri.EscapeDataString(c.Secret)}",
            new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json")))
        {
            response.EnsureSuccessStatusCode();
        }

        var answered = total.Elapsed;
        await bench.WaitForLogsAsync(1, "connector.batch.success");
        var streamed = total.Elapsed;
        var peakWhileStreaming = memory.PeakAboveBaselineMiB;
        var summary = product.Logs.For(c.Id, "connector.batch.success").Single();
        await bench.WaitForLogsAsync(count, "outgoing.account.staged", "outgoing.account.skip");
        var staged = total.Elapsed;
        await Task.Delay(TimeSpan.FromSeconds(3)); // a duplicate would show up as an extra decision
        var decisions = bench.Logged("outgoing.account.staged", "outgoing.account.skip");

        var n = $"{count:N0} lines";
        figures.Add($"{n}: answered", answered);
        figures.Add($"{n}: extract streamed into the queue", streamed);
        figures.Add($"{n}: enqueued / skipped", $"{summary["Enqueued"]} / {summary["Skipped"]}");
        figures.Add($"{n}: lines/s enqueued", $"{count / streamed.TotalSeconds:F0}");
        figures.Add($"{n}: peak managed heap above baseline while streaming", $"{peakWhileStreaming} MiB");
        figures.Add($"{n}: every account staged", staged);
        figures.Add($"{n}: decisions (must equal lines)", $"{decisions:N0}{(decisions == count ? "" : "  ← MISMATCH")}");
        figures.Add($"{n}: peak managed heap above baseline overall", $"{memory.PeakAboveBaselineMiB} MiB");
    }

    private static string Extract(int count)
    {
        var lines = new StringBuilder(count * 120);
        for (var i = 0; i < count; i++)
        {
            lines.Append("{\"id\":\"h").Append(i).Append("\",\"external_id\":\"batch-").Append(i)
                .Append("\",\"name\":\"Company ").Append(i).Append("\",\"domain\":\"c").Append(i).Append(".example\",\"segment_ids\":[\"s1\"]}\n");
        }

        return lines.ToString();
    }
}
