using HullPlanhat.Core.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace HullPlanhat.Functions;

/// <summary>Forgets stored hashes so the next run sends everything again. Anonymous at the Functions level: Core checks Basic auth + org itself.</summary>
public sealed class Resync(FunctionDispatcher dispatcher)
{
    [Function("Resync")]
    public async Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/resync")] HttpRequest request,
        CancellationToken cancellationToken) =>
        new CoreResult(await dispatcher.InvokeHttpAsync(TriggerTable.Resync, request, cancellationToken));
}
