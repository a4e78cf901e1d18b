using HullPlanhat.Core.Hosting;
using HullPlanhat.Core.Hull;
using HullPlanhat.Core.Logging;
using HullPlanhat.Core.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HullPlanhat.Core.Intake;

/// <summary>
/// <c>POST /smart-notifier</c>: verify the signature, refuse replays, confirm the connector's
/// credentials with Hull before storing them, split the batch into one queue message per object,
/// and answer Hull's flow control. No Planhat I/O happens here.
/// Answers: permanent problems of the whole notification get a 4xx with <c>next</c> (a resend would
/// fail the same way); only transient failures get <c>retry</c>; bad elements are skipped with a
/// logged reason while the rest of the batch is enqueued.
/// </summary>
public sealed class SmartNotifierHandler(
    SignatureVerifier signatures,
    NotificationReplayGuard replays,
    ConnectorCredentialVerifier credentials,
    ConnectorRegistry connectors,
    DeferredSplitter splitter,
    QueueBackPressure backPressure,
    IOptions<HullOptions> hullOptions,
    IOptions<FlowControlOptions> flowControl,
    TimeProvider clock,
    ILogger<SmartNotifierHandler> logger) : IHttpFunction
{
    private const int MaxErrorsAnswered = 20;

    public async Task<IResult> HandleAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var body = await RequestBodyReader.ReadAsync(request, hullOptions.Value.MaxBodyBytes, cancellationToken);
        if (body is null)
        {
            return Reject(StatusCodes.Status413PayloadTooLarge, $"The notification is larger than {hullOptions.Value.MaxBodyBytes} bytes.", FlowControlOptions.RetrySmaller);
        }

        var parsed = NotificationParser.Parse(body);
        if (parsed.Repaired)
        {
            logger.NotificationRepaired("The body was not valid UTF-8; invalid bytes were replaced with U+FFFD.");
        }

        if (parsed.Notification is not { } notification)
        {
            return Reject(StatusCodes.Status400BadRequest, parsed.Error!);
        }

        if (notification.Configuration is not { Id.Length: > 0, Organization.Length: > 0, Secret.Length: > 0 } configuration)
        {
            return Reject(StatusCodes.Status400BadRequest, "The notification has no configuration (id, organization, secret).");
        }

        string? jti = null;
        var expires = DateTimeOffset.MinValue;
        if (hullOptions.Value.VerifySignature)
        {
            var check = await signatures.VerifyAsync(request.Headers, notification.NotificationId, cancellationToken);
            if (check.IsTransient)
            {
                return Reject(StatusCodes.Status503ServiceUnavailable, check.Error!, FlowControlOptions.Retry);
            }

            if (!check.IsValid)
            {
                // As Hull's own smart-notifier middleware answers: a signature can fail while a key rotates.
                return Reject(StatusCodes.Status400BadRequest, check.Error!, FlowControlOptions.Retry);
            }

            (jti, expires) = (notification.NotificationId!, check.Expires);
        }

        using var scope = logger.ForConnector(configuration.Id, configuration.Organization);
        var claimed = false;
        try
        {
            if (jti is not null)
            {
                switch (await replays.ClaimAsync(jti, expires, cancellationToken))
                {
                    case ReplayClaim.AlreadyAccepted:
                        logger.NotificationReplayed(jti, "accepted");
                        return Answer(StatusCodes.Status200OK, NextFlow(notification), ["This notification was already accepted; nothing was done."]);
                    case ReplayClaim.InProgress:
                        logger.NotificationReplayed(jti, "in_progress");
                        return Answer(StatusCodes.Status409Conflict, FlowControlOptions.Retry, ["This notification is being processed by another request."]);
                }

                claimed = true;
            }

            var result = await AcceptAsync(notification, configuration, parsed.Body, cancellationToken);
            if (claimed && result.Accepted)
            {
                await replays.AcceptAsync(jti!, cancellationToken);
            }
            else if (claimed)
            {
                await ReleaseAsync(jti!);
            }

            return result.Response;
        }
        catch (Exception e) when (IsTransient(e, cancellationToken))
        {
            // Storage or Hull is unreachable: nothing may be lost, so Hull must send this batch again.
            await ReleaseIfClaimedAsync(claimed, jti);
            logger.NotificationFailed(e, "Could not store the notification; asking Hull to retry.");
            return Answer(StatusCodes.Status503ServiceUnavailable, FlowControlOptions.Retry, ["Temporary failure; retry."]);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Anything else comes from the body itself (e.g. settings nested too deeply to store): a resend would fail alike.
            await ReleaseIfClaimedAsync(claimed, jti);
            logger.NotificationFailed(e, "The notification could not be processed; it was not accepted.");
            return Answer(StatusCodes.Status400BadRequest, FlowControlOptions.Refused, [$"The notification could not be processed: {e.GetType().Name}."]);
        }
    }

    /// <param name="body">The body as read (UTF-8 repaired): a large notification is stored as it is, for <see cref="SplitNotificationHandler"/>.</param>
    private async Task<(bool Accepted, IResult Response)> AcceptAsync(HullNotification notification, HullConfiguration configuration, byte[] body, CancellationToken cancellationToken)
    {
        var stored = await connectors.FindAsync(configuration.Id, cancellationToken);
        var check = await credentials.VerifyAsync(configuration, stored, cancellationToken);
        switch (check.Outcome)
        {
            case CredentialOutcome.Refused:
                logger.CredentialsRefused(configuration.Id, configuration.Organization, check.Reason!);
                return (false, Answer(StatusCodes.Status401Unauthorized, FlowControlOptions.Refused, [check.Reason!]));
            case CredentialOutcome.Unavailable:
                logger.CredentialsUnavailable(configuration.Id, check.Reason!);
                return (false, Answer(StatusCodes.Status503ServiceUnavailable, FlowControlOptions.Retry, [check.Reason!]));
            case CredentialOutcome.Verified:
                logger.CredentialsVerified(configuration.Id, configuration.Organization);
                break;
        }

        await connectors.SaveAsync(new ConnectorRecord(
            configuration.Id, configuration.Organization, configuration.Secret, notification.Connector?.Name,
            notification.Connector?.PrivateSettings ?? [], clock.GetUtcNow()) { VerifiedCredentialsHash = check.CredentialsHash }, cancellationToken);

        if (notification.Channel is not (HullChannels.UserUpdate or HullChannels.AccountUpdate))
        {
            logger.NotificationAccepted(notification.Channel ?? "(none)", notification.Messages?.Count ?? 0, 0);
            return (true, Answer(StatusCodes.Status200OK, FlowControlOptions.Unsupported, []));
        }

        var count = notification.Messages?.Count ?? 0;
        if (count > hullOptions.Value.InlineSplitLimit)
        {
            await splitter.DeferAsync(configuration.Id, body, cancellationToken);
            logger.NotificationDeferred(count);
            return (true, Answer(StatusCodes.Status200OK, await backPressure.NextAsync(notification.Channel, cancellationToken), []));
        }

        var split = NotificationSplitter.Split(notification, configuration.Id);
        DeferredSplitter.LogRejected(logger, notification.Channel, split.Rejected);
        await splitter.SendWhileHullWaitsAsync(split.Messages, cancellationToken);
        logger.NotificationAccepted(notification.Channel, count, split.Messages.Count);
        return (true, Answer(StatusCodes.Status200OK, await backPressure.NextAsync(notification.Channel, cancellationToken), split.Rejected.Take(MaxErrorsAnswered).Select(r => r.Reason).ToList()));
    }

    private FlowControl NextFlow(HullNotification notification) =>
        notification.Channel is HullChannels.UserUpdate or HullChannels.AccountUpdate ? flowControl.Value.Next(notification.Channel) : FlowControlOptions.Unsupported;

    // Storage's own retries end in an AggregateException of the attempts' failures: transient when any of them was.
    private static bool IsTransient(Exception e, CancellationToken cancellationToken) =>
        e is Azure.RequestFailedException { Status: not (400 or 404 or 409 or 412 or 413) } or HttpRequestException or IOException or TimeoutException
        || e is OperationCanceledException && !cancellationToken.IsCancellationRequested
        || e is AggregateException aggregate && aggregate.Flatten().InnerExceptions.Any(inner => IsTransient(inner, cancellationToken));

    private async Task ReleaseIfClaimedAsync(bool claimed, string? jti)
    {
        if (claimed)
        {
            await ReleaseAsync(jti!);
        }
    }

    private async Task ReleaseAsync(string jti)
    {
        try
        {
            await replays.ReleaseAsync(jti, CancellationToken.None);
        }
        catch (Exception e) when (e is Azure.RequestFailedException or HttpRequestException or IOException or AggregateException)
        {
            // The claim then expires as abandoned after a few minutes; Hull's resend is answered 409 until then.
            logger.NotificationFailed(e, "Could not release the notification id after a failure.");
        }
    }

    private IResult Reject(int status, string reason, FlowControl? flow = null)
    {
        logger.NotificationRejected(status, reason);
        return Answer(status, flow ?? FlowControlOptions.Refused, [reason]);
    }

    private static IResult Answer(int status, FlowControl flow, IReadOnlyList<string> errors) =>
        Results.Json(new SmartNotifierResponse(flow, [], errors), CoreJsonContext.Default.SmartNotifierResponse, statusCode: status);
}
