using Microsoft.Extensions.DependencyInjection;

namespace HullPlanhat.Core.Storage.Batching;

public static class StorageBatchingServiceCollectionExtensions
{
    /// <summary>Per-object storage cost (issue 13): request counting, batched point reads, group commit of rows.</summary>
    public static IServiceCollection AddStorageBatching(this IServiceCollection services)
    {
        services.AddSingleton<StorageRequestMetrics>();
        services.AddSingleton<TableBatchReader>();
        services.AddSingleton<TableGroupCommit>();
        return services;
    }
}
