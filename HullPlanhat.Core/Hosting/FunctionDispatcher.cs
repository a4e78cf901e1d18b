using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace HullPlanhat.Core.Hosting;

/// <summary>
/// Resolves a function of <see cref="TriggerTable"/> by name and runs it. Both hosts go through
/// here, so a trigger class is one line whatever the host.
/// </summary>
public sealed class FunctionDispatcher(IServiceProvider services)
{
    public Task<IResult> InvokeHttpAsync(string name, HttpRequest request, CancellationToken cancellationToken) =>
        services.GetRequiredKeyedService<IHttpFunction>(name).HandleAsync(request, cancellationToken);

    public Task InvokeQueueAsync(string name, string messageText, CancellationToken cancellationToken) =>
        services.GetRequiredKeyedService<IQueueFunction>(name).HandleAsync(messageText, cancellationToken);

    public Task InvokeTimerAsync(string name, CancellationToken cancellationToken) =>
        services.GetRequiredKeyedService<ITimerFunction>(name).RunAsync(cancellationToken);
}
