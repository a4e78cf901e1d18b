using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using HullPlanhat.Core.Hosting;
using Microsoft.Extensions.Options;

namespace HullPlanhat.SelfHost.Hosting;

/// <summary>
/// <c>POST /admin/functions/{name}</c> with <c>x-functions-key</c>, as on Azure: runs a non-HTTP
/// function on demand (a queue function takes <c>{"input": "message"}</c>). Answers 202 once the
/// run finished, so scripts and tests can sequence on it.
/// </summary>
public static class AdminEndpoints
{
    private static readonly TimeSpan LockWait = TimeSpan.FromMinutes(5);

    public static void MapAdminFunctions(this IEndpointRouteBuilder app) =>
        app.MapPost("/admin/functions/{name}", InvokeAsync);

    private static async Task<IResult> InvokeAsync(string name, HttpRequest request, IOptions<SelfHostOptions> options,
        FunctionDispatcher dispatcher, FunctionLock functionLock, CancellationToken cancellationToken)
    {
        if (options.Value.MasterKey is not { Length: > 0 } masterKey)
        {
            return Results.NotFound(new { error = "The admin endpoint is disabled: set SelfHost__MasterKey." });
        }

        var key = request.Headers["x-functions-key"].ToString();
        if (!CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(key), Encoding.UTF8.GetBytes(masterKey)))
        {
            return Results.Json(new { error = "A valid x-functions-key header is required." }, statusCode: StatusCodes.Status401Unauthorized);
        }

        var function = TriggerTable.All.FirstOrDefault(t => t.Name.Equals(name, StringComparison.OrdinalIgnoreCase));
        switch (function?.Kind)
        {
            case TriggerKind.Timer:
                var ran = await functionLock.RunExclusiveAsync(function.Name, LockWait, ct => dispatcher.InvokeTimerAsync(function.Name, ct), cancellationToken);
                return ran
                    ? Results.Json(new { function = function.Name, status = "completed" }, statusCode: StatusCodes.Status202Accepted)
                    : Results.Json(new { error = $"{function.Name} is running elsewhere; try again later." }, statusCode: StatusCodes.Status409Conflict);
            case TriggerKind.Queue:
                JsonObject? body;
                try
                {
                    body = await JsonNode.ParseAsync(request.Body, cancellationToken: cancellationToken, documentOptions: new JsonDocumentOptions { AllowDuplicateProperties = false }) as JsonObject;
                }
                catch (JsonException)
                {
                    body = null;
                }

                if (body?["input"] is not JsonValue value || !value.TryGetValue<string>(out var input))
                {
                    return Results.BadRequest(new { error = "Send {\"input\": \"<queue message>\"}." });
                }

                try
                {
                    await dispatcher.InvokeQueueAsync(function.Name, input, cancellationToken);
                }
                catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    // As a queue message would: the function failed on this input (it is logged); the caller hears why.
                    return Results.Json(new { function = function.Name, status = "failed", error = e.Message }, statusCode: StatusCodes.Status422UnprocessableEntity);
                }

                return Results.Json(new { function = function.Name, status = "completed" }, statusCode: StatusCodes.Status202Accepted);
            default:
                return Results.NotFound(new { error = $"No non-HTTP function named '{name}'." });
        }
    }
}
