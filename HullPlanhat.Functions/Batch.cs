using HullPlanhat.Core.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace HullPlanhat.Functions;

/// <summary>A segment sent by hand: Hull posts the extract's URL; Core checks the query credentials and queues a job that imports the extract chunk by chunk.</summary>
public sealed class Batch(FunctionDispatcher dispatcher)
{
    [Function("Batch")]
    public async Task<IActionResult> Users(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "batch")] HttpRequest request,
        CancellationToken cancellationToken) =>
        new CoreResult(await dispatcher.InvokeHttpAsync(TriggerTable.Batch, request, cancellationToken));

    [Function("BatchAccounts")]
    public async Task<IActionResult> Accounts(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "batch-accounts")] HttpRequest request,
        CancellationToken cancellationToken) =>
        new CoreResult(await dispatcher.InvokeHttpAsync(TriggerTable.BatchAccounts, request, cancellationToken));

    [Function("ImportExtract")]
    public Task Import(
        [QueueTrigger("planhat-extracts", Connection = "AzureWebJobsStorage")] string message,
        CancellationToken cancellationToken) =>
        dispatcher.InvokeQueueAsync(TriggerTable.ImportExtract, message, cancellationToken);
}
