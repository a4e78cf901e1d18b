using HullPlanhat.Core.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace HullPlanhat.Functions;

/// <summary>Hull's notification endpoint: intake only, the work happens behind the queues.</summary>
public sealed class SmartNotifier(FunctionDispatcher dispatcher)
{
    [Function("SmartNotifier")]
    public async Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "smart-notifier")] HttpRequest request,
        CancellationToken cancellationToken) =>
        new CoreResult(await dispatcher.InvokeHttpAsync(TriggerTable.SmartNotifier, request, cancellationToken));
}
