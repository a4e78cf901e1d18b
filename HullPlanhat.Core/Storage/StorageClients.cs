using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using HullPlanhat.Core.Hosting;
using Microsoft.Extensions.Configuration;

namespace HullPlanhat.Core.Storage;

/// <summary>
/// Clients for the one storage account (<c>AzureWebJobsStorage</c>): a connection string, or, as on
/// Azure with a managed identity, <c>AzureWebJobsStorage:accountName</c> / <c>…ServiceUri</c>.
/// Tables, containers and queues are created on first use; a failed attempt (storage not up yet)
/// is not remembered, so the next caller tries again.
/// </summary>
public sealed class StorageClients
{
    private readonly TableServiceClient tables;
    private readonly BlobServiceClient blobs;
    private readonly QueueServiceClient queues;
    private readonly Lock provisioning = new();
    private Task? provisioned;

    /// <param name="requests">Counts each request sent; none when null.</param>
    /// <param name="eachAttempt">A policy every attempt goes through, inside storage's retries (tests lose replies with it).</param>
    public StorageClients(IConfiguration configuration, StorageRequestMetrics? requests = null, HttpPipelinePolicy? eachAttempt = null)
    {
        var queueOptions = WithRetry(new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 }, requests?.For("queue"), eachAttempt);
        var tableOptions = WithRetry(new TableClientOptions(), requests?.For("table"), eachAttempt);
        var blobOptions = WithRetry(new BlobClientOptions(), requests?.For("blob"), eachAttempt);
        var connectionString = configuration["AzureWebJobsStorage"];
        if (!string.IsNullOrWhiteSpace(connectionString))
        {
            tables = new TableServiceClient(connectionString, tableOptions);
            blobs = new BlobServiceClient(connectionString, blobOptions);
            queues = new QueueServiceClient(connectionString, queueOptions);
        }
        else
        {
            var section = configuration.GetSection("AzureWebJobsStorage");
            var account = section["accountName"];
            Uri Endpoint(string key, string service) =>
                section[key] is { Length: > 0 } uri ? new Uri(uri)
                : account is { Length: > 0 } ? new Uri($"https://{account}.{service}.core.windows.net")
                : throw new InvalidOperationException("Set AzureWebJobsStorage (a connection string) or AzureWebJobsStorage:accountName.");
            TokenCredential credential = section["clientId"] is { Length: > 0 } clientId
                ? new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(clientId))
                : new DefaultAzureCredential();
            tables = new TableServiceClient(Endpoint("tableServiceUri", "table"), credential, tableOptions);
            blobs = new BlobServiceClient(Endpoint("blobServiceUri", "blob"), credential, blobOptions);
            queues = new QueueServiceClient(Endpoint("queueServiceUri", "queue"), credential, queueOptions);
        }
    }

    // Storage's own defaults keep retrying a refused connection for about a minute; callers that
    // can wait (queue messages reappear, the host retries provisioning) would rather hear sooner.
    private static T WithRetry<T>(T options, HttpPipelinePolicy? requestCounter, HttpPipelinePolicy? eachAttempt) where T : ClientOptions
    {
        foreach (var policy in new[] { requestCounter, eachAttempt }.OfType<HttpPipelinePolicy>())
        {
            options.AddPolicy(policy, HttpPipelinePosition.PerRetry);
        }

        options.Retry.Mode = RetryMode.Exponential;
        options.Retry.MaxRetries = 3;
        options.Retry.Delay = TimeSpan.FromMilliseconds(500);
        options.Retry.MaxDelay = TimeSpan.FromSeconds(8);
        return options;
    }

    public Task EnsureCreatedAsync()
    {
        lock (provisioning)
        {
            if (provisioned is null || provisioned.IsFaulted || provisioned.IsCanceled)
            {
                provisioned = ProvisionAsync();
            }

            return provisioned;
        }
    }

    /// <summary>True once every table, queue and container exists.</summary>
    public bool IsProvisioned => provisioned?.IsCompletedSuccessfully == true;

    public TableClient Table(string name) => tables.GetTableClient(name);

    public BlobContainerClient Container(string name) => blobs.GetBlobContainerClient(name);

    public QueueClient Queue(string name) => queues.GetQueueClient(name);

    private async Task ProvisionAsync()
    {
        string[] tableNames = [StorageNames.ConnectorsTable, StorageNames.OutboxTable, StorageNames.SyncStateTable,
            StorageNames.DeadLettersTable, StorageNames.JobsTable, StorageNames.HashesTable, StorageNames.PlanhatBudgetTable,
            StorageNames.ExtractJobsTable];
        var queueNames = TriggerTable.All.Where(t => t.Queue is not null).SelectMany(t => new[] { t.Queue!, StorageNames.PoisonQueue(t.Queue!) });
        await Task.WhenAll(
            tableNames.Select(n => Table(n).CreateIfNotExistsAsync())
                .Concat(queueNames.Select(n => (Task)Queue(n).CreateIfNotExistsAsync()))
                .Append(Container(StorageNames.ClaimCheckContainer).CreateIfNotExistsAsync())
                .Append(Container(StorageNames.LocksContainer).CreateIfNotExistsAsync()));
    }
}
