using System.Text.Json;
using HullPlanhat.Core.Hosting;
using HullPlanhat.Core.Hull;
using HullPlanhat.Core.Logging;
using HullPlanhat.Core.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HullPlanhat.Core.Intake;

/// <summary>
/// <c>POST /smart-notifier</c>: verify, remember the connector's settings, split the batch into one
/// queue message per object, and answer Hull's flow control. No Planhat I/O happens here.
/// </summary>
public sealed class SmartNotifierHandler(
    SignatureVerifier signatures,
    ConnectorRegistry connectors,
    QueueWriter queues,
    IOptions<HullOptions> hullOptions,
    IOptions<FlowControlOptions> flowControl,
    TimeProvider clock,
    ILogger<SmartNotifierHandler> logger) : IHttpFunction
{
    private const int EnqueueParallelism = 16;

    public async Task<IResult> HandleAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var body = await RequestBodyReader.ReadAsync(request, hullOptions.Value.MaxBodyBytes, cancellationToken);
        if (body is null)
        {
            return Reject(StatusCodes.Status413PayloadTooLarge, $"The notification is larger than {hullOptions.Value.MaxBodyBytes} bytes.", FlowControlOptions.RetrySmaller);
        }

        HullNotification? notification;
        try
        {
            notification = JsonSerializer.Deserialize(body, CoreJsonContext.Default.HullNotification);
        }
        catch (JsonException e)
        {
            return Reject(StatusCodes.Status400BadRequest, $"Malformed JSON: {e.Message}");
        }

        if (notification?.Configuration is not { Id.Length: > 0, Organization.Length: > 0, Secret.Length: > 0 } configuration)
        {
            return Reject(StatusCodes.Status400BadRequest, "The notification has no configuration (id, organization, secret).");
        }

        if (hullOptions.Value.VerifySignature)
        {
            var check = await signatures.VerifyAsync(request.Headers, notification.NotificationId, cancellationToken);
            if (!check.IsValid)
            {
                return Reject(StatusCodes.Status400BadRequest, check.Error!);
            }
        }

        using var scope = logger.ForConnector(configuration.Id, configuration.Organization);
        try
        {
            await connectors.SaveAsync(new ConnectorRecord(
                configuration.Id, configuration.Organization, configuration.Secret, notification.Connector?.Name,
                notification.Connector?.PrivateSettings ?? [], clock.GetUtcNow()), cancellationToken);

            if (notification.Channel is not (HullChannels.UserUpdate or HullChannels.AccountUpdate))
            {
                logger.NotificationAccepted(notification.Channel ?? "(none)", notification.Messages?.Count ?? 0, 0);
                return Answer(StatusCodes.Status200OK, FlowControlOptions.Unsupported, []);
            }

            var messages = NotificationSplitter.Split(notification, configuration.Id).ToList();
            await Parallel.ForEachAsync(messages, new ParallelOptions { MaxDegreeOfParallelism = EnqueueParallelism, CancellationToken = cancellationToken },
                async (message, ct) => await queues.SendAsync(message.Queue, message.Json, ct));

            logger.NotificationAccepted(notification.Channel, notification.Messages?.Count ?? 0, messages.Count);
            return Answer(StatusCodes.Status200OK, flowControl.Value.Next(notification.Channel), []);
        }
        catch (Exception e) when (e is Azure.RequestFailedException or HttpRequestException or IOException)
        {
            // Storage is unreachable: nothing may be lost, so Hull must send this batch again.
            logger.NotificationFailed(e, "Could not store the notification; asking Hull to retry.");
            return Answer(StatusCodes.Status503ServiceUnavailable, FlowControlOptions.Retry, ["Temporary storage failure; retry."]);
        }
    }

    private IResult Reject(int status, string reason, FlowControl? flow = null)
    {
        logger.NotificationRejected(status, reason);
        return Answer(status, flow ?? FlowControlOptions.Retry, [reason]);
    }

    private static IResult Answer(int status, FlowControl flow, IReadOnlyList<string> errors) =>
        Results.Json(new SmartNotifierResponse(flow, [], errors), CoreJsonContext.Default.SmartNotifierResponse, statusCode: status);
}
