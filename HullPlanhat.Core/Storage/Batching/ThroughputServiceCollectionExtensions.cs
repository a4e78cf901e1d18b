using Microsoft.Extensions.DependencyInjection;

namespace HullPlanhat.Core.Storage.Batching;

public static class ThroughputServiceCollectionExtensions
{
    /// <summary>Throughput at scale (issue 13): storage requests counted, rows group-committed, back-pressure on Hull.</summary>
    public static IServiceCollection AddThroughput(this IServiceCollection services)
    {
        services.AddSingleton<StorageRequestMetrics>();
        services.AddSingleton<TableGroupCommit>();
        services.AddSingleton<Intake.QueueBackPressure>();
        return services;
    }
}
