using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using HullPlanhat.Core.Hosting;
using HullPlanhat.Sandbox.Hull;
using HullPlanhat.Testing;

namespace HullPlanhat.Benchmarks.Scenarios;

/// <summary>
/// A manual send of N accounts: the Sandbox's Hull (own process) serves an N-line extract and
/// <c>POST /batch-accounts</c> starts a job that copies it and enqueues it chunk by chunk, waiting
/// for room in the accounts queue before each chunk. The account workers are off and a stand-in
/// takes their place (receive 32 + delete, no product code), so this measures the import path: it
/// checks every line arrives exactly once, prints the peak managed heap meanwhile (flat: it must not
/// grow with N) and the deepest the queue got, and sets the rate beside the emulator's own rate of
/// send + receive + delete measured in the same run.
/// </summary>
public static class BatchScenario
{
    /// <summary>The settings the scenario runs the product with (the emulator's cost per operation grows with queue depth).</summary>
    public static readonly Dictionary<string, string> Settings = new()
    {
        ["Hull:ExtractLinesPerChunk"] = "1000",
        ["Hull:FlowControl:BackPressureDepth"] = "1000",
    };

    public static async Task RunAsync(ProductHost product, IReadOnlyList<int> sizes)
    {
        var figures = new Figures("Batch extract (/batch-accounts) → extract job → queue → stand-in workers");
        figures.Add("settings", string.Join(", ", Settings.Select(s => $"{s.Key}={s.Value}")));
        var before = await StorageCeiling.MeasureAsync(product.Azurite.ConnectionString, 5_000);
        var runs = new List<(int Size, TimeSpan Drained)>();
        foreach (var size in sizes)
        {
            runs.Add((size, await RunOnceAsync(product, size, figures)));
        }

        // The machine is shared: the emulator's rate is measured on both sides of the runs and the ratio uses their mean.
        var after = await StorageCeiling.MeasureAsync(product.Azurite.ConnectionString, 5_000);
        var ceiling = (before + after) / 2;
        figures.Add("storage ceiling: send + receive 32 + delete, shallow queue (before / after)", $"{before:F0} / {after:F0} msg/s");
        foreach (var (size, drained) in runs)
        {
            figures.Add($"{size:N0} lines: lines/s end to end (÷ mean ceiling)", $"{size / drained.TotalSeconds:F0} ({size / drained.TotalSeconds / ceiling:P0})");
        }

        figures.AddMemory();
        figures.Print();
    }

