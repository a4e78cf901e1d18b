using HullPlanhat.Core.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace HullPlanhat.Functions;

/// <summary>What Hull reads to install the connector and fill its settings UI.</summary>
public sealed class Install(FunctionDispatcher dispatcher)
{
    [Function("Manifest")]
    public async Task<IActionResult> Manifest(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "manifest.json")] HttpRequest request,
        CancellationToken cancellationToken) =>
        new CoreResult(await dispatcher.InvokeHttpAsync(TriggerTable.Manifest, request, cancellationToken));

    [Function("Readme")]
    public async Task<IActionResult> Readme(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "readme.md")] HttpRequest request,
        CancellationToken cancellationToken) =>
        new CoreResult(await dispatcher.InvokeHttpAsync(TriggerTable.Readme, request, cancellationToken));

    [Function("Schema")]
    public async Task<IActionResult> Schema(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "schema/{type}")] HttpRequest request,
        CancellationToken cancellationToken) =>
        new CoreResult(await dispatcher.InvokeHttpAsync(TriggerTable.Schema, request, cancellationToken));
}
