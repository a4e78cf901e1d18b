using Microsoft.Extensions.DependencyInjection;

namespace HullPlanhat.Core.Incoming;

public static class IncomingServiceCollectionExtensions
{
    /// <summary>Registers the Planhat → Hull fetch jobs (issue 5).</summary>
    public static IServiceCollection AddIncoming(this IServiceCollection services)
    {
        return services;
    }
}
