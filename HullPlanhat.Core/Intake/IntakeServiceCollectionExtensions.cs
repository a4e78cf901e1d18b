using HullPlanhat.Core.Hosting;
using HullPlanhat.Core.Hull;
using HullPlanhat.Core.Status;
using Microsoft.Extensions.DependencyInjection;

namespace HullPlanhat.Core.Intake;

public static class IntakeServiceCollectionExtensions
{
    /// <summary>The notification intake's safeguards: replay guard, credential check, deferred split of large batches.</summary>
    public static IServiceCollection AddIntake(this IServiceCollection services)
    {
        services.AddOptions<HullApiOptions>().BindConfiguration("Hull");
        services.AddSingleton<NotificationReplayGuard>();
        services.AddSingleton<DeferredSplitter>();
        services.AddKeyedSingleton<IQueueFunction, SplitNotificationHandler>(TriggerTable.SplitNotification);

        // The organization comes from the request body: short timeout, no redirects.
        services.AddHttpClient<ConnectorCredentialVerifier>(c => c.Timeout = TimeSpan.FromSeconds(5))
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false });
        return services;
    }
}
