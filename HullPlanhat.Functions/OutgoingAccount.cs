using HullPlanhat.Core.Hosting;
using Microsoft.Azure.Functions.Worker;

namespace HullPlanhat.Functions;

/// <summary>One Hull account per message; a throw leaves it for retry, then the poison queue.</summary>
public sealed class OutgoingAccount(FunctionDispatcher dispatcher)
{
    [Function("OutgoingAccount")]
    public Task Run(
        [QueueTrigger("planhat-accounts", Connection = "AzureWebJobsStorage")] string message,
        CancellationToken cancellationToken) =>
        dispatcher.InvokeQueueAsync(TriggerTable.OutgoingAccount, message, cancellationToken);
}
