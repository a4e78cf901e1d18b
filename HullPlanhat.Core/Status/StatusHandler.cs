using System.Text.Json;
using HullPlanhat.Core.Hosting;
using HullPlanhat.Core.InternalApi;
using HullPlanhat.Core.Logging;
using HullPlanhat.Core.Planhat;
using HullPlanhat.Core.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HullPlanhat.Core.Status;

/// <summary>
/// <c>GET /status</c> (same auth as the internal API): the original's settings check, plus one
/// Planhat call that verifies the token; the result is PUT to Hull and returned.
/// </summary>
public sealed class StatusHandler(
    ConnectorAuthenticator authenticator,
    PlanhatTokenCheck tokenCheck,
    HullStatusReporter hull,
    IOptions<PlanhatOptions> planhatOptions,
    ILogger<StatusHandler> logger) : IHttpFunction
{
    public async Task<IResult> HandleAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var (connector, failure) = await authenticator.AuthenticateAsync(request, cancellationToken);
        if (connector is null)
        {
            return failure!;
        }

        using var scope = logger.ForConnector(connector.Id, connector.Organization);
        var status = await EvaluateAsync(connector, cancellationToken);
        logger.StatusEvaluated(status.Status, status.Messages.Count);
        try
        {
            await hull.ReportAsync(connector, status, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Hull not taking the status must not hide it from the caller.
            logger.StatusReportFailed(e.GetType().Name + ": " + e.Message);
        }

        return ApiResults.Json(StatusCodes.Status200OK, JsonSerializer.SerializeToUtf8Bytes(status, InternalApiJsonContext.Default.ConnectorStatus));
    }

    private async Task<ConnectorStatus> EvaluateAsync(ConnectorRecord connector, CancellationToken cancellationToken)
    {
        var status = StatusEvaluator.Evaluate(connector.Settings);
        if (PlanhatConnection.For(connector, planhatOptions.Value) is not { } connection)
        {
            return status;
        }

        var (level, message) = await tokenCheck.CheckAsync(connection, cancellationToken);
        return message is null ? status : new ConnectorStatus(
            ConnectorStatus.Name(StatusEvaluator.Max(StatusEvaluator.Parse(status.Status), level)),
            [.. status.Messages, message]);
    }
}
