using HullPlanhat.Core.Hosting;
using Microsoft.Azure.Functions.Worker;

namespace HullPlanhat.Functions;

/// <summary>Pages Planhat endusers into Hull; schedule from the app setting Schedules__FetchEndusers.</summary>
public sealed class FetchEndusers(FunctionDispatcher dispatcher)
{
    [Function("FetchEndusers")]
    public Task Run(
        [TimerTrigger("%Schedules__FetchEndusers%")] TimerInfo timer,
        CancellationToken cancellationToken) =>
        dispatcher.InvokeTimerAsync(TriggerTable.FetchEndusers, cancellationToken);
}
