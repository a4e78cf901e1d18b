using HullPlanhat.Core.Hosting;
using HullPlanhat.Core.Logging;
using HullPlanhat.Core.Storage;
using Microsoft.Extensions.Logging;

namespace HullPlanhat.Core.Intake;

/// <summary>Queue <c>planhat-intake</c>: fans a large notification's blob out into per-object messages.</summary>
public sealed class SplitNotificationHandler(ClaimCheckReader claimChecks, DeferredSplitter splitter, ILogger<SplitNotificationHandler> logger) : IQueueFunction
{
    public async Task HandleAsync(string messageText, CancellationToken cancellationToken)
    {
        string json;
        try
        {
            json = await claimChecks.ReadAsync(messageText, cancellationToken);
        }
        catch (Azure.RequestFailedException e) when (e.Status == 404)
        {
            return; // Split and released already; only the queue message's deletion was lost.
        }

        var split = DeferredSplitter.Read(json) ?? throw new InvalidOperationException("The intake message holds no split.");
        using var scope = logger.ForConnector(split.ConnectorId, null);
        await splitter.SendAllAsync(split.Messages, cancellationToken);
        logger.NotificationSplit(split.Messages.Count);
        await claimChecks.ReleaseAsync(messageText, cancellationToken);
    }
}
