using System.Text.Json;
using System.Text.Json.Nodes;
using HullPlanhat.Core.Hosting;
using HullPlanhat.Core.Hull;
using HullPlanhat.Core.Logging;
using HullPlanhat.Core.Storage;

namespace HullPlanhat.Core.Intake;

/// <summary>A queue message ready to send: which queue, and its JSON.</summary>
public readonly record struct QueuedMessage(string Queue, string Json);

/// <summary>A message of the notification that was left out, and why (0-based position).</summary>
public readonly record struct RejectedMessage(int Index, string Reason);

public sealed record SplitResult(IReadOnlyList<QueuedMessage> Messages, IReadOnlyList<RejectedMessage> Rejected);

/// <summary>
/// Splits a notification into one queue message per account or user (pure). Each element is checked
/// on its own: a malformed one is left out with a reason, the others still go through.
/// </summary>
public static class NotificationSplitter
{
    public static SplitResult Split(HullNotification notification, string connectorId)
    {
        var messages = new List<QueuedMessage>();
        var rejected = new List<RejectedMessage>();
        var elements = notification.Messages ?? [];
        for (var index = 0; index < elements.Count; index++)
        {
            try
            {
                if (elements[index] is not JsonObject message)
                {
                    rejected.Add(new(index, $"Message #{index} is {Describe(elements[index])}, not a JSON object."));
                }
                else if (SplitOne(notification, message, connectorId) is { } queued)
                {
                    messages.Add(queued);
                }
                else
                {
                    var subject = notification.Channel == HullChannels.AccountUpdate ? "account" : "user";
                    rejected.Add(new(index, $"Message #{index} has no {subject} object."));
                }
            }
            catch (Exception e) when (e is JsonException or InvalidOperationException or ArgumentException or FormatException)
            {
                // Duplicate keys, nesting beyond the writer's depth, values of the wrong kind.
                rejected.Add(new(index, $"Message #{index} could not be read: {e.GetType().Name.Replace("Exception", "")}: {Excerpt.Of(e.Message, 200)}"));
            }
        }

        return new(messages, rejected);
    }

    private static QueuedMessage? SplitOne(HullNotification notification, JsonObject message, string connectorId)
    {
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
            return new(TriggerTable.AccountsQueue, JsonSerializer.Serialize(queued, CoreJsonContext.Default.OutgoingAccountMessage));
        }

        if (notification.Channel == HullChannels.UserUpdate && HullMessages.User(message) is { } user)
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
            return new(TriggerTable.UsersQueue, JsonSerializer.Serialize(queued, CoreJsonContext.Default.OutgoingUserMessage));
        }

        return null;
    }

    private static string Describe(JsonNode? node) => node is null ? "null" : node.GetValueKind() switch
    {
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        var kind => kind.ToString().ToLowerInvariant(),
    };
}
