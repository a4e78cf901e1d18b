using HullPlanhat.Core.Batch;
using HullPlanhat.Core.Hosting;
using HullPlanhat.Core.Hull;
using HullPlanhat.Core.Incoming;
using Microsoft.Extensions.DependencyInjection;

namespace HullPlanhat.Core.Housekeeping;

public static class HousekeepingServiceCollectionExtensions
{
    /// <summary>Registers the purges that keep state tables bounded, and the <c>Housekeeping</c> timer.</summary>
    public static IServiceCollection AddHousekeeping(this IServiceCollection services)
    {
        services.AddOptions<HousekeepingOptions>().BindConfiguration("Housekeeping");
        services.AddSingleton<NotificationIdPurge>();
        services.AddSingleton<ExtractJobPurge>();
        services.AddSingleton<UnseenHashPurge>();
        services.AddKeyedSingleton<ITimerFunction, HousekeepingFunction>(TriggerTable.Housekeeping);
        return services;
    }
}
