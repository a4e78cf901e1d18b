using System.Text.Json.Nodes;
using HullPlanhat.Sandbox.Faults;
using HullPlanhat.Sandbox.Hull;
using HullPlanhat.Sandbox.Infrastructure;

namespace HullPlanhat.Sandbox.Admin;

/// <summary>Hull admin routes under <c>/_sandbox/hull</c>: connectors, firehose inspection, key use, signing.</summary>
public sealed class HullAdminEndpoints
{
    private readonly ConnectorRegistry _registry;
    private readonly HullKeys _keys;

    public HullAdminEndpoints(ConnectorRegistry registry, HullKeys keys)
    {
        _registry = registry;
        _keys = keys;
    }

    public void Map(IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/_sandbox/hull");
        group.MapPost("/connectors", (Delegate)Register);
        group.MapPut("/connectors/{id}/faults", SetFaults);
        group.MapGet("/connectors/{id}/status", (string id) => _registry.Find(id)?.LastStatus is { } status
            ? Results.Json(status)
            : JsonResults.Error(404, "No status reported"));
        group.MapGet("/firehose", (string? connectorId) => Results.Json(Entries(connectorId)));
        group.MapDelete("/firehose", (string? connectorId) => ClearFirehose(connectorId));
        group.MapGet("/public-key/calls", () => Results.Json(new JsonObject { ["count"] = _keys.PublicKeyCalls }));
        group.MapPost("/sign", (Delegate)Sign);
    }

    private async Task<IResult> Register(HttpContext ctx)
    {
        var credentials = await AdminJson.ReadAsync<HullConnectorCredentials>(ctx);
        if (credentials is null || string.IsNullOrEmpty(credentials.Id) || string.IsNullOrEmpty(credentials.Secret))
        {
            return JsonResults.Error(400, "id and secret are required");
        }

        _registry.Register(credentials with { Organization = credentials.Organization ?? string.Empty });
        return Results.Json(credentials, statusCode: StatusCodes.Status201Created);
    }

    private async Task<IResult> SetFaults(HttpContext ctx, string id)
    {
        if (_registry.Find(id) is not { } connector)
        {
            return JsonResults.Error(404, "Unknown connector");
        }

        var config = await AdminJson.ReadAsync<FaultConfig>(ctx);
        if (config is null)
        {
            return JsonResults.Error(400, "Invalid fault config");
        }

        connector.Faults.Configure(config);
        return Results.Json(config);
    }

    private IReadOnlyList<FirehoseEntry> Entries(string? connectorId)
    {
        if (!string.IsNullOrEmpty(connectorId))
        {
            return _registry.Find(connectorId)?.Entries() ?? [];
        }

        return [.. _registry.All.SelectMany(c => c.Entries()).OrderBy(e => e.ReceivedAt)];
    }

    private IResult ClearFirehose(string? connectorId)
    {
        foreach (var connector in _registry.All.Where(c => string.IsNullOrEmpty(connectorId) || c.Credentials.Id == connectorId))
        {
            connector.Clear();
        }

        return Results.NoContent();
    }

    private async Task<IResult> Sign(HttpContext ctx)
    {
        var request = await AdminJson.ReadAsync<SignRequest>(ctx);
        if (request?.NotificationId is not { Length: > 0 } notificationId)
        {
            return JsonResults.Error(400, "notification_id is required");
        }

        var publicKeyUrl = $"{ctx.Request.Scheme}://{ctx.Request.Host}{HullEndpoints.Prefix}/public-key";
        return Results.Json(new SignResponse(_keys.Sign(notificationId, request.Forged), publicKeyUrl));
    }
}
