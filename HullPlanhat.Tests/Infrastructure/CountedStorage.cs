using System.Diagnostics.Metrics;
using HullPlanhat.Core.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace HullPlanhat.Tests.Infrastructure;

/// <summary>Storage clients of their own, whose requests (and only theirs) are counted from creation (or the last <see cref="Reset"/>) on.</summary>
public sealed class CountedStorage : IDisposable
{
    private readonly ServiceProvider services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly StorageRequestTally tally;

    public CountedStorage(string connectionString)
    {
        var meters = services.GetRequiredService<IMeterFactory>();
        tally = new StorageRequestTally(meters);
        Clients = new StorageClients(new ConfigurationBuilder().AddInMemoryCollection([new("AzureWebJobsStorage", connectionString)]).Build(), new StorageRequestMetrics(meters));
    }

    /// <summary>On the product's storage account (its Azurite).</summary>
    public static CountedStorage Of(ProductFixture product) => new(product.Services.GetRequiredService<IConfiguration>()["AzureWebJobsStorage"]!);

    public StorageClients Clients { get; }

    public long Count(string service, string operation) => tally.Count(service, operation);

    /// <summary>Forgets what was counted so far (a test's seeding), to count only what follows.</summary>
    public void Reset() => tally.Reset();

    public long Count(string service, string operation, string table) => tally.Count(service, operation, table);

    public void Dispose()
    {
        tally.Dispose();
        services.Dispose();
    }
}
