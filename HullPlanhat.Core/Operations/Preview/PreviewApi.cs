using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using HullPlanhat.Core.Incoming;
using HullPlanhat.Core.Intake;
using HullPlanhat.Core.InternalApi;
using HullPlanhat.Core.Json;
using HullPlanhat.Core.Logging;
using HullPlanhat.Core.Outgoing.Outbox;
using HullPlanhat.Core.Planhat;
using HullPlanhat.Core.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HullPlanhat.Core.Operations.Preview;

/// <summary>
/// <c>POST /api/preview</c> (body <c>{messages: [...]}</c> as in a notification; <c>?payload=1</c> adds
/// the mapped payloads) and <c>POST /api/preview/incoming</c> (<c>?kind=companies|endusers</c>, both by
/// default). Answers carry the Planhat calls spent, all of them reads.
/// </summary>
public sealed class PreviewApi(
    OperationsGate gate,
    OutgoingPreview outgoing,
    IncomingPreview incoming,
    PlanhatCallCounter calls,
    IOptions<PlanhatOptions> planhatOptions,
    OperationsMetrics metrics,
    ILogger<PreviewApi> logger)
{
    public const int MaxBodyBytes = 64 * 1024 * 1024;
    public const int MaxMessages = 10_000;

    public Task<IResult> OutgoingAsync(HttpRequest request, CancellationToken cancellationToken) =>
        gate.HandleAsync(request, "preview", async connector =>
        {
            if (PlanhatConnection.For(connector, planhatOptions.Value) is not { } connection)
            {
                return NoToken();
            }

            var bytes = await RequestBodyReader.ReadAsync(request, MaxBodyBytes, cancellationToken);
            if (bytes is null)
            {
                return ApiResults.Error(StatusCodes.Status413PayloadTooLarge, $"The body is larger than {MaxBodyBytes} bytes.");
            }

            JsonArray? messages;
            try
            {
                messages = (UntrustedJson.Parse(bytes) as JsonObject)?["messages"] as JsonArray;
            }
            catch (JsonException e)
            {
                return OperationsGate.BadRequest("Malformed JSON body: " + e.Message);
            }

            if (messages is null)
            {
                return OperationsGate.BadRequest("The body must be a JSON object with a 'messages' array, as in a Hull notification.");
            }

            if (messages.Count > MaxMessages)
            {
                return OperationsGate.BadRequest($"At most {MaxMessages} messages per preview.");
            }

            var started = Stopwatch.GetTimestamp();
            using var counted = calls.Begin();
            var withPayload = request.Query["payload"].ToString() is "1" or "true";
            var verdicts = await outgoing.PreviewAsync(connector, connection, messages.ToList(), withPayload, cancellationToken);
            var summary = new JsonObject();
            foreach (var decision in (string[])[PreviewDecisions.Create, PreviewDecisions.Update, PreviewDecisions.Unchanged, PreviewDecisions.Skip])
            {
                summary[decision] = verdicts.Count(v => v.Decision == decision);
            }

            foreach (var type in verdicts.GroupBy(v => v.ObjectType))
            {
                var list = type.ToList();
                logger.OutgoingPreviewed(type.Key, list.Count, Count(list, PreviewDecisions.Create), Count(list, PreviewDecisions.Update),
                    Count(list, PreviewDecisions.Unchanged), Count(list, PreviewDecisions.Skip), counted.Calls);
                foreach (var decision in list.GroupBy(v => v.Decision))
                {
                    metrics.Previewed(type.Key, decision.Key, decision.Count());
                }
            }

            return OperationsGate.Json(new JsonObject
            {
                ["objects"] = new JsonArray(verdicts.Select(v => (JsonNode)v.ToJson()).ToArray()),
                ["summary"] = summary,
                ["planhatCalls"] = counted.Calls,
                ["milliseconds"] = (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds,
            });
        }, cancellationToken);

    public Task<IResult> IncomingAsync(HttpRequest request, CancellationToken cancellationToken) =>
        gate.HandleAsync(request, "preview_incoming", async connector =>
        {
            if (PlanhatConnection.For(connector, planhatOptions.Value) is not { } connection)
            {
                return NoToken();
            }

            IncomingKind[] kinds = request.Query["kind"].ToString() switch
            {
                "" => [IncomingKind.Companies, IncomingKind.Endusers],
                "companies" => [IncomingKind.Companies],
                "endusers" => [IncomingKind.Endusers],
                var other => [],
            };
            if (kinds.Length == 0)
            {
                return OperationsGate.BadRequest("'kind' must be 'companies' or 'endusers' (or absent for both).");
            }

            var started = Stopwatch.GetTimestamp();
            using var counted = calls.Begin();
            var counts = new JsonArray();
            foreach (var kind in kinds)
            {
                var before = counted.Calls;
                var count = await incoming.CountAsync(connector, connection, kind, cancellationToken);
                logger.IncomingPreviewed(kind.Name, count.Fetched, count.WouldSend, count.Unchanged, counted.Calls - before);
                metrics.Previewed(kind.Name, "would_send", count.WouldSend);
                counts.Add(count.ToJson());
            }

            return OperationsGate.Json(new JsonObject
            {
                ["kinds"] = counts,
                ["planhatCalls"] = counted.Calls,
                ["milliseconds"] = (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds,
            });
        }, cancellationToken);

    private static int Count(IEnumerable<PreviewVerdict> verdicts, string decision) => verdicts.Count(v => v.Decision == decision);

    private static IResult NoToken() =>
        ApiResults.Error(StatusCodes.Status409Conflict, "The connector has no Planhat Personal Access Token configured.");
}
