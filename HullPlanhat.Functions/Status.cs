using HullPlanhat.Core.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace HullPlanhat.Functions;

/// <summary>Settings / credentials check for Hull, plus a plain liveness probe.</summary>
public sealed class Status(FunctionDispatcher dispatcher)
{
    [Function("Status")]
    public async Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "post", Route = "status")] HttpRequest request,
        CancellationToken cancellationToken) =>
        new CoreResult(await dispatcher.InvokeHttpAsync(TriggerTable.Status, request, cancellationToken));

    [Function("Health")]
    public async Task<IActionResult> Health(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "health")] HttpRequest request,
        CancellationToken cancellationToken) =>
        new CoreResult(await dispatcher.InvokeHttpAsync(TriggerTable.Health, request, cancellationToken));
}
