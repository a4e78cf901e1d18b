using System.Text.Json.Nodes;
using HullPlanhat.Sandbox.Hull;
using HullPlanhat.Sandbox.Infrastructure;

namespace HullPlanhat.Sandbox.Admin;

/// <summary>
/// Hull's install and manual-send flows: <c>POST /_sandbox/hull/install</c> <c>{manifestUrl, settings?, organization?, secretLength?}</c>
/// and <c>POST /_sandbox/hull/connectors/{id}/batch</c> <c>{objectType, lines:[...]}</c> (objects, or raw strings to
/// send malformed lines); <c>POST /_sandbox/hull/extracts</c> (body: JSON lines) stores an extract, served at
/// <c>GET /hull/extracts/{id}</c>, and <c>GET /_sandbox/hull/extracts/{id}</c> tells how often it was fetched.
/// </summary>
public sealed class HullInstallEndpoints
{
    private readonly HullInstaller _installer;
    private readonly ExtractStore _extracts;

    public HullInstallEndpoints(HullInstaller installer, ExtractStore extracts)
    {
        _installer = installer;
        _extracts = extracts;
    }

    public void Map(IEndpointRouteBuilder app)
    {
        app.MapGet(HullEndpoints.Prefix + "/extracts/{id}", (string id) => _extracts.Fetch(id) is { } lines
            ? Results.Text(lines, "application/x-ndjson")
            : JsonResults.Error(404, "No such extract"));
        app.MapPost("/_sandbox/hull/extracts", (Delegate)AddExtractAsync);
        app.MapGet("/_sandbox/hull/extracts/{id}", (string id) => _extracts.FetchCount(id) is { } fetches
            ? Results.Json(new JsonObject { ["fetches"] = fetches })
            : JsonResults.Error(404, "No such extract"));
        app.MapPost("/_sandbox/hull/install", (Delegate)InstallAsync);
        app.MapPost("/_sandbox/hull/connectors/{id}/batch", (Delegate)SendBatchAsync);
    }

    private async Task<IResult> InstallAsync(HttpContext ctx)
    {
        if ((await JsonBody.ReadAsync(ctx.Request, ctx.RequestAborted)).Node is not JsonObject body
            || !Uri.TryCreate(body["manifestUrl"]?.ToString(), UriKind.Absolute, out var manifestUrl))
        {
            return JsonResults.Error(400, "manifestUrl (absolute) is required");
        }

        try
        {
            var installed = await _installer.InstallAsync(manifestUrl, body["settings"] as JsonObject,
                body["organization"]?.ToString() ?? "sandbox.hullapp.io", body["secretLength"]?.GetValue<int>() ?? 22, SandboxBase(ctx), ctx.RequestAborted);
            var c = installed.Connector;
            return Results.Json(new JsonObject
            {
                ["id"] = c.Id,
                ["organization"] = c.Organization,
                ["secret"] = c.Secret,
                ["private_settings"] = c.PrivateSettings.DeepClone(),
                ["manifest"] = installed.Manifest.DeepClone(),
            }, statusCode: StatusCodes.Status201Created);
        }
        catch (Exception e) when (e is HttpRequestException or InvalidOperationException or System.Text.Json.JsonException)
        {
            return JsonResults.Error(502, "Install failed: " + e.Message);
        }
    }

    private async Task<IResult> SendBatchAsync(HttpContext ctx, string id)
    {
        if (_installer.Find(id) is not { } installed)
        {
            return JsonResults.Error(404, "Unknown installed connector");
        }

        if ((await JsonBody.ReadAsync(ctx.Request, ctx.RequestAborted)).Node is not JsonObject body || body["lines"] is not JsonArray lines)
        {
            return JsonResults.Error(400, "lines (array) is required");
        }

        var text = string.Join('\n', lines.Select(l => l is JsonValue v && v.TryGetValue<string>(out var raw) ? raw : l?.ToJsonString() ?? "null"));
        var (status, answer) = await _installer.SendBatchAsync(installed, SandboxBase(ctx), body["objectType"]?.ToString() ?? "user_report", text, ctx.RequestAborted);
        return Results.Json(new JsonObject { ["status"] = status, ["body"] = answer });
    }

    // The body is the extract itself (JSON lines); answers its URL.
    private async Task<IResult> AddExtractAsync(HttpContext ctx)
    {
        using var reader = new StreamReader(ctx.Request.Body);
        var id = _extracts.Add(await reader.ReadToEndAsync(ctx.RequestAborted));
        return Results.Json(new JsonObject { ["id"] = id, ["url"] = new Uri(SandboxBase(ctx), $"hull/extracts/{id}").ToString() }, statusCode: StatusCodes.Status201Created);
    }

    private static Uri SandboxBase(HttpContext ctx) => new($"{ctx.Request.Scheme}://{ctx.Request.Host}/");
}
