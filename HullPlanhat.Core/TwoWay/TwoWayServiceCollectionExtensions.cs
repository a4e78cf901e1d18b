using HullPlanhat.Core.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace HullPlanhat.Core.TwoWay;

public static class TwoWayServiceCollectionExtensions
{
    /// <summary>Registers echo suppression and the Planhat webhook (issue 16).</summary>
    public static IServiceCollection AddTwoWay(this IServiceCollection services)
    {
        services.AddOptions<TwoWayOptions>().BindConfiguration("TwoWay");
        services.AddSingleton<EchoRecorder>();
        services.AddSingleton<ImportedState>();
        services.AddKeyedSingleton<IHttpFunction, PlanhatWebhookHandler>(TriggerTable.PlanhatWebhook);
        services.AddKeyedSingleton<IQueueFunction, WebhookObjectImporter>(TriggerTable.IncomingWebhookObject);
        return services;
    }
}
