using System.Text.Json;
using System.Text.Json.Nodes;
using Azure;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using HullPlanhat.Core.Hosting;
using HullPlanhat.Core.Logging;
using HullPlanhat.Core.Storage;
using Microsoft.Extensions.Logging;

namespace HullPlanhat.Core.Operations.DeadLetters;

/// <summary>A message of a <c>&lt;queue&gt;-poison</c> queue that belongs to the asking connector.</summary>
public sealed record PoisonMessage(string Queue, string Id, long DequeueCount, DateTimeOffset? InsertedOn, string Summary)
{
    public JsonObject ToJson() => new() { ["queue"] = Queue, ["id"] = Id, ["dequeueCount"] = DequeueCount, ["insertedOn"] = InsertedOn, ["summary"] = Summary };
}

/// <summary>
/// The poison queues of the product's queues: list, replay (back onto the queue it came from, where
/// the normal handler runs it once more) and delete — only messages of the asking connector, whose id
/// is read from the message (or its claim-check blob). Other connectors' messages are released at once.
/// </summary>
public sealed class PoisonMessages(StorageClients storage, ClaimCheckReader claimChecks, OperationsMetrics metrics, ILogger<PoisonMessages> logger)
{
    /// <summary>Messages looked at per queue and request (32 per receive); more are not listed or replayed in one request.</summary>
    public const int MaxScanned = 640;

    public static IReadOnlyList<string> Queues { get; } = TriggerTable.All.Where(t => t.Queue is not null).Select(t => t.Queue!).Distinct().ToList();

    public static bool IsKnown(string queue) => Queues.Contains(queue);

    /// <summary>
    /// The connector's poison messages, among the first <see cref="MaxScanned"/> of each poison queue.
    /// Received (a peek sees only 32, maybe all another connector's) and released at once after the scan.
    /// </summary>
    public async Task<IReadOnlyList<PoisonMessage>> ListAsync(string connectorId, IEnumerable<string> queues, CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync();
        var found = new List<PoisonMessage>();
        foreach (var queue in queues)
        {
            var poison = storage.Queue(StorageNames.PoisonQueue(queue));
            var held = new List<QueueMessage>();
            try
            {
                while (held.Count < MaxScanned)
                {
                    QueueMessage[] batch = (await poison.ReceiveMessagesAsync(32, TimeSpan.FromSeconds(30), cancellationToken)).Value;
                    if (batch.Length == 0)
                    {
                        break;
                    }

                    held.AddRange(batch);
                    foreach (var message in batch)
                    {
                        if (await OwnerAndSummaryAsync(message.MessageText, cancellationToken) is { } owned && owned.ConnectorId == connectorId)
                        {
                            found.Add(new PoisonMessage(queue, message.MessageId, message.DequeueCount, message.InsertedOn, owned.Summary));
                        }
                    }
                }
            }
            finally
            {
                foreach (var message in held)
                {
                    await ReleaseAsync(poison, message);
                }
            }
        }

        return found;
    }

    /// <summary>Replays (or deletes) the connector's chosen messages of one queue; null ids = all of them.</summary>
    /// <returns>The ids acted on.</returns>
    public async Task<IReadOnlyList<string>> TakeAsync(string connectorId, string queue, IReadOnlyCollection<string>? ids, bool replay, CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync();
        var poison = storage.Queue(StorageNames.PoisonQueue(queue));
        var done = new List<string>();
        var others = new List<QueueMessage>(); // held invisible until the scan ends, so no receive returns them twice
        try
        {
            while (others.Count + done.Count < MaxScanned && (ids is null || done.Count < ids.Count))
            {
                QueueMessage[] batch = (await poison.ReceiveMessagesAsync(32, TimeSpan.FromSeconds(30), cancellationToken)).Value;
                if (batch.Length == 0)
                {
                    break;
                }

                foreach (var message in batch)
                {
                    var mine = (ids is null || ids.Contains(message.MessageId))
                        && (await OwnerAndSummaryAsync(message.MessageText, cancellationToken))?.ConnectorId == connectorId;
                    if (!mine)
                    {
                        others.Add(message);
                        continue;
                    }

                    if (replay)
                    {
                        // As received: a claim check still points at its blob, which the handler releases once it succeeds.
                        await storage.Queue(queue).SendMessageAsync(message.MessageText, cancellationToken);
                        logger.PoisonReplayed(queue, message.MessageId);
                        metrics.Replayed("poison", "enqueued");
                    }
                    else
                    {
                        await claimChecks.ReleaseAsync(message.MessageText, cancellationToken);
                        logger.PoisonDeleted(queue, message.MessageId);
                    }

                    await poison.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken);
                    done.Add(message.MessageId);
                }
            }
        }
        finally
        {
            foreach (var message in others)
            {
                await ReleaseAsync(poison, message);
            }
        }

        return done;
    }

    /// <summary>Visible again at once for whoever looks next (a message deleted meanwhile is gone already).</summary>
    private static async Task ReleaseAsync(QueueClient poison, QueueMessage message)
    {
        try
        {
            await poison.UpdateMessageAsync(message.MessageId, message.PopReceipt, visibilityTimeout: TimeSpan.Zero, cancellationToken: CancellationToken.None);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            // Taken by someone else.
        }
    }

    private async Task<(string? ConnectorId, string Summary)?> OwnerAndSummaryAsync(string text, CancellationToken cancellationToken)
    {
        try
        {
            var content = await claimChecks.ReadAsync(text, cancellationToken);
            if (JsonNode.Parse(content) is not JsonObject message)
            {
                return null;
            }

            var connectorId = message["connectorId"]?.GetValue<string>() ?? (message["configuration"] as JsonObject)?["id"]?.GetValue<string>();
            var subject = message["user"] ?? message["account"]; // a user message carries its account too
            var summary = subject is JsonObject s
                ? $"{(message["user"] is null ? "account" : "user")} {s["id"] ?? s["external_id"] ?? s["email"]}"
                : message["messages"] is JsonArray all ? $"notification of {all.Count} messages" : "message";
            return (connectorId, summary);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException or RequestFailedException)
        {
            return null;
        }
    }
}
