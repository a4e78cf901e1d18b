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

    public Task<IResult> HandleAsync(HttpRequest request, CancellationToken cancellationToken) =>
        gate.HandleAsync(request, "overview", async connector => OperationsGate.Json(await BuildAsync(connector, cancellationToken)), cancellationToken);

    public async Task<JsonObject> BuildAsync(ConnectorRecord connector, CancellationToken cancellationToken)
    {
        var status = StatusEvaluator.Evaluate(connector.Settings);
        var (depth, oldest) = await outbox.MeasureAsync(connector.Id, OutboxGauges.MaxCounted, cancellationToken);
        var dead = await deadLetters.ListAsync(connector.Id, DeadLetterReplayer.MaxListed, cancellationToken);
        var poisoned = await poison.ListAsync(connector.Id, PoisonMessages.Queues, cancellationToken);
        var (recent, _) = await runs.ListAsync(connector.Id, LastRuns, null, cancellationToken);
        return new JsonObject
        {
            ["connector"] = new JsonObject { ["id"] = connector.Id, ["organization"] = connector.Organization },
            ["status"] = status.Status,
            ["messages"] = new JsonArray(status.Messages.Select(m => (JsonNode)m).ToArray()),
            ["outbox"] = new JsonObject
            {
                ["depth"] = depth,
                ["oldestAgeSeconds"] = oldest is { } o ? (long)Math.Max(0, (clock.GetUtcNow() - o).TotalSeconds) : null,
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
}
