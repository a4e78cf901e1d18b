using HullPlanhat.Core.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace HullPlanhat.Functions;

/// <summary>Dry runs: what the connector would send to Planhat, or import into Hull, without writing anything. Anonymous at the Functions level: Core checks Basic auth + org itself.</summary>
public sealed class Preview(FunctionDispatcher dispatcher)
{
    [Function("Preview")]
    public async Task<IActionResult> Outgoing(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/preview")] HttpRequest request,
        CancellationToken cancellationToken) =>
        new CoreResult(await dispatcher.InvokeHttpAsync(TriggerTable.Preview, request, cancellationToken));

    [Function("PreviewIncoming")]
    public async Task<IActionResult> Incoming(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/preview/incoming")] HttpRequest request,
        CancellationToken cancellationToken) =>
        new CoreResult(await dispatcher.InvokeHttpAsync(TriggerTable.PreviewIncoming, request, cancellationToken));
}