    private static async Task<TimeSpan> RunOnceAsync(ProductHost product, int count, Figures figures)
    {
        var bench = await BenchContext.CreateAsync(product, new JsonObject
        {
            ["account_attributes_outbound"] = new JsonArray(new JsonObject { ["hull_field_name"] = "name", ["service_field_name"] = "name" }),
        });
        await bench.SendAsync(NotificationBuilder.AccountUpdate(bench.Connector, [])); // the product learns the connector

        var (_, url) = await product.SandboxAdmin.AddExtractAsync(Extract(count)); // held by the Sandbox's process, not this one
        var c = bench.Connector;
        var body = new JsonObject { ["url"] = url.ToString(), ["format"] = "json", ["object_type"] = "account_report" };

        var queue = new QueueClient(product.Azurite.ConnectionString, TriggerTable.AccountsQueue, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
        using var stop = new CancellationTokenSource();
        var workers = new StandInWorkers(queue, count);
        var draining = workers.RunAsync(stop.Token);

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
        var imported = total.Elapsed;
        while (workers.Received < count && total.Elapsed - imported < TimeSpan.FromMinutes(2))
        {
            await Task.Delay(100);
        }

        var drained = total.Elapsed;
        await stop.CancelAsync();
        await draining;
        var summary = product.Logs.For(c.Id, "connector.batch.success").Single();

        var n = $"{count:N0} lines";
        figures.Add($"{n}: answered", answered);
        figures.Add($"{n}: every line queued (job done)", imported);
        figures.Add($"{n}: every message taken by the stand-in workers", drained);
        figures.Add($"{n}: lines read / enqueued / skipped", $"{summary["Lines"]} / {summary["Enqueued"]} / {summary["Skipped"]}");
        figures.Add($"{n}: distinct accounts received / duplicates / missing", $"{workers.Distinct:N0} / {workers.Duplicates:N0} / {count - workers.Distinct:N0}{(workers.Distinct == count ? "" : "  ← MISSING")}");
        figures.Add($"{n}: deepest the accounts queue got", $"{workers.DeepestQueue:N0} messages");
        figures.Add($"{n}: stand-in worker errors (emulator stalls)", $"{workers.Errors:N0}");
        figures.Add($"{n}: peak managed heap above baseline", $"{memory.PeakAboveBaselineMiB} MiB");
        figures.Add($"{n}: working set after", $"{MemorySampler.WorkingSetMiB()} MiB");
        return drained;
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

    /// <summary>Takes messages off the accounts queue as the workers would (receive 32, delete each) and marks which accounts arrived.</summary>
    private sealed class StandInWorkers(QueueClient queue, int count)
    {
        private const string Marker = "batch-";
        private readonly int[] seen = new int[count];
        private int received;
        private int distinct;
        private int duplicates;
        private int errors;

        public int Received => Volatile.Read(ref received);
        public int Distinct => Volatile.Read(ref distinct);
        public int Duplicates => Volatile.Read(ref duplicates);
        public int Errors => Volatile.Read(ref errors);
        public int DeepestQueue { get; private set; }

        public async Task RunAsync(CancellationToken stop)
        {
            var sampling = SampleDepthAsync(stop);
            await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => DrainAsync(stop)));
            await sampling;
        }

        private async Task DrainAsync(CancellationToken stop)
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    QueueMessage[] messages = (await queue.ReceiveMessagesAsync(32, TimeSpan.FromSeconds(30), stop)).Value;
                    if (messages.Length == 0)
                    {
                        await Task.Delay(20, stop);
                        continue;
                    }

                    await Parallel.ForEachAsync(messages, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (message, _) =>
                    {
                        await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, CancellationToken.None);
                        Mark(message.Body.ToString()); // only once deleted: a message that comes back is counted when it is
                    });
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception e)
                {
                    // As a worker would: the emulator stalls under load; messages not deleted come back.
                    Interlocked.Increment(ref errors);
                    Console.WriteLine($"  stand-in worker: {e.GetType().Name}: {e.Message.Split('\n')[0]}");
                }
            }
        }

        private void Mark(string text)
        {
            Interlocked.Increment(ref received);
            var at = text.IndexOf(Marker, StringComparison.Ordinal);
            var end = at + Marker.Length;
            while (at >= 0 && end < text.Length && char.IsAsciiDigit(text[end]))
            {
                end++;
            }

            if (at >= 0 && int.TryParse(text.AsSpan(at + Marker.Length, end - at - Marker.Length), out var i) && i >= 0 && i < seen.Length)
            {
                Interlocked.Increment(ref Interlocked.Increment(ref seen[i]) == 1 ? ref distinct : ref duplicates);
            }
        }

        private async Task SampleDepthAsync(CancellationToken stop)
        {
            var samples = 0;
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    var depth = (await queue.GetPropertiesAsync(stop)).Value.ApproximateMessagesCount;
                    DeepestQueue = Math.Max(DeepestQueue, depth);
                    if (++samples % 60 == 0)
                    {
                        Console.WriteLine($"  {DateTime.UtcNow:HH:mm:ss} received {Received:N0} ({Distinct:N0} distinct), queue {depth:N0}");
                    }

                    await Task.Delay(500, stop);
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception e)
                {
                    Console.WriteLine($"  depth sample: {e.GetType().Name}");
                }
            }
        }
    }
}
