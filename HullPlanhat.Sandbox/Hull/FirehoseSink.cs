using System.Text.Json;
using System.Text.Json.Nodes;
using HullPlanhat.Sandbox.Infrastructure;

namespace HullPlanhat.Sandbox.Hull;

/// <summary>
/// <c>POST /hull/firehose</c>: checks the outer headers against a registered connector (401), applies the
/// connector's fault injection (a body over its size limit is a 413), validates every message (400, nothing recorded) and records them all (200).
/// </summary>
public sealed class FirehoseSink
{
    private static readonly HashSet<string> Types = new(StringComparer.Ordinal) { "traits", "track", "alias", "unalias" };
    private readonly ConnectorRegistry _registry;
    private readonly FirehoseTokenValidator _validator = new();
    private readonly SandboxClock _clock;

    public FirehoseSink(ConnectorRegistry registry, SandboxClock clock)
    {
        _registry = registry;
        _clock = clock;
    }

    public async Task<IResult> HandleAsync(HttpContext ctx)
    {
        var appId = ctx.Request.Headers["Hull-App-Id"].ToString();
        var secret = ctx.Request.Headers["Hull-Access-Token"].ToString();
        if (_registry.Find(appId) is not { } connector || connector.Credentials.Secret != secret || secret.Length == 0)
        {
            return JsonResults.Error(401, "Unauthorized");
        }

        if (connector.Faults.NextFault() is { } status)
        {
            return JsonResults.Error(status, $"Injected fault ({status})");
        }

        if (connector.Faults.Config.MaxBodyBytes is > 0 and var limit && await LargerThanAsync(ctx.Request, limit, ctx.RequestAborted))
        {
            return JsonResults.Error(413, $"Request body larger than {limit} bytes");
        }

        var body = await JsonBody.ReadAsync(ctx.Request, ctx.RequestAborted);
        if (body.Node is not JsonObject root || root["batch"] is not JsonArray batch)
        {
            return JsonResults.Error(400, "body must be an object with a batch array");
        }

        var entries = new List<FirehoseEntry>(batch.Count);
        for (var i = 0; i < batch.Count; i++)
        {
            var (entry, error) = await ParseEntryAsync(batch[i], connector.Credentials);
            if (error is not null)
            {
                return JsonResults.Error(400, $"batch[{i}]: {error}");
            }

            entries.Add(entry!);
        }

        connector.Record(entries);
        return Results.Json(new JsonObject { ["ok"] = true });
    }

    /// <summary>Whether the body is over <paramref name="limit"/> bytes; the body is kept for reading again.</summary>
    private static async Task<bool> LargerThanAsync(HttpRequest request, int limit, CancellationToken ct)
    {
        request.EnableBuffering();
        var buffer = new byte[81920];
        long total = 0;
        int read;
        while ((read = await request.Body.ReadAsync(buffer, ct)) > 0)
        {
            total += read;
        }

        request.Body.Position = 0;
        return total > limit;
    }

    private async Task<(FirehoseEntry? Entry, string? Error)> ParseEntryAsync(JsonNode? node, HullConnectorCredentials connector)
    {
        if (node is not JsonObject message)
        {
            return (null, "message must be an object");
        }

        var type = message["type"]?.GetValueKind() == JsonValueKind.String ? message["type"]!.GetValue<string>() : null;
        if (type is null || !Types.Contains(type))
        {
            return (null, "type must be traits, track, alias or unalias");
        }

        if (message["body"] is not JsonObject body)
        {
            return (null, "body must be an object");
        }

        var token = message["headers"]?["Hull-Access-Token"];
        if (token?.GetValueKind() != JsonValueKind.String)
        {
            return (null, "headers.Hull-Access-Token is missing");
        }

        var validation = await _validator.ValidateAsync(token.GetValue<string>(), connector);
        if (validation.Value is not { } claims)
        {
            return (null, validation.Error);
        }

        var entry = new FirehoseEntry(
            connector.Id,
            type,
            claims.SubjectType,
            claims.AsUser,
            claims.AsAccount,
            (JsonObject)body.DeepClone(),
            _clock.Now);
        return (entry, null);
    }
}
