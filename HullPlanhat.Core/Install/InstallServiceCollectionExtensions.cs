using HullPlanhat.Core.Batch;
using HullPlanhat.Core.Hosting;
using HullPlanhat.Core.Incoming;
using Microsoft.Extensions.DependencyInjection;

namespace HullPlanhat.Core.Install;

public static class InstallServiceCollectionExtensions
{
    /// <summary>
    /// The routes Hull needs to install and drive the connector (issue 11): manifest and readme, schema
    /// options, on-demand fetches, batch extracts.
    /// </summary>
    public static IServiceCollection AddHullInstallRoutes(this IServiceCollection services)
    {
        services.AddOptions<ExtractOptions>().BindConfiguration("Hull");
        services.AddSingleton<BackgroundWork>();

        // The extract URL comes from the request body: trusted hosts only (checked before), no redirects elsewhere.
        services.AddHttpClient<ExtractImporter>(c => c.Timeout = TimeSpan.FromSeconds(30))
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false });

        services.AddSingleton<ExtractJobStore>();
        services.AddSingleton<ExtractBackPressure>();
        services.AddSingleton<ExtractJobHandler>();
        services.AddKeyedSingleton<IQueueFunction>(TriggerTable.ImportExtract, (sp, _) => sp.GetRequiredService<ExtractJobHandler>());
        services.AddKeyedSingleton<IHttpFunction>(TriggerTable.Manifest, (_, _) => ManifestHandler.Manifest());
        services.AddKeyedSingleton<IHttpFunction>(TriggerTable.Readme, (_, _) => ManifestHandler.Readme());
        services.AddKeyedSingleton<IHttpFunction, SchemaHandler>(TriggerTable.Schema);
        services.AddKeyedSingleton<IHttpFunction>(TriggerTable.FetchAccountsNow,
            (sp, _) => ActivatorUtilities.CreateInstance<FetchNowHandler>(sp, IncomingKind.Companies));
        services.AddKeyedSingleton<IHttpFunction>(TriggerTable.FetchUsersNow,
            (sp, _) => ActivatorUtilities.CreateInstance<FetchNowHandler>(sp, IncomingKind.Endusers));
        services.AddKeyedSingleton<IHttpFunction>(TriggerTable.Batch,
            (sp, _) => ActivatorUtilities.CreateInstance<BatchHandler>(sp, ExtractKind.Users));
        services.AddKeyedSingleton<IHttpFunction>(TriggerTable.BatchAccounts,
            (sp, _) => ActivatorUtilities.CreateInstance<BatchHandler>(sp, ExtractKind.Accounts));
        return services;
    }
}
