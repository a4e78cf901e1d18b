using HullPlanhat.Core.Hosting;
using Microsoft.Azure.Functions.Worker;

namespace HullPlanhat.Functions;

/// <summary>Purges expired notification ids and finished batch jobs; schedule from the app setting Schedules__Housekeeping.</summary>
public sealed class Housekeeping(FunctionDispatcher dispatcher)
{
    [Function("Housekeeping")]
    public Task Run(
        [TimerTrigger("%Schedules__Housekeeping%")] TimerInfo timer,
        CancellationToken cancellationToken) =>
        dispatcher.InvokeTimerAsync(TriggerTable.Housekeeping, cancellationToken);
}
