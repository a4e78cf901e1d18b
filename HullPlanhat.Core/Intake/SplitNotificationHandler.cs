using System.Text;
using HullPlanhat.Core.Hosting;
using HullPlanhat.Core.Logging;
using HullPlanhat.Core.Storage;
using Microsoft.Extensions.Logging;

namespace HullPlanhat.Core.Intake;

/// <summary>Queue <c>planhat-intake</c>: splits a large, already verified notification (a claim check) into per-object messages.</summary>
public sealed class SplitNotificationHandler(ClaimCheckReader claimChecks, DeferredSplitter splitter, ILogger<SplitNotificationHandler> logger) : IQueueFunction
{
    public async Task HandleAsync(string messageText, CancellationToken cancellationToken)
    {
        string body;
        try
        {
            body = await claimChecks.ReadAsync(messageText, cancellationToken);
        }
        catch (Azure.RequestFailedException e) when (e.Status == 404)
        {
            return; // Split and released already; only the queue message's deletion was lost.
        }

        // The intake verified this body (signature, replay, credentials) before storing it.
        var notification = NotificationParser.Parse(Encoding.UTF8.GetBytes(body)).Notification
            ?? throw new InvalidOperationException("The stored notification cannot be read.");
        var connectorId = notification.Configuration!.Id;
        using var scope = logger.ForConnector(connectorId, notification.Configuration.Organization);
        var split = NotificationSplitter.Split(notification, connectorId);
        DeferredSplitter.LogRejected(logger, notification.Channel, split.Rejected);
        await splitter.SendAllAsync(split.Messages, cancellationToken);
        logger.NotificationSplit(split.Messages.Count);
        await claimChecks.ReleaseAsync(messageText, cancellationToken);
    }
}
