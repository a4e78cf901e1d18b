using System.Diagnostics;
using System.Text.Json.Nodes;
using Azure.Data.Tables;
using HullPlanhat.Core.Hosting;
using HullPlanhat.Core.Storage;
using HullPlanhat.Sandbox.Hull;
using HullPlanhat.Sandbox.Planhat;
using HullPlanhat.Testing;

namespace HullPlanhat.Benchmarks.Scenarios;

/// <summary>
/// A portfolio of N users (10 % with one event) of N/5 accounts (one license each), per size given:
/// accounts then users from a Hull stand-in that honours flow control, the outbox flushed every
/// <see cref="FlushEvery"/> as the timer would, then the same portfolio replayed unchanged, then up to
/// <see cref="PacedUsers"/> users replayed at half the rate the workers reached (intake latency under a
/// load they keep up with). Prints
/// objects/s, storage requests per object by kind and operation, Planhat calls, peak RSS, intake
/// latency, and the storage's raw per-message ceiling measured on the same emulator in the same run.
/// </summary>
public static class ScaleScenario
{
    /// <summary>How often the outbox is flushed while objects arrive: the product's timer (<c>Schedules:FlushOutbox</c>).</summary>
    public static readonly TimeSpan FlushEvery = TimeSpan.FromSeconds(10);
    private const int CeilingMessages = 5_000;
    private const int PacedUsers = 20_000;
    private static readonly int QueuesPolled = TriggerTable.All.Count(t => t.Kind == TriggerKind.Queue);

    public static LogTally Logs { get; } = new();

    private sealed record Phase(string Name, int Objects, TimeSpan Elapsed, IReadOnlyDictionary<string, long> Requests, int PlanhatCalls, string CallsByEndpoint, double P50, double P95, int Slowed, long Skipped,
        (double MicrosecondsPerUnit, double Busy)? EmulatorCpu, (double OwnMicrosecondsPerUnit, double MachineMicrosecondsPerUnit, double Busy) MachineCpu, string StorageTimes);

    public static async Task RunAsync(ProductHost product, IReadOnlyList<int> userCounts)
    {
        using var storage = new StorageCounters();
        using var latencies = new StorageLatencies();
        var summary = new Figures("Scale: summary (first run = accounts + users, end to end)");
        await StorageCeiling.MeasureAsync(product.Azurite.ConnectionString, 1_000); // warm-up (JIT of both processes), not reported
        foreach (var users in userCounts)
        {
            var (firstRun, ceiling) = await RunSizeAsync(product, storage, latencies, users);
            summary.Add($"{users:N0} users + {users / 5:N0} accounts", $"{firstRun:F0} objects/s = {firstRun / ceiling:P0} of the ceiling ({ceiling:F0} msg/s)");
        }

        summary.Print();
    }

