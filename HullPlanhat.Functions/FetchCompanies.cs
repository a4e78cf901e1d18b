using HullPlanhat.Core.Hosting;
using Microsoft.Azure.Functions.Worker;

namespace HullPlanhat.Functions;

/// <summary>Pages Planhat companies into Hull; schedule from the app setting Schedules__FetchCompanies.</summary>
public sealed class FetchCompanies(FunctionDispatcher dispatcher)
{
    [Function("FetchCompanies")]
    public Task Run(
        [TimerTrigger("%Schedules__FetchCompanies%")] TimerInfo timer,
        CancellationToken cancellationToken) =>
        dispatcher.InvokeTimerAsync(TriggerTable.FetchCompanies, cancellationToken);
}
