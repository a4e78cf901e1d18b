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
    /// <summary>Messages looked at per queue and request (32 per receive).</summary>
    public const int MaxScanned = 640;

    public static IReadOnlyList<string> Queues { get; } = TriggerTable.All.Where(t => t.Queue is not null).Select(t => t.Queue!).Distinct().ToList();

    public static bool IsKnown(string queue) => Queues.Contains(queue);

    /// <summary>The connector's poison messages (peeked: the first 32 of each poison queue, Azure's peek limit).</summary>
    public async Task<IReadOnlyList<PoisonMessage>> ListAsync(string connectorId, IEnumerable<string> queues, CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync();
        var found = new List<PoisonMessage>();
        foreach (var queue in queues)
        {
            PeekedMessage[] peeked = (await storage.Queue(StorageNames.PoisonQueue(queue)).PeekMessagesAsync(32, cancellationToken)).Value;
            foreach (var message in peeked)
            {
                if (await OwnerAndSummaryAsync(message.MessageText, cancellationToken) is { } owned && owned.ConnectorId == connectorId)
                {
                    found.Add(new PoisonMessage(queue, message.MessageId, message.DequeueCount, message.InsertedOn, owned.Summary));
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
        var scanned = 0;
        while (scanned < MaxScanned && (ids is null || done.Count < ids.Count))
        {
            QueueMessage[] batch = (await poison.ReceiveMessagesAsync(32, TimeSpan.FromSeconds(30), cancellationToken)).Value;
            if (batch.Length == 0)
            {
                break;
            }

            scanned += batch.Length;
            foreach (var message in batch)
            {
                var mine = (ids is null || ids.Contains(message.MessageId))
                    && (await OwnerAndSummaryAsync(message.MessageText, cancellationToken))?.ConnectorId == connectorId;
                if (!mine)
                {
                    // Visible again at once for whoever looks next.
                    await poison.UpdateMessageAsync(message.MessageId, message.PopReceipt, visibilityTimeout: TimeSpan.Zero, cancellationToken: cancellationToken);
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

        return done;
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
            var subject = message["account"] ?? message["user"];
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
