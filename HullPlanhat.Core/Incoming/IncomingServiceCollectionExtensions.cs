using HullPlanhat.Core.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace HullPlanhat.Core.Incoming;

public static class IncomingServiceCollectionExtensions
{
    /// <summary>Registers the Planhat → Hull fetch jobs (issue 5).</summary>
    public static IServiceCollection AddIncoming(this IServiceCollection services)
    {
        services.AddOptions<IncomingOptions>().BindConfiguration("Incoming").ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<JobStore>();
        services.AddSingleton<HashStore>();
        services.AddSingleton<PageDigests>();
        services.AddSingleton<PageImporter>();
        services.AddSingleton<IncomingJobRunner>();
        services.AddKeyedSingleton<ITimerFunction>(TriggerTable.FetchCompanies,
            (sp, _) => ActivatorUtilities.CreateInstance<IncomingFetchFunction>(sp, IncomingKind.Companies));
        services.AddKeyedSingleton<ITimerFunction>(TriggerTable.FetchEndusers,
            (sp, _) => ActivatorUtilities.CreateInstance<IncomingFetchFunction>(sp, IncomingKind.Endusers));
        return services;
    }
}
