using System.Text.Json;
using Azure.Data.Tables;
using HullPlanhat.Core.Hosting;
using HullPlanhat.Core.InternalApi;
using HullPlanhat.Core.Logging;
using HullPlanhat.Core.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace HullPlanhat.Core.Status;

/// <summary><c>GET /health</c>: unauthenticated liveness plus storage provisioned and one cheap table read; no settings, no secrets.</summary>
public sealed class HealthHandler(StorageClients storage, ILogger<HealthHandler> logger) : IHttpFunction
{
    public static readonly TimeSpan StorageTimeout = TimeSpan.FromSeconds(5);

    public async Task<IResult> HandleAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var reachable = await StorageReachableAsync(cancellationToken);
        var body = new HealthBody(reachable ? "healthy" : "unhealthy", reachable ? "reachable" : "unreachable");
        return ApiResults.Json(reachable ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable,
            JsonSerializer.SerializeToUtf8Bytes(body, InternalApiJsonContext.Default.HealthBody));
    }

    private async Task<bool> StorageReachableAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(StorageTimeout);
        try
        {
            // Provisioning is retried here too (never cached as failed), so health turns green only when requests can be served.
            await storage.EnsureCreatedAsync().WaitAsync(timeout.Token);
            var pages = storage.Table(StorageNames.ConnectorsTable)
                .QueryAsync<TableEntity>(filter: "PartitionKey eq 'health-probe'", maxPerPage: 1, select: ["PartitionKey"], cancellationToken: timeout.Token)
                .AsPages();
            await foreach (var _ in pages.WithCancellation(timeout.Token))
            {
                break;
            }

            return true;
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            logger.HealthCheckFailed(e.GetType().Name);
            return false;
        }
    }
}