    private static async Task<(double FirstRunRate, double Ceiling)> RunSizeAsync(ProductHost product, StorageCounters storage, StorageLatencies latencies, int userCount)
    {
        var accountCount = Math.Max(1, userCount / 5);
        var bench = await BenchContext.CreateAsync(product, Settings());
        var figures = new Figures($"Scale: {accountCount:N0} accounts (1 license each) + {userCount:N0} users (10 % with an event)");
        Console.WriteLine($"scale {userCount:N0}: measuring the storage ceiling");
        var ceilingCpu = EmulatorCpu.Start(product.Azurite);
        var ceilingBefore = await StorageCeiling.MeasureAsync(product.Azurite.ConnectionString, CeilingMessages);
        var perMessage = ceilingCpu.Stop(CeilingMessages);
        Console.WriteLine($"scale {userCount:N0}: ceiling {ceilingBefore:F0} msg/s; load {File.ReadAllText("/proc/loadavg").Trim()}");

        var phases = new List<Phase>();
        long peakRss, peakHeap;
        await using (var memory = new RssSampler())
        {
            phases.Add(await RunPhaseAsync(bench, storage, latencies, "accounts", accountCount, Accounts(accountCount), b => NotificationBuilder.AccountUpdate(bench.Connector, b), "outgoing.account"));
            phases.Add(await RunPhaseAsync(bench, storage, latencies, "users", userCount, Users(userCount, accountCount), b => NotificationBuilder.UserUpdate(bench.Connector, b), "outgoing.user"));
            phases.Add(await RunPhaseAsync(bench, storage, latencies, "accounts replayed unchanged", accountCount, Accounts(accountCount), b => NotificationBuilder.AccountUpdate(bench.Connector, b), "outgoing.account"));
            phases.Add(await RunPhaseAsync(bench, storage, latencies, "users replayed unchanged", userCount, Users(userCount, accountCount), b => NotificationBuilder.UserUpdate(bench.Connector, b), "outgoing.user"));
            // Intake while the workers are busy but keep up: Hull sending at half the rate they just reached.
            var replayed = phases[^1];
            var pace = replayed.Objects / replayed.Elapsed.TotalSeconds / 2;
            var pacedCount = Math.Min(userCount, PacedUsers);
            phases.Add(await RunPhaseAsync(bench, storage, latencies, $"users replayed at {pace:F0}/s (half the rate above)", pacedCount, Users(pacedCount, accountCount),
                b => NotificationBuilder.UserUpdate(bench.Connector, b), "outgoing.user", pace));
            (peakRss, peakHeap) = (memory.PeakRssMiB, memory.PeakHeapMiB);
        }

        var ceilingAfter = await StorageCeiling.MeasureAsync(product.Azurite.ConnectionString, CeilingMessages);
        var ceiling = (ceilingBefore + ceilingAfter) / 2;
        figures.Add("storage ceiling (send + receive 32 + delete), before / after / mean", $"{ceilingBefore:F0} / {ceilingAfter:F0} / {ceiling:F0} msg/s");
        if (perMessage is { } m)
        {
            figures.Add("storage ceiling: emulator CPU per message, busy", $"{m.MicrosecondsPerUnit:F0} µs, {m.Busy:P0} of a core");
        }

        foreach (var phase in phases)
        {
            var total = phase.Requests.Values.Sum();
            var rate = phase.Objects / phase.Elapsed.TotalSeconds;
            figures.Add($"{phase.Name}: objects/s (÷ ceiling)", $"{rate:F0} ({rate / ceiling:P0}) — {phase.Objects:N0} in {phase.Elapsed.TotalSeconds:F1} s");
            var idlePolls = phase.Requests.GetValueOrDefault("queue receive-empty");
            figures.Add($"{phase.Name}: storage requests per object", $"{(double)total / phase.Objects:F3} ({string.Join(", ", phase.Requests.OrderByDescending(r => r.Value).Select(r => $"{r.Key} {(double)r.Value / phase.Objects:F3}"))})");
            figures.Add($"{phase.Name}: storage requests per object without idle polls", $"{(double)(total - idlePolls) / phase.Objects:F3} ({idlePolls:N0} empty receives of the {QueuesPolled} queues polled, by the clock)");
            figures.Add($"{phase.Name}: Planhat calls", $"{phase.PlanhatCalls} ({phase.CallsByEndpoint})");
            figures.Add($"{phase.Name}: skipped (already in Planhat)", $"{phase.Skipped:N0}");
            figures.Add($"{phase.Name}: intake POST p50 / p95, answers slowed", $"{phase.P50:F0} / {phase.P95:F0} ms, {phase.Slowed}");
            figures.Add($"{phase.Name}: storage request time p50 / p95 (ms), most frequent first", phase.StorageTimes);
            if (phase.EmulatorCpu is { } cpu && perMessage is { } message)
            {
                // At 100 % busy the emulator would serve 1 / (CPU per object): the ceiling this product's objects can reach on it.
                figures.Add($"{phase.Name}: emulator CPU per object (÷ per ceiling message), busy; its limit at 100 % busy",
                    $"{cpu.MicrosecondsPerUnit:F0} µs (×{cpu.MicrosecondsPerUnit / message.MicrosecondsPerUnit:F2}), {cpu.Busy:P0}; {1e6 / cpu.MicrosecondsPerUnit:F0} objects/s");
            }

            // When all cores are busy the emulator can only have what the product, the stand-ins and the rest leave it.
            figures.Add($"{phase.Name}: machine CPU per object (this process = product + Hull stand-in), all cores busy",
                $"{phase.MachineCpu.MachineMicrosecondsPerUnit:F0} µs ({phase.MachineCpu.OwnMicrosecondsPerUnit:F0} µs this process), {phase.MachineCpu.Busy:P0} of {Environment.ProcessorCount} cores");

        }

        var first = phases.Take(2).ToList();
        var firstRate = first.Sum(p => p.Objects) / first.Sum(p => p.Elapsed.TotalSeconds);
        figures.Add("first run (accounts + users): objects/s (÷ ceiling)", $"{firstRate:F0} ({firstRate / ceiling:P0})");
        figures.Add("first run: Planhat calls", $"{first.Sum(p => p.PlanhatCalls)}");
        figures.Add("Sandbox endusers / companies / activities",
            $"{(await bench.Product.SandboxAdmin.GetObjectsAsync(bench.Token, ObjectKind.Endusers)).Count:N0} / {(await bench.Product.SandboxAdmin.GetObjectsAsync(bench.Token, ObjectKind.Companies)).Count:N0} / {(await bench.Product.SandboxAdmin.GetAnalyticsAsync(bench.Token)).Count:N0}");
        figures.Add("peak RSS / managed heap of this process (product + load generator)", $"{peakRss} / {peakHeap} MiB");
        figures.Add("machine load (1/5/15 min) after the run", File.ReadAllText("/proc/loadavg").Trim());
        figures.Print();
        return (firstRate, ceiling);
    }

