using HullPlanhat.Core.Hosting;
using Microsoft.Azure.Functions.Worker;

namespace HullPlanhat.Functions;

/// <summary>One Hull user per message; a throw leaves it for retry, then the poison queue.</summary>
public sealed class OutgoingUser(FunctionDispatcher dispatcher)
{
    [Function("OutgoingUser")]
    public Task Run(
        [QueueTrigger("planhat-users", Connection = "AzureWebJobsStorage")] string message,
        CancellationToken cancellationToken) =>
        dispatcher.InvokeQueueAsync(TriggerTable.OutgoingUser, message, cancellationToken);
}
