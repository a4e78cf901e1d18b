using System.Text.Json;
using HullPlanhat.Core.Hosting;
using HullPlanhat.Core.Intake;
using HullPlanhat.Core.InternalApi;
using HullPlanhat.Core.Logging;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HullPlanhat.Core.Batch;

/// <summary>
/// <c>POST /batch</c> and <c>POST /batch-accounts</c>: a user sent a segment to the connector by hand.
/// Hull's query credentials are checked as for <c>/status</c>, the extract URL against the trusted
/// hosts; then a job message goes on <c>planhat-extracts</c> and the answer goes back at once
/// (<see cref="ExtractJobHandler"/> streams the extract into the queues, surviving restarts).
/// </summary>
public sealed class BatchHandler(
    ExtractKind routeKind,
    ConnectorAuthenticator authenticator,
    ExtractJobHandler jobs,
    IOptions<ExtractOptions> options,
    ILogger<BatchHandler> logger) : IHttpFunction
{
    private const int MaxBodyBytes = 1024 * 1024;

    public async Task<IResult> HandleAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var (connector, failure) = await authenticator.AuthenticateAsync(request, cancellationToken);
        if (connector is null)
        {
            return failure!;
        }

        using var scope = logger.ForConnector(connector.Id, connector.Organization);
        var body = await RequestBodyReader.ReadAsync(request, MaxBodyBytes, cancellationToken);
        if (body is null)
        {
            return Reject(StatusCodes.Status413PayloadTooLarge, $"The batch request is larger than {MaxBodyBytes} bytes.");
        }

        BatchRequest? batch;
        try
        {
            batch = JsonSerializer.Deserialize(body, BatchJsonContext.Default.BatchRequest);
        }
        catch (JsonException e)
        {
            return Reject(StatusCodes.Status400BadRequest, $"Malformed JSON: {e.Message}");
        }

        if (batch?.Format is { } format && format != "json")
        {
            return Reject(StatusCodes.Status400BadRequest, $"Extract format '{format}' is not supported; ask for json.");
        }

        if (ExtractUrlPolicy.Check(batch?.Url, options.Value.TrustedHosts) is { } refused)
        {
            return Reject(StatusCodes.Status400BadRequest, refused);
        }

        // As hull-node: the body's object_type decides, the route only when it is absent.
        var kind = batch!.ObjectType switch
        {
            "account_report" => ExtractKind.Accounts,
            "user_report" => ExtractKind.Users,
            _ => routeKind,
        };
        var url = new Uri(batch.Url!);
        var objectType = kind == ExtractKind.Accounts ? "account" : "user";
        var segmentId = request.Query["segment_id"].ToString() is { Length: > 0 } s ? s : null;
        logger.BatchStarted(objectType, url.Host);
        await jobs.EnqueueAsync(connector.Id, kind, url, segmentId, cancellationToken);
        return Results.Json(new OkAnswer(true), BatchAnswerJsonContext.Default.OkAnswer);
    }

    private IResult Reject(int status, string reason)
    {
        logger.BatchRejected(status, reason);
        return ApiResults.Error(status, reason);
    }
}
