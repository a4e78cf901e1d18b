using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using HullPlanhat.Sandbox.Hull;
using HullPlanhat.Testing;

namespace HullPlanhat.Benchmarks.Scenarios;

/// <summary>
/// A manual send of N accounts: the Sandbox's Hull (own process) serves an N-line extract and
/// <c>POST /batch-accounts</c> streams it into the queue. Prints the peak managed heap meanwhile (flat:
/// it must not grow with N) and checks that every line was enqueued exactly once.
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
        var summary = product.Logs.For(c.Id, "connector.batch.success").Single();

        // The queue workers stage the accounts behind it (the accounts scenario measures that part).
        var n = $"{count:N0} lines";
        figures.Add($"{n}: answered", answered);
        figures.Add($"{n}: extract downloaded and every line queued", streamed);
        figures.Add($"{n}: lines read / enqueued / skipped", $"{summary["Lines"]} / {summary["Enqueued"]} / {summary["Skipped"]}{(summary["Enqueued"] == count.ToString(System.Globalization.CultureInfo.InvariantCulture) ? "" : "  ← MISMATCH")}");
        figures.Add($"{n}: lines/s enqueued", $"{count / streamed.TotalSeconds:F0}");
        figures.Add($"{n}: peak managed heap above baseline", $"{memory.PeakAboveBaselineMiB} MiB");
        figures.Add($"{n}: working set after", $"{MemorySampler.WorkingSetMiB()} MiB");
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
