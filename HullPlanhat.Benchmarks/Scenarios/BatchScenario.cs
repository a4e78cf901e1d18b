using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using Azure.Storage.Queues;
using HullPlanhat.Core.Hosting;
using HullPlanhat.Sandbox.Hull;
using HullPlanhat.Testing;

namespace HullPlanhat.Benchmarks.Scenarios;

/// <summary>
/// A manual send of N accounts: the Sandbox's Hull (own process) serves an N-line extract and
/// <c>POST /batch-accounts</c> starts a job that copies it and enqueues it chunk by chunk (the account
/// workers are off: this measures the import path). Prints the peak managed heap meanwhile (flat: it
/// must not grow with N), checks that every line is in the queue exactly once, and sets the rate
/// beside the emulator's own rate of sends at the same parallelism, measured in the same run.
/// </summary>
public static class BatchScenario
{
    public static async Task RunAsync(ProductHost product, IReadOnlyList<int> sizes)
    {
        var figures = new Figures("Batch extract (/batch-accounts) → extract job → queue");
        var ceiling = await StorageCeiling.MeasureSendsAsync(product.Azurite.ConnectionString, 10_000, parallelism: 16);
        figures.Add("storage ceiling: sends only, 16 at once, growing queue", $"{ceiling:F0} msg/s");
        foreach (var size in sizes)
        {
            await RunOnceAsync(product, size, ceiling, figures);
        }

        figures.AddMemory();
        figures.Print();
    }

    private static async Task RunOnceAsync(ProductHost product, int count, double ceiling, Figures figures)
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

        var queue = new QueueClient(product.Azurite.ConnectionString, TriggerTable.AccountsQueue);
        var queued = (await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount;
        await queue.ClearMessagesAsync();
        var n = $"{count:N0} lines";
        figures.Add($"{n}: answered", answered);
        figures.Add($"{n}: extract downloaded and every line queued", streamed);
        figures.Add($"{n}: lines read / enqueued / skipped", $"{summary["Lines"]} / {summary["Enqueued"]} / {summary["Skipped"]}{(summary["Enqueued"] == count.ToString(System.Globalization.CultureInfo.InvariantCulture) ? "" : "  ← MISMATCH")}");
        figures.Add($"{n}: messages in the accounts queue afterwards", $"{queued:N0}{(queued == count ? "" : "  ← MISMATCH")}");
        figures.Add($"{n}: lines/s enqueued (÷ ceiling)", $"{count / streamed.TotalSeconds:F0} ({count / streamed.TotalSeconds / ceiling:P0})");
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
