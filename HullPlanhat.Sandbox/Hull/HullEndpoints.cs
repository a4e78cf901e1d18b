using HullPlanhat.Sandbox.Infrastructure;

namespace HullPlanhat.Sandbox.Hull;

/// <summary>Hull's side under <c>/hull</c>: the public key URL and the firehose.</summary>
public sealed class HullEndpoints
{
    public const string Prefix = "/hull";
    private readonly HullKeys _keys;
    private readonly FirehoseSink _firehose;
    private readonly ConnectorRegistry _connectors;

    public HullEndpoints(HullKeys keys, FirehoseSink firehose, ConnectorRegistry connectors)
    {
        _keys = keys;
        _firehose = firehose;
        _connectors = connectors;
    }

    public void Map(IEndpointRouteBuilder app)
    {
        var group = app.MapGroup(Prefix);

        // Hull's protocol POSTs the signature as the body; it is ignored. GET is accepted too for convenience.
        group.MapMethods("/public-key", [HttpMethods.Post, HttpMethods.Get], () =>
            Results.Text(_keys.ServePublicKey(), "text/plain"));
        group.MapPost("/firehose", (Delegate)_firehose.HandleAsync);
        group.MapPut("/api/v1/{id}/status", ReportStatus);
        group.MapGet("/api/v1/{id}", GetConnector);
    }

    // Hull's REST API connector read (hull-protocol.md §2.6): the connector checks its credentials with it.
    // The real API lives at https://<organization>/api/v1, so the organization header must match too.
    private IResult GetConnector(HttpContext ctx, string id)
    {
        var headers = ctx.Request.Headers;
        if (_connectors.Find(id) is not { } connector)
        {
            return JsonResults.Error(404, "Connector not found");
        }

        var credentials = connector.Credentials;
        if (headers["Hull-App-Id"].ToString() != id
            || headers["Hull-Access-Token"].ToString() != credentials.Secret
            || headers["Hull-Organization"].ToString() != credentials.Organization)
        {
            return JsonResults.Error(401, "Invalid Hull credentials");
        }

        connector.CountCredentialRead();
        return Results.Json(new System.Text.Json.Nodes.JsonObject { ["id"] = id, ["type"] = "ship", ["private_settings"] = new System.Text.Json.Nodes.JsonObject() });
    }

    // Hull's REST API status update: the connector's own id and secret in the Hull-* headers.
    private async Task<IResult> ReportStatus(HttpContext ctx, string id)
    {
        var headers = ctx.Request.Headers;
        if (_connectors.Find(id) is not { } connector
            || headers["Hull-App-Id"].ToString() != id
            || headers["Hull-Access-Token"].ToString() != connector.Credentials.Secret)
        {
            return JsonResults.Error(401, "Invalid Hull credentials");
        }

        if ((await JsonBody.ReadAsync(ctx.Request, ctx.RequestAborted)).Node is not System.Text.Json.Nodes.JsonObject status)
        {
            return JsonResults.Error(400, "Body must be a JSON object");
        }

        connector.LastStatus = status;
        return Results.Json(status);
    }
}
