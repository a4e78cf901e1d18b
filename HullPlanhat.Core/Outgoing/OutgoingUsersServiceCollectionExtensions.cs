using HullPlanhat.Core.Hosting;
using HullPlanhat.Core.Outgoing.Users;
using Microsoft.Extensions.DependencyInjection;

namespace HullPlanhat.Core.Outgoing;

public static class OutgoingUsersServiceCollectionExtensions
{
    /// <summary>Registers the user → enduser flow and events (issue 4).</summary>
    public static IServiceCollection AddOutgoingUsers(this IServiceCollection services)
    {
        services.AddSingleton<EnduserOutbox>();
        services.AddSingleton<SentEventLedger>();
        services.AddSingleton<SentEventExpiry>();
        services.AddSingleton<EnduserUpserter>();
        services.AddSingleton<ActivityPoster>();
        services.AddSingleton<EnduserFlusher>();
        services.AddSingleton<EventFlusher>();
        services.AddKeyedSingleton<IQueueFunction, OutgoingUserHandler>(TriggerTable.OutgoingUser);
        return services;
    }
}
