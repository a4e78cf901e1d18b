using System.Text.Json;
using System.Text.Json.Nodes;
using HullPlanhat.Core.Hosting;
using HullPlanhat.Core.Hull;
using HullPlanhat.Core.Storage;

namespace HullPlanhat.Core.Intake;

/// <summary>A queue message ready to send: which queue, and its JSON.</summary>
public readonly record struct QueuedMessage(string Queue, string Json);

/// <summary>Splits a notification into one queue message per account or user (pure).</summary>
public static class NotificationSplitter
{
    public static IEnumerable<QueuedMessage> Split(HullNotification notification, string connectorId)
    {
        foreach (var message in notification.Messages ?? [])
        {
            if (message is null)
            {
                continue;
            }

            if (notification.Channel == HullChannels.AccountUpdate && HullMessages.Account(message) is { } account)
            {
                var queued = new OutgoingAccountMessage
                {
                    ConnectorId = connectorId,
                    NotificationId = notification.NotificationId,
                    IsExport = notification.IsExport,
                    Account = account,
                    AccountSegmentIds = HullMessages.SegmentIds(message, "account_segments"),
                };
                yield return new(TriggerTable.AccountsQueue, JsonSerializer.Serialize(queued, CoreJsonContext.Default.OutgoingAccountMessage));
            }
            else if (notification.Channel == HullChannels.UserUpdate && HullMessages.User(message) is { } user)
            {
                var queued = new OutgoingUserMessage
                {
                    ConnectorId = connectorId,
                    NotificationId = notification.NotificationId,
                    IsExport = notification.IsExport,
                    User = user,
                    Account = HullMessages.Account(message),
                    SegmentIds = HullMessages.SegmentIds(message, "segments"),
                    AccountSegmentIds = HullMessages.SegmentIds(message, "account_segments"),
                    Events = message["events"] as JsonArray is { Count: > 0 } events ? events : null,
                };
                yield return new(TriggerTable.UsersQueue, JsonSerializer.Serialize(queued, CoreJsonContext.Default.OutgoingUserMessage));
            }
        }
    }
}
