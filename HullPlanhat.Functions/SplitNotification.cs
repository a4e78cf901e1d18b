using HullPlanhat.Core.Hosting;
using Microsoft.Azure.Functions.Worker;

namespace HullPlanhat.Functions;

/// <summary>One large notification per message (a claim check): fanned out into per-object messages.</summary>
public sealed class SplitNotification(FunctionDispatcher dispatcher)
{
    [Function("SplitNotification")]
    public Task Run(
        [QueueTrigger("planhat-intake", Connection = "AzureWebJobsStorage")] string message,
        CancellationToken cancellationToken) =>
        dispatcher.InvokeQueueAsync(TriggerTable.SplitNotification, message, cancellationToken);
}
