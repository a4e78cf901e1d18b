using System.Text.Json;
using HullPlanhat.Core.Hosting;
using HullPlanhat.Core.Intake;
using HullPlanhat.Core.InternalApi;
using HullPlanhat.Core.Logging;
using HullPlanhat.Core.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HullPlanhat.Core.TwoWay;

/// <summary>
/// <c>POST /webhooks/planhat/{connectorId}?secret=…</c>: a Planhat Automation says a company or
/// enduser changed. The secret must equal the connector's <c>planhat_webhook_secret</c> (else 401,
/// nothing enqueued); the body must name the records (else 400 with the reason); each is enqueued
/// on <c>planhat-webhooks</c> and answered 202 at once. The secret is never logged.
/// </summary>
public sealed class PlanhatWebhookHandler(
    ConnectorRegistry connectors,
    StorageClients storage,
    IOptions<TwoWayOptions> options,
    TimeProvider clock,
    ILogger<PlanhatWebhookHandler> logger) : IHttpFunction
{
    public const string ConnectorRouteValue = "connectorId";
    public const string SecretHeader = "X-Webhook-Secret";
    private const int MaxBodyBytes = 1024 * 1024;
    private const string Refused = "A valid secret is required (?secret= with the connector's planhat_webhook_secret).";

    public async Task<IResult> HandleAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var connectorId = request.RouteValues[ConnectorRouteValue]?.ToString();
        var given = request.Query["secret"].ToString() is { Length: > 0 } query ? query : request.Headers[SecretHeader].ToString();
        var connector = connectorId is { Length: > 0 and <= 128 } ? await connectors.FindAsync(connectorId, cancellationToken) : null;
        if (connector is null)
        {
            return Reject(StatusCodes.Status401Unauthorized, Refused, "Unknown connector.");
        }

        using var scope = logger.ForConnector(connector.Id, connector.Organization);
        var expected = connector.Settings.PlanhatWebhookSecret;
        if (!WebhookSecret.Matches(expected, given))
        {
            return Reject(StatusCodes.Status401Unauthorized, Refused,
                string.IsNullOrWhiteSpace(expected) ? "The connector has no planhat_webhook_secret." : "Wrong or missing secret.");
        }

        var body = await RequestBodyReader.ReadAsync(request, MaxBodyBytes, cancellationToken);
        if (body is null)
        {
            return Reject(StatusCodes.Status413PayloadTooLarge, $"The webhook body is larger than {MaxBodyBytes} bytes.");
        }

        var (objects, error) = PlanhatWebhookPayload.Parse(body, request.Query["model"].ToString());
        if (error is not null)
        {
            return Reject(StatusCodes.Status400BadRequest, error);
        }

        var receivedAt = clock.GetUtcNow();
        await storage.EnsureCreatedAsync();
        var queue = storage.Queue(TriggerTable.WebhooksQueue);
        // Tiny messages (no claim check), visible after the delay that lets our own flush record its write first.
        await Parallel.ForEachAsync(objects, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken }, async (changed, ct) =>
            await queue.SendMessageAsync(JsonSerializer.Serialize(
                new WebhookObjectMessage(connector.Id, changed.Kind.Name, changed.PlanhatId, receivedAt), TwoWayJsonContext.Default.WebhookObjectMessage),
                visibilityTimeout: options.Value.WebhookDelay, cancellationToken: ct));
        logger.WebhookAccepted(objects.Count);
        return Results.Json(new OkAnswer(true), BatchAnswerJsonContext.Default.OkAnswer, statusCode: StatusCodes.Status202Accepted);
    }

    private IResult Reject(int status, string reason, string? logged = null)
    {
        logger.WebhookRejected(status, logged ?? reason);
        return ApiResults.Error(status, reason);
    }
}
