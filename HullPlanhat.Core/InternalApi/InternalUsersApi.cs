using System.Text.Json;
using System.Text.Json.Nodes;
using HullPlanhat.Core.Intake;
using HullPlanhat.Core.Json;
using HullPlanhat.Core.Logging;
using HullPlanhat.Core.Outgoing;
using HullPlanhat.Core.Planhat;
using HullPlanhat.Core.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HullPlanhat.Core.InternalApi;

/// <summary>
/// <c>/api/internal/users[/{userId}]</c>: Hull's Processor reads and writes Planhat's team members
/// through the connector (original-connector-behaviour.md §8). The list is cached 10 minutes per
/// connector in this process; <c>cacheclear=1</c> refreshes it, a create or update invalidates it.
/// </summary>
public sealed class InternalUsersApi(
    ConnectorAuthenticator authenticator,
    PlanhatUsersCache usersCache,
    PlanhatClient planhat,
    IOptions<PlanhatOptions> planhatOptions,
    ILogger<InternalUsersApi> logger)
{
    private const int MaxBodyBytes = 1024 * 1024;

    public Task<IResult> ListAsync(HttpRequest request, CancellationToken cancellationToken) =>
        WithConnectionAsync(request, "list", async connection =>
        {
            var refresh = request.Query["cacheclear"].ToString().Trim() is "1" or "true";
            var users = await usersCache.GetAsync(connection, refresh, cancellationToken);
            logger.InternalUsersListed(users.Count, refresh);
            return ApiResults.Json(StatusCodes.Status200OK, ToJsonArray(users));
        }, cancellationToken);

    public Task<IResult> GetAsync(HttpRequest request, CancellationToken cancellationToken) =>
        WithConnectionAsync(request, "get", async connection =>
        {
            if (UserId(request) is not { } userId)
            {
                return MissingUserId();
            }

            var raw = await planhat.SendRawAsync(connection, HttpMethod.Get, "users/" + Uri.EscapeDataString(userId), null, cancellationToken);
            return Answer(raw, "get", $"Planhat has no user '{userId}'.");
        }, cancellationToken);

    public Task<IResult> CreateAsync(HttpRequest request, CancellationToken cancellationToken) =>
        WithConnectionAsync(request, "create", connection => WriteAsync(request, connection, HttpMethod.Post, "users", cancellationToken), cancellationToken);

    public Task<IResult> UpdateAsync(HttpRequest request, CancellationToken cancellationToken) =>
        WithConnectionAsync(request, "update", connection => UserId(request) is { } userId
            ? WriteAsync(request, connection, HttpMethod.Put, "users/" + Uri.EscapeDataString(userId), cancellationToken)
            : Task.FromResult(MissingUserId()), cancellationToken);

    private async Task<IResult> WriteAsync(HttpRequest request, PlanhatConnection connection, HttpMethod method, string path, CancellationToken cancellationToken)
    {
        var (body, problem) = await ReadUserAsync(request, cancellationToken);
        if (body is null)
        {
            return problem!;
        }

        try
        {
            var raw = await planhat.SendRawAsync(connection, method, path, body, cancellationToken);
            return Answer(raw, method.Method, "Planhat has no such user.");
        }
        finally
        {
            // Even a failed write may have changed Planhat (e.g. a timeout after the write).
            usersCache.Invalidate(connection.ConnectorId);
        }
    }

    private async Task<IResult> WithConnectionAsync(HttpRequest request, string operation, Func<PlanhatConnection, Task<IResult>> handle, CancellationToken cancellationToken)
    {
        var (connector, failure) = await authenticator.AuthenticateAsync(request, cancellationToken);
        if (connector is null)
        {
            return failure!;
        }

        using var scope = logger.ForConnector(connector.Id, connector.Organization);
        if (PlanhatConnection.For(connector, planhatOptions.Value) is not { } connection)
        {
            logger.InternalApiRejected(StatusCodes.Status409Conflict, "No Planhat token.");
            return ApiResults.Error(StatusCodes.Status409Conflict, "The connector has no Planhat Personal Access Token configured.");
        }

        try
        {
            return await handle(connection);
        }
        catch (PlanhatApiException e)
        {
            logger.InternalApiPlanhatFailed(operation, (int)e.Status);
            return PlanhatAnswer.FromError(e.Status, e.Body);
        }
        catch (Exception e) when (e is HttpRequestException or TimeoutException or Polly.Timeout.TimeoutRejectedException
            || (e is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            logger.InternalApiPlanhatFailed(operation, 0);
            return PlanhatAnswer.Unreachable(e);
        }
    }

    private IResult Answer(PlanhatRawResponse raw, string operation, string notFound)
    {
        if ((int)raw.Status >= 400)
        {
            logger.InternalApiPlanhatFailed(operation, (int)raw.Status);
        }

        return PlanhatAnswer.From(raw, notFound);
    }

    private static async Task<(JsonObject? Body, IResult? Problem)> ReadUserAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var bytes = await RequestBodyReader.ReadAsync(request, MaxBodyBytes, cancellationToken);
        if (bytes is null)
        {
            return (null, ApiResults.Error(StatusCodes.Status413PayloadTooLarge, $"The body is larger than {MaxBodyBytes} bytes."));
        }

        try
        {
            return UntrustedJson.Parse(bytes) is JsonObject user
                ? (user, null)
                : (null, ApiResults.Error(StatusCodes.Status400BadRequest, "The body must be a JSON object (a Planhat user)."));
        }
        catch (JsonException e)
        {
            return (null, ApiResults.Error(StatusCodes.Status400BadRequest, "Malformed JSON body: " + e.Message));
        }
    }

    private static string? UserId(HttpRequest request) =>
        request.RouteValues["userId"]?.ToString()?.Trim() is { Length: > 0 } id ? id : null;

    private static IResult MissingUserId() => ApiResults.Error(StatusCodes.Status400BadRequest, "Parameter userId is missing.");

    private static byte[] ToJsonArray(IReadOnlyList<JsonObject> users)
    {
        // Written, not re-parented: the cached objects are shared with owner validation.
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            foreach (var user in users)
            {
                user.WriteTo(writer);
            }

            writer.WriteEndArray();
        }

        return buffer.ToArray();
    }
}
