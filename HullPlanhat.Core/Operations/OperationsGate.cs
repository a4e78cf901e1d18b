using System.Text.Json.Nodes;
using HullPlanhat.Core.InternalApi;
using HullPlanhat.Core.Logging;
using HullPlanhat.Core.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace HullPlanhat.Core.Operations;

/// <summary>
/// The door of every operator route: the internal API's authentication (Basic connector id +
/// secret and <c>?org=</c>, or Hull's <c>?organization=&amp;ship=&amp;secret=</c>; 400/401/403), the
/// connector's log scope, one <c>connector.operations.request</c> line and a count per request.
/// </summary>
public sealed class OperationsGate(ConnectorAuthenticator authenticator, OperationsMetrics metrics, ILogger<OperationsGate> logger)
{
    public async Task<IResult> HandleAsync(HttpRequest request, string action, Func<ConnectorRecord, Task<IResult>> handle, CancellationToken cancellationToken)
    {
        var (connector, failure) = await authenticator.AuthenticateAsync(request, cancellationToken);
        if (connector is null)
        {
            metrics.Request(action, StatusOf(failure!));
            return failure!;
        }

        using var scope = logger.ForConnector(connector.Id, connector.Organization);
        IResult result;
        try
        {
            result = await handle(connector);
        }
        catch (Planhat.PlanhatApiException e)
        {
            // A read Planhat refused (a preview): its status and message, as the internal API passes them on.
            logger.OperationsFailed(action, $"Planhat answered {(int)e.Status}.");
            result = PlanhatAnswer.FromError(e.Status, e.Body);
        }
        catch (Exception e) when (e is Azure.RequestFailedException or HttpRequestException or TimeoutException or Polly.Timeout.TimeoutRejectedException
            || (e is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            logger.OperationsFailed(action, e.GetType().Name + ": " + e.Message);
            result = ApiResults.Error(StatusCodes.Status503ServiceUnavailable, $"{action} could not finish: {e.GetType().Name}. Retry later.");
        }

        var status = StatusOf(result);
        logger.OperationsRequested(action, status);
        metrics.Request(action, status);
        return result;
    }

    public static int StatusOf(IResult result) => result switch
    {
        JsonBytesResult json => json.StatusCode,
        IStatusCodeHttpResult { StatusCode: { } status } => status,
        _ => StatusCodes.Status200OK,
    };

    public static IResult Json(JsonNode body, int status = StatusCodes.Status200OK) => ApiResults.Json(status, System.Text.Encoding.UTF8.GetBytes(body.ToJsonString()));

    public static IResult BadRequest(string message) => ApiResults.Error(StatusCodes.Status400BadRequest, message);

    public static IResult NotFound(string message) => ApiResults.Error(StatusCodes.Status404NotFound, message);

    /// <summary><c>?limit=</c> within 1..max (default 50).</summary>
    public static int Limit(HttpRequest request, int max, int fallback = 50) =>
        int.TryParse(request.Query["limit"].ToString(), out var limit) ? Math.Clamp(limit, 1, max) : fallback;
}
