using HullPlanhat.Core.Hosting;
using HullPlanhat.Core.Status;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Polly;

namespace HullPlanhat.Core.InternalApi;

public static class InternalApiServiceCollectionExtensions
{
    /// <summary>Registers the internal users API, status and health (issue 6).</summary>
    public static IServiceCollection AddInternalApi(this IServiceCollection services)
    {
        services.AddOptions<HullApiOptions>().BindConfiguration("Hull");
        services.AddSingleton<ConnectorAuthenticator>();
        services.AddSingleton<InternalUsersApi>();
        services.AddSingleton<PlanhatTokenCheck>();
        services.AddHttpClient<HullStatusReporter>(c => c.Timeout = Timeout.InfiniteTimeSpan)
            .AddResilienceHandler("hull-status", builder =>
            {
                builder.AddRetry(new HttpRetryStrategyOptions { MaxRetryAttempts = 2, BackoffType = DelayBackoffType.Exponential, UseJitter = true, Delay = TimeSpan.FromMilliseconds(500) });
                builder.AddTimeout(TimeSpan.FromSeconds(10));
            });

        AddRoute(services, TriggerTable.InternalUsersList, api => api.ListAsync);
        AddRoute(services, TriggerTable.InternalUsersGet, api => api.GetAsync);
        AddRoute(services, TriggerTable.InternalUsersCreate, api => api.CreateAsync);
        AddRoute(services, TriggerTable.InternalUsersUpdate, api => api.UpdateAsync);
        services.AddKeyedSingleton<IHttpFunction, StatusHandler>(TriggerTable.Status);
        services.AddKeyedSingleton<IHttpFunction, HealthHandler>(TriggerTable.Health);
        return services;
    }

    private static void AddRoute(IServiceCollection services, string name,
        Func<InternalUsersApi, Func<Microsoft.AspNetCore.Http.HttpRequest, CancellationToken, Task<Microsoft.AspNetCore.Http.IResult>>> route) =>
        services.AddKeyedSingleton<IHttpFunction>(name, (sp, _) => new DelegateHttpFunction(route(sp.GetRequiredService<InternalUsersApi>())));
}
