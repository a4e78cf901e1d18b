using System.Text.Json.Nodes;
using HullPlanhat.Core.Logging;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace HullPlanhat.Core.Operations.Resync;

/// <summary>
/// <c>POST /api/resync?kind=companies|endusers|accounts|users[&amp;id=]</c>: forgets stored hashes (all
/// four kinds when <c>kind</c> is absent) so the next run sends the objects again. <c>id</c> is a Planhat
/// id for companies/endusers and a Hull id for accounts/users.
/// </summary>
public sealed class ResyncApi(OperationsGate gate, HashForgetter forgetter, OperationsMetrics metrics, ILogger<ResyncApi> logger)
{
    public Task<IResult> HandleAsync(HttpRequest request, CancellationToken cancellationToken) =>
        gate.HandleAsync(request, "resync", async connector =>
        {
            var kindName = request.Query["kind"].ToString();
            IReadOnlyList<ResyncKind> kinds = kindName.Length == 0 ? ResyncKind.All : ResyncKind.Parse(kindName) is { } one ? [one] : [];
            if (kinds.Count == 0)
            {
                return OperationsGate.BadRequest("'kind' must be companies, endusers, accounts or users (or absent for all).");
            }

            var id = request.Query["id"].ToString() is { Length: > 0 } given ? given.Trim() : null;
            if (id is not null && kinds.Count != 1)
            {
                return OperationsGate.BadRequest("'id' needs a 'kind' (companies/endusers: a Planhat id; accounts/users: a Hull id).");
            }

            var forgotten = new JsonObject();
            foreach (var kind in kinds)
            {
                var count = await forgetter.ForgetAsync(connector.Id, kind, id, cancellationToken);
                logger.Resynced(kind.Name, id, count);
                metrics.Forgotten(kind.Name, count);
                forgotten[kind.Name] = count;
            }

            return OperationsGate.Json(new JsonObject
            {
                ["forgotten"] = forgotten,
                ["next"] = "Incoming kinds are sent again by the next import (POST /fetch/accounts or /fetch/users starts one now); outgoing kinds when Hull next sends each object (send a segment from Hull to send them all now).",
            });
        }, cancellationToken);
}
