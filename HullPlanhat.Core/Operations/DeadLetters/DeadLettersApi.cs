using System.Text.Json;
using System.Text.Json.Nodes;
using HullPlanhat.Core.Intake;
using HullPlanhat.Core.InternalApi;
using HullPlanhat.Core.Json;
using Microsoft.AspNetCore.Http;

namespace HullPlanhat.Core.Operations.DeadLetters;

/// <summary>
/// <c>GET /api/deadletters</c>, <c>POST /api/deadletters/replay</c> (body <c>{ids:[...]}</c>, or none for
/// all), <c>DELETE /api/deadletters/{id}</c>; and the same for poison messages under <c>/api/poison</c>
/// (<c>?queue=</c> or <c>{queue}</c> narrows to one queue).
/// </summary>
public sealed class DeadLettersApi(OperationsGate gate, DeadLetterReplayer deadLetters, PoisonMessages poison)
{
    private const int MaxBodyBytes = 1024 * 1024;

    public Task<IResult> ListAsync(HttpRequest request, CancellationToken cancellationToken) =>
        gate.HandleAsync(request, "deadletters", async connector =>
        {
            var items = await deadLetters.ListAsync(connector.Id, OperationsGate.Limit(request, DeadLetterReplayer.MaxListed, 200), cancellationToken);
            return OperationsGate.Json(new JsonObject { ["deadLetters"] = new JsonArray(items.Select(d => (JsonNode)d.ToJson()).ToArray()) });
        }, cancellationToken);

    public Task<IResult> ReplayAsync(HttpRequest request, CancellationToken cancellationToken) =>
        gate.HandleAsync(request, "deadletters_replay", async connector =>
        {
            var (body, problem) = await ReadChoiceAsync(request, cancellationToken);
            if (problem is not null)
            {
                return problem;
            }

            var outcomes = await deadLetters.ReplayAsync(connector.Id, body!.Ids, cancellationToken);
            return OperationsGate.Json(new JsonObject
            {
                ["replayed"] = new JsonArray(outcomes.Select(o => (JsonNode)o.ToJson()).ToArray()),
                ["staged"] = outcomes.Count(o => o.Outcome == ReplayOutcome.Staged),
            });
        }, cancellationToken);

    public Task<IResult> DeleteAsync(HttpRequest request, CancellationToken cancellationToken) =>
        gate.HandleAsync(request, "deadletters_delete", async connector =>
        {
            var id = request.RouteValues["id"]?.ToString() ?? string.Empty;
            return await deadLetters.DeleteAsync(connector.Id, id, cancellationToken)
                ? OperationsGate.Json(new JsonObject { ["deleted"] = id })
                : OperationsGate.NotFound($"No dead letter '{id}' of this connector.");
        }, cancellationToken);

    public Task<IResult> PoisonListAsync(HttpRequest request, CancellationToken cancellationToken) =>
        gate.HandleAsync(request, "poison", async connector =>
        {
            if (QueuesOf(request.Query["queue"].ToString()) is not { } queues)
            {
                return UnknownQueue();
            }

            var items = await poison.ListAsync(connector.Id, queues, cancellationToken);
            return OperationsGate.Json(new JsonObject { ["messages"] = new JsonArray(items.Select(m => (JsonNode)m.ToJson()).ToArray()) });
        }, cancellationToken);

    public Task<IResult> PoisonReplayAsync(HttpRequest request, CancellationToken cancellationToken) =>
        gate.HandleAsync(request, "poison_replay", async connector =>
        {
            var (body, problem) = await ReadChoiceAsync(request, cancellationToken);
            if (problem is not null)
            {
                return problem;
            }

            if (QueuesOf(body!.Queue ?? request.Query["queue"].ToString()) is not { } queues)
            {
                return UnknownQueue();
            }

            var replayed = new JsonArray();
            foreach (var queue in queues)
            {
                foreach (var id in await poison.TakeAsync(connector.Id, queue, body.Ids, replay: true, cancellationToken))
                {
                    replayed.Add(new JsonObject { ["queue"] = queue, ["id"] = id });
                }
            }

            return OperationsGate.Json(new JsonObject { ["replayed"] = replayed });
        }, cancellationToken);

    public Task<IResult> PoisonDeleteAsync(HttpRequest request, CancellationToken cancellationToken) =>
        gate.HandleAsync(request, "poison_delete", async connector =>
        {
            var id = request.RouteValues["id"]?.ToString() ?? string.Empty;
            if (QueuesOf(request.Query["queue"].ToString()) is not { } queues)
            {
                return UnknownQueue();
            }

            foreach (var queue in queues)
            {
                if ((await poison.TakeAsync(connector.Id, queue, [id], replay: false, cancellationToken)).Count > 0)
                {
                    return OperationsGate.Json(new JsonObject { ["deleted"] = id, ["queue"] = queue });
                }
            }

            return OperationsGate.NotFound($"No poison message '{id}' of this connector.");
        }, cancellationToken);

    private static IReadOnlyList<string>? QueuesOf(string queue) =>
        queue.Length == 0 ? PoisonMessages.Queues
        : PoisonMessages.IsKnown(queue) ? [queue]
        : queue.EndsWith("-poison", StringComparison.Ordinal) && PoisonMessages.IsKnown(queue[..^"-poison".Length]) ? [queue[..^"-poison".Length]]
        : null;

    private static IResult UnknownQueue() =>
        OperationsGate.BadRequest($"'queue' must be one of: {string.Join(", ", PoisonMessages.Queues)} (or absent for all).");

    private sealed record Choice(IReadOnlyCollection<string>? Ids, string? Queue);

    /// <summary>An optional body <c>{ids: [...], queue: "..."}</c>; no body or no ids = all.</summary>
    private static async Task<(Choice? Choice, IResult? Problem)> ReadChoiceAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var bytes = await RequestBodyReader.ReadAsync(request, MaxBodyBytes, cancellationToken);
        if (bytes is null)
        {
            return (null, ApiResults.Error(StatusCodes.Status413PayloadTooLarge, $"The body is larger than {MaxBodyBytes} bytes."));
        }

        if (bytes.Length == 0 || bytes.All(b => b is (byte)' ' or (byte)'\n' or (byte)'\r' or (byte)'\t'))
        {
            return (new Choice(null, null), null);
        }

        try
        {
            if (UntrustedJson.Parse(bytes) is not JsonObject body)
            {
                return (null, OperationsGate.BadRequest("The body must be a JSON object: {\"ids\": [...]} (or empty for all)."));
            }

            IReadOnlyCollection<string>? ids = null;
            if (body["ids"] is JsonArray list)
            {
                if (list.Any(i => i is not JsonValue v || !v.TryGetValue<string>(out _)))
                {
                    return (null, OperationsGate.BadRequest("'ids' must be an array of strings."));
                }

                ids = list.Select(i => i!.GetValue<string>()).ToHashSet(StringComparer.Ordinal);
            }
            else if (body["ids"] is not null)
            {
                return (null, OperationsGate.BadRequest("'ids' must be an array of strings."));
            }

            return (new Choice(ids, body["queue"] is JsonValue q && q.TryGetValue<string>(out var queue) ? queue : null), null);
        }
        catch (JsonException e)
        {
            return (null, OperationsGate.BadRequest("Malformed JSON body: " + e.Message));
        }
    }
}
