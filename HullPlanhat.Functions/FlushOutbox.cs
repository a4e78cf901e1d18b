using HullPlanhat.Core.Hosting;
using Microsoft.Azure.Functions.Worker;

namespace HullPlanhat.Functions;

/// <summary>
/// Drains the outbox in bulk. The schedule is the app setting Schedules__FlushOutbox; the
/// Functions host runs a timer on one instance at a time.
/// </summary>
public sealed class FlushOutbox(FunctionDispatcher dispatcher)
{
    [Function("FlushOutbox")]
    public Task Run(
        [TimerTrigger("%Schedules__FlushOutbox%")] TimerInfo timer,
        CancellationToken cancellationToken) =>
        dispatcher.InvokeTimerAsync(TriggerTable.FlushOutbox, cancellationToken);
}
