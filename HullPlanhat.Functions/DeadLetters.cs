using HullPlanhat.Core.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace HullPlanhat.Functions;

/// <summary>Dead letters and poison-queue messages: list, replay, delete. Anonymous at the Functions level: Core checks Basic auth + org itself.</summary>
public sealed class DeadLetters(FunctionDispatcher dispatcher)
{
    [Function("DeadLetters")]
    public async Task<IActionResult> List(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/deadletters")] HttpRequest request,
        CancellationToken cancellationToken) =>
        new CoreResult(await dispatcher.InvokeHttpAsync(TriggerTable.DeadLetters, request, cancellationToken));

    [Function("DeadLettersReplay")]
    public async Task<IActionResult> Replay(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/deadletters/replay")] HttpRequest request,
        CancellationToken cancellationToken) =>
        new CoreResult(await dispatcher.InvokeHttpAsync(TriggerTable.DeadLettersReplay, request, cancellationToken));

    [Function("DeadLetterDelete")]
    public async Task<IActionResult> Delete(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "api/deadletters/{id}")] HttpRequest request,
        CancellationToken cancellationToken) =>
        new CoreResult(await dispatcher.InvokeHttpAsync(TriggerTable.DeadLetterDelete, request, cancellationToken));

    [Function("PoisonMessages")]
    public async Task<IActionResult> PoisonList(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/poison")] HttpRequest request,
        CancellationToken cancellationToken) =>
        new CoreResult(await dispatcher.InvokeHttpAsync(TriggerTable.PoisonMessages, request, cancellationToken));

    [Function("PoisonReplay")]
    public async Task<IActionResult> PoisonReplay(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/poison/replay")] HttpRequest request,
        CancellationToken cancellationToken) =>
        new CoreResult(await dispatcher.InvokeHttpAsync(TriggerTable.PoisonReplay, request, cancellationToken));

    [Function("PoisonDelete")]
    public async Task<IActionResult> PoisonDelete(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "api/poison/{id}")] HttpRequest request,
        CancellationToken cancellationToken) =>
        new CoreResult(await dispatcher.InvokeHttpAsync(TriggerTable.PoisonDelete, request, cancellationToken));
}
