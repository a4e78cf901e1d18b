using HullPlanhat.Core.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace HullPlanhat.Functions;

/// <summary>Recorded outbox flushes and imports, and their row-level errors. Anonymous at the Functions level: Core checks Basic auth + org itself.</summary>
public sealed class RunHistory(FunctionDispatcher dispatcher)
{
    [Function("Runs")]
    public async Task<IActionResult> List(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/runs")] HttpRequest request,
        CancellationToken cancellationToken) =>
        new CoreResult(await dispatcher.InvokeHttpAsync(TriggerTable.Runs, request, cancellationToken));

    [Function("RunErrors")]
    public async Task<IActionResult> Errors(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/runs/{runId}/errors")] HttpRequest request,
        CancellationToken cancellationToken) =>
        new CoreResult(await dispatcher.InvokeHttpAsync(TriggerTable.RunErrors, request, cancellationToken));
}
