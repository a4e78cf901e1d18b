using HullPlanhat.Core.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace HullPlanhat.Functions;

/// <summary>A Planhat Automation says a record changed; Core checks the secret and enqueues it, then forwards it to Hull.</summary>
public sealed class PlanhatWebhooks(FunctionDispatcher dispatcher)
{
    [Function("PlanhatWebhook")]
    public async Task<IActionResult> Receive(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "webhooks/planhat/{connectorId}")] HttpRequest request,
        CancellationToken cancellationToken) =>
        new CoreResult(await dispatcher.InvokeHttpAsync(TriggerTable.PlanhatWebhook, request, cancellationToken));

    [Function("IncomingWebhookObject")]
    public Task Forward(
        [QueueTrigger("planhat-webhooks", Connection = "AzureWebJobsStorage")] string message,
        CancellationToken cancellationToken) =>
        dispatcher.InvokeQueueAsync(TriggerTable.IncomingWebhookObject, message, cancellationToken);
}
