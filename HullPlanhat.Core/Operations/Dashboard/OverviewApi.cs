using System.Text.Json.Nodes;
using HullPlanhat.Core.Operations.DeadLetters;
using HullPlanhat.Core.Operations.Runs;
using HullPlanhat.Core.Outgoing.Outbox;
using HullPlanhat.Core.Status;
using HullPlanhat.Core.Storage;
using Microsoft.AspNetCore.Http;

namespace HullPlanhat.Core.Operations.Dashboard;

/// <summary>
/// <c>GET /api/overview</c>: what the status page shows, in one answer — setup problems (the status
/// messages from the settings alone, no Planhat call), outbox depth and oldest age, dead letters,
/// poison messages and the last runs.
/// </summary>
public sealed class OverviewApi(OperationsGate gate, OutboxStore outbox, DeadLetterReplayer deadLetters, PoisonMessages poison, RunStore runs, TimeProvider clock)
{
    public const int LastRuns = 10;

    /// <summary>The outbox flushes every few seconds: a row this old is held back, and the page says why it may be.</summary>
    public static readonly TimeSpan StuckAfter = TimeSpan.FromMinutes(10);

    public Task<IResult> HandleAsync(HttpRequest request, CancellationToken cancellationToken) =>
        gate.HandleAsync(request, "overview", async connector => OperationsGate.Json(await BuildAsync(connector, cancellationToken)), cancellationToken);

    public async Task<JsonObject> BuildAsync(ConnectorRecord connector, CancellationToken cancellationToken)
    {
        var status = StatusEvaluator.Evaluate(connector.Settings);
        var (depth, oldest) = await outbox.MeasureAsync(connector.Id, OutboxGauges.MaxCounted, cancellationToken);
        var dead = await deadLetters.ListAsync(connector.Id, DeadLetterReplayer.MaxListed, cancellationToken);
        var poisoned = await poison.ListAsync(connector.Id, PoisonMessages.Queues, cancellationToken);
        var (recent, _) = await runs.ListAsync(connector.Id, LastRuns, null, cancellationToken);
        var age = oldest is { } o ? clock.GetUtcNow() - o : (TimeSpan?)null;
        var messages = status.Messages.Select(m => (JsonNode)m).ToList();
        if (OutboxHint(age) is { } hint)
        {
            messages.Add(hint);
        }

        return new JsonObject
        {
            ["connector"] = new JsonObject { ["id"] = connector.Id, ["organization"] = connector.Organization },
            ["status"] = status.Status,
            ["messages"] = new JsonArray(messages.ToArray()),
            ["outbox"] = new JsonObject
            {
                ["depth"] = depth,
                ["oldestAgeSeconds"] = age is { } a ? (long)Math.Max(0, a.TotalSeconds) : null,
            },
            ["deadLetters"] = new JsonObject
            {
                ["count"] = dead.Count,
                ["items"] = new JsonArray(dead.Take(50).Select(d => (JsonNode)d.ToJson()).ToArray()),
            },
            ["poison"] = new JsonObject
            {
                ["count"] = poisoned.Count,
                ["items"] = new JsonArray(poisoned.Select(m => (JsonNode)m.ToJson()).ToArray()),
            },
            ["runs"] = new JsonArray(recent.Select(r => (JsonNode)RunsApi.ToJson(r)).ToArray()),
        };
    }

    /// <summary>Why rows may wait, once the oldest has waited <see cref="StuckAfter"/>; null before.</summary>
    public static string? OutboxHint(TimeSpan? oldestAge) => oldestAge is { } age && age >= StuckAfter
        ? $"The oldest outbox row has waited {(int)age.TotalMinutes} minutes. A user waits up to an hour for its company to be created in Planhat "
          + "(outgoing.user.waiting in the log: send its account); a row whose write failed waits for its retry (outgoing.*.error)."
        : null;
}