    private static async Task<Phase> RunPhaseAsync(BenchContext bench, StorageCounters storage, StorageLatencies latencies, string name, int count,
        IEnumerable<JsonObject> messages, Func<IEnumerable<JsonObject>, string> notification, string log, double? pace = null)
    {
        Console.WriteLine($"  {name}: {count:N0} objects");
        // Every object of this portfolio passes the filters, so its queue worker stages it (one .staged line); the flush's .skip lines come later.
        var decided = Logs.Count($"{log}.staged");
        var skipped = Logs.Count($"{log}.skip");
        var callsBefore = (await bench.CallsAsync()).Count;
        var requestsBefore = storage.Snapshot();
        var timesBefore = latencies.Snapshot();
        var hull = pace is null ? new HullStandIn(bench) : new HullStandIn(bench, senders: 4, objectsPerSecond: pace);
        var emulatorCpu = EmulatorCpu.Start(bench.Product.Azurite);
        var machineCpu = MachineCpu.Start();
        var time = Stopwatch.StartNew();
        using var stopFlushing = new CancellationTokenSource();
        var flusher = FlushPeriodicallyAsync(bench.Product, stopFlushing.Token);

        await hull.SendAsync(messages, notification, firstSize: 200);
        Console.WriteLine($"  {name}: sent in {time.Elapsed.TotalSeconds:F1} s (p95 {hull.Percentile(0.95):F0} ms)");
        var progress = Stopwatch.StartNew();
        while (Logs.Count($"{log}.staged") - decided < count)
        {
            await Task.Delay(100);
            if (progress.Elapsed > TimeSpan.FromSeconds(15))
            {
                Console.WriteLine($"  {name}: {Logs.Count($"{log}.staged") - decided:N0} decided after {time.Elapsed.TotalSeconds:F0} s");
                progress.Restart();
            }
        }

        Console.WriteLine($"  {name}: decided in {time.Elapsed.TotalSeconds:F1} s");
        await stopFlushing.CancelAsync();
        await flusher;
        Console.WriteLine($"  {name}: periodic flushes stopped at {time.Elapsed.TotalSeconds:F1} s");
        var outbox = new TableClient(bench.Product.Azurite.ConnectionString, StorageNames.OutboxTable);
        while (await outbox.QueryAsync<TableEntity>(e => e.PartitionKey == TableKeys.Encode(bench.Connector.Id), maxPerPage: 1, select: ["PartitionKey"]).AnyAsync())
        {
            await bench.Product.RunFunctionAsync(TriggerTable.FlushOutbox);
            Console.WriteLine($"  {name}: flush run ended at {time.Elapsed.TotalSeconds:F1} s");
            // The last partial chunks are held until nothing was staged for Outbox:PartialChunkQuiet (2 s).
            await Task.Delay(TimeSpan.FromMilliseconds(500));
        }

        time.Stop();
        var cpu = emulatorCpu.Stop(count);
        var machine = machineCpu.Stop(count);
        Console.WriteLine($"  {name}: flushed in {time.Elapsed.TotalSeconds:F1} s");
        var calls = (await bench.CallsAsync()).Skip(callsBefore).ToList();
        var byEndpoint = string.Join(", ", calls.GroupBy(c => $"{c.Method} {string.Join('/', c.Path.Split('/').Take(2))}").Select(g => $"{g.Key} ×{g.Count()}"));
        var requests = storage.Since(requestsBefore);
        // A long run's figures as each phase ends, in case the whole run is cut short.
        Console.WriteLine($"  {name}: {count / time.Elapsed.TotalSeconds:F0} objects/s; {(double)requests.Values.Sum() / count:F3} storage requests per object " +
            $"({(double)(requests.Values.Sum() - requests.GetValueOrDefault("queue receive-empty")) / count:F3} without idle polls); {calls.Count} Planhat calls; intake p95 {hull.Percentile(0.95):F0} ms; load {File.ReadAllText("/proc/loadavg").Trim()}");
        return new Phase(name, count, time.Elapsed, requests, calls.Count, byEndpoint, hull.Percentile(0.5), hull.Percentile(0.95), hull.Slowed,
            Logs.Count($"{log}.skip") - skipped, cpu, machine, latencies.Since(timesBefore));
    }

