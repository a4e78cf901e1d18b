using HullPlanhat.Benchmarks.Scenarios;
using HullPlanhat.Testing;
using Microsoft.Extensions.Logging;

// Prints throughput, Planhat-call and memory figures of the product running for real:
// Azurite + the Sandbox's Planhat/Hull over HTTP + the SelfHost on Kestrel.
//   dotnet run -c Release --project HullPlanhat.Benchmarks -- [all | accounts N | incoming N]
var scenario = args.ElementAtOrDefault(0) ?? "all";
int Count(int fallback) => int.TryParse(args.ElementAtOrDefault(1), out var n) ? n : fallback;

await using var product = await ProductHost.StartAsync(
    new Dictionary<string, string?> { ["Logging:LogLevel:Default"] = "Warning" }, LogLevel.Information);
Console.WriteLine($"Product up at {product.BaseAddress} (Sandbox {product.Sandbox.BaseAddress}); {Environment.ProcessorCount} cores.");

if (scenario is "accounts" or "all")
{
    await AccountsScenario.RunAsync(product, Count(1000));
}

if (scenario is "incoming" or "all")
{
    await IncomingScenario.RunAsync(product, args.Length > 1 ? [Count(100_000)] : [10_000, 100_000]);
}
