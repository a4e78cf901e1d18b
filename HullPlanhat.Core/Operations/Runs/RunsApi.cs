using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace HullPlanhat.Core.Operations.Runs;

/// <summary>
/// <c>GET /api/runs</c> and <c>GET /api/runs/{runId}/errors</c>: newest first, paged with
/// <c>?limit=</c> (≤ 200) and the <c>next</c> token of the previous page as <c>?next=</c>.
/// </summary>
public sealed class RunsApi(OperationsGate gate, RunStore runs)
{
    public Task<IResult> ListAsync(HttpRequest request, CancellationToken cancellationToken) =>
        gate.HandleAsync(request, "runs", async connector =>
        {
            var (items, next) = await runs.ListAsync(connector.Id, OperationsGate.Limit(request, RunStore.MaxPageSize), request.Query["next"].ToString(), cancellationToken);
            return OperationsGate.Json(new JsonObject
            {
                ["runs"] = new JsonArray(items.Select(r => (JsonNode)ToJson(r)).ToArray()),
                ["next"] = next,
            });
        }, cancellationToken);

    public Task<IResult> ErrorsAsync(HttpRequest request, CancellationToken cancellationToken) =>
        gate.HandleAsync(request, "run_errors", async connector =>
        {
            var runId = request.RouteValues["runId"]?.ToString() ?? string.Empty;
            if (await runs.FindAsync(connector.Id, runId, cancellationToken) is null)
            {
                return OperationsGate.NotFound($"No run '{runId}' of this connector in the kept history.");
            }

            var (items, next) = await runs.ErrorsAsync(connector.Id, runId, OperationsGate.Limit(request, RunStore.MaxPageSize), request.Query["next"].ToString(), cancellationToken);
            return OperationsGate.Json(new JsonObject
            {
                ["runId"] = runId,
                ["errors"] = new JsonArray(items.Select(e => (JsonNode)new JsonObject
                {
                    ["objectType"] = e.ObjectType, ["objectId"] = e.ObjectId, ["message"] = e.Message, ["attempt"] = e.Attempt, ["at"] = e.At,
                }).ToArray()),
                ["next"] = next,
            });
        }, cancellationToken);

    public static JsonObject ToJson(RunRecord r) => new()
    {
        ["id"] = r.Id, ["function"] = r.Function, ["startedAt"] = r.StartedAt, ["endedAt"] = r.EndedAt, ["outcome"] = r.Outcome, ["error"] = r.Error,
        ["sent"] = r.Sent, ["created"] = r.Created, ["updated"] = r.Updated, ["unchanged"] = r.Unchanged, ["skipped"] = r.Skipped, ["failed"] = r.Failed,
        ["planhatCalls"] = r.PlanhatCalls, ["throttled"] = r.Throttled, ["firehoseCalls"] = r.FirehoseCalls, ["errorRows"] = r.ErrorRows,
    };
}
