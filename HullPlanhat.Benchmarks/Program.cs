using HullPlanhat.Benchmarks;
using HullPlanhat.Benchmarks.Scenarios;
using HullPlanhat.Testing;

// Prints throughput, Planhat-call and memory figures of the product running for real:
// Azurite + the Sandbox's Planhat/Hull over HTTP (own process) + the SelfHost on Kestrel (this process).
//   dotnet run -c Release --project HullPlanhat.Benchmarks -- [all | accounts N | users N | incoming N | intake N | batch N | twoway N M | preview N | scale [USERS...] | reliability [case…] | emulator [ROWS]]
var scenario = args.ElementAtOrDefault(0) ?? "all";
if (scenario == "reliability")
{
    // Its own rig per case (SelfHost processes, private Azurite): not the shared product below.
    await ReliabilityScenario.RunAsync(args.Skip(1).ToList());
    return;
}

int Count(int fallback) => int.TryParse(args.ElementAtOrDefault(1), out var n) ? n : fallback;

if (scenario == "emulator")
{
    // The emulator alone (a private Azurite): whether its cost per row grows with its tables.
    await EmulatorScenario.RunAsync(Count(600_000));
    return;
}

await using var sandbox = await SandboxProcess.StartAsync();
await using var product = await ProductHost.StartAsync(
    new Dictionary<string, string?>
    {
        ["Logging:Console:LogLevel:Default"] = "Warning",
        // Hull's account batches of 20 (the original's size) cost the intake's per-notification requests 10× per account.
        ["Hull:FlowControl:AccountSize"] = scenario == "scale" ? "200" : null,
        // Each of the emulator's queue operations costs in proportion to the messages it holds (LokiJS index upkeep): keep its
        // backlog far shallower than Azure would need (2,000 measured 208 users/s here, 400 measured 299).
        ["Hull:FlowControl:BackPressureDepth"] = scenario == "scale" ? "400" : scenario == "batch" ? BatchScenario.Settings["Hull:FlowControl:BackPressureDepth"] : null,
        // ProductHost turns the holding of partial outbox chunks off for the tests; the scale scenario runs with the product's default.
        ["Outbox:PartialChunkHold"] = scenario == "scale" ? new HullPlanhat.Core.Outgoing.Outbox.OutboxOptions().PartialChunkHold.ToString() : null,
        ["Outbox:EventChunkHold"] = scenario == "scale" ? new HullPlanhat.Core.Outgoing.Outbox.OutboxOptions().EventChunkHold.ToString() : null,
        ["Hull:ExtractLinesPerChunk"] = scenario == "batch" ? BatchScenario.Settings["Hull:ExtractLinesPerChunk"] : null,
        // The batch scenario measures the import path alone (extract → queue → stand-in workers); the accounts and scale scenarios measure the workers.
        ["AzureWebJobs:OutgoingAccount:Disabled"] = scenario == "batch" ? "true" : null,
    }.Where(setting => setting.Value is not null).ToDictionary(), // null: the product's default, not an empty value
    // The scale scenario counts lines without keeping them: a large run would hold every line.
    logs: scenario == "scale" ? new CapturedLogs(ScaleScenario.Logs.CountAndDrop)
        : new CapturedLogs(name => name is not null && (name.EndsWith(".staged", StringComparison.Ordinal) || name.EndsWith(".skip", StringComparison.Ordinal) || name == "connector.notification.split" || name == "connector.batch.success")),
    externalSandbox: sandbox.BaseAddress);
Console.WriteLine($"Product up at {product.BaseAddress}, Sandbox process at {sandbox.BaseAddress}; {Environment.ProcessorCount} cores.");

if (scenario is "accounts" or "all")
{
    await AccountsScenario.RunAsync(product, Count(1000));
}

if (scenario is "users" or "all")
{
    await UsersScenario.RunAsync(product, Count(10_000));
}

if (scenario is "intake" or "all")
{
    await IntakeScenario.RunAsync(product, Count(10_000));
}

if (scenario is "incoming" or "all")
{
    await IncomingScenario.RunAsync(product, args.Length > 1 ? [Count(100_000)] : [10_000, 100_000]);
}

if (scenario is "batch" or "all")
{
    await BatchScenario.RunAsync(product, args.Length > 1 ? [Count(200_000)] : [20_000, 200_000]);
}

if (scenario is "twoway" or "all")
{
    await TwoWayScenario.RunAsync(product, Count(10_000), int.TryParse(args.ElementAtOrDefault(2), out var changes) ? changes : 1000);
}

if (scenario is "preview" or "all")
{
    await PreviewScenario.RunAsync(product, Count(10_000));
}

if (scenario == "scale")
{
    // Sizes are user counts (accounts = users / 5); the portfolio is 500,000 users + 100,000 accounts.
    var sizes = args.Skip(1).Select(a => int.TryParse(a, out var n) ? n : 0).Where(n => n > 0).ToList();
    await ScaleScenario.RunAsync(product, sizes.Count > 0 ? sizes : [500_000]);
}