    private static async Task FlushPeriodicallyAsync(ProductHost product, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            await Task.Delay(FlushEvery, stop).ContinueWith(_ => { }, TaskScheduler.Default);
            if (!stop.IsCancellationRequested)
            {
                await product.RunFunctionAsync(TriggerTable.FlushOutbox);
            }
        }
    }

    private static JsonObject Mapping(string hull, string planhat) => new() { ["hull_field_name"] = hull, ["service_field_name"] = planhat };

    private static JsonObject Settings() => new()
    {
        ["account_synchronized_segments"] = new JsonArray("seg-accounts"),
        ["contact_synchronized_segments"] = new JsonArray("seg-users"),
        ["contact_events"] = new JsonArray("Logged in"),
        ["account_attributes_outbound"] = new JsonArray(Mapping("name", "name")),
        ["account_licenses_attribute"] = "licenses",
        ["account_licenses_attributes_outbound"] = new JsonArray(Mapping("id", "externalId"), Mapping("mrr", "mrr")),
        ["contact_attributes_outbound"] = new JsonArray(Mapping("name", "name"), Mapping("email", "email"), Mapping("external_id", "externalId")),
    };

    private static JsonObject Account(int i) => new() { ["id"] = $"acc-{i}", ["external_id"] = $"acc-ext-{i}", ["name"] = $"Account {i}", ["updated_at"] = "2026-11-20T10:00:00Z" };

    private static IEnumerable<JsonObject> Accounts(int count)
    {
        var segment = new JsonObject { ["id"] = "seg-accounts" };
        for (var i = 0; i < count; i++)
        {
            var account = Account(i);
            account["licenses"] = new JsonArray(new JsonObject { ["id"] = $"lic-{i}", ["mrr"] = i % 1000 });
            yield return NotificationBuilder.AccountMessage(account, accountSegments: [segment.DeepClone().AsObject()]);
        }
    }

    private static IEnumerable<JsonObject> Users(int count, int accounts)
    {
        for (var i = 0; i < count; i++)
        {
            JsonObject[] events = i % 10 == 0
                ? [new JsonObject { ["event"] = "Logged in", ["event_id"] = $"ev-{i}", ["created_at"] = "2026-11-23T10:00:00Z", ["properties"] = new JsonObject { ["n"] = i } }]
                : [];
            yield return NotificationBuilder.UserMessage(
                new JsonObject { ["id"] = $"user-{i}", ["email"] = $"user{i}@bench.example", ["external_id"] = $"user-ext-{i}", ["name"] = $"User {i}", ["indexed_at"] = "2026-11-23T10:00:00Z" },
                Account(i % accounts),
                events: events,
                segments: [new JsonObject { ["id"] = "seg-users" }],
                accountSegments: [new JsonObject { ["id"] = "seg-accounts" }]);
        }
    }
}
