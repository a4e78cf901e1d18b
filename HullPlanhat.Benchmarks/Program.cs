using HullPlanhat.Benchmarks;
using HullPlanhat.Benchmarks.Scenarios;
using HullPlanhat.Testing;

// Prints throughput, Planhat-call and memory figures of the product running for real:
// Azurite + the Sandbox's Planhat/Hull over HTTP (own process) + the SelfHost on Kestrel (this process).
//   dotnet run -c Release --project HullPlanhat.Benchmarks -- [all | accounts N | users N | incoming N | intake N | batch N | reliability [case…]]
var scenario = args.ElementAtOrDefault(0) ?? "all";
if (scenario == "reliability")
{
    // Its own rig per case (SelfHost processes, private Azurite): not the shared product below.
    await ReliabilityScenario.RunAsync(args.Skip(1).ToList());
    return;
}

int Count(int fallback) => int.TryParse(args.ElementAtOrDefault(1), out var n) ? n : fallback;

await using var sandbox = await SandboxProcess.StartAsync();
await using var product = await ProductHost.StartAsync(
    new Dictionary<string, string?> { ["Logging:Console:LogLevel:Default"] = "Warning" },
    logs: new CapturedLogs(name => name is not null && (name.EndsWith(".staged", StringComparison.Ordinal) || name.EndsWith(".skip", StringComparison.Ordinal) || name == "connector.notification.split" || name == "connector.batch.success")),
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
