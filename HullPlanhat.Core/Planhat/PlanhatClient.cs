using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace HullPlanhat.Core.Planhat;

/// <summary>A Planhat answer as received, for callers that pass it through (the internal API).</summary>
public sealed record PlanhatRawResponse(HttpStatusCode Status, string Body, string? ContentType);

/// <summary>
/// Typed Planhat client. Retries, backoff and the shared rate limit are configured on its
/// <see cref="HttpClient"/> (see <c>PlanhatServiceCollectionExtensions</c>), not coded here.
/// </summary>
public sealed class PlanhatClient(HttpClient http)
{
    public static readonly HttpRequestOptionsKey<string> BudgetKey = new("planhat.budget");

    public async Task<IReadOnlyList<JsonObject>> ListUsersAsync(PlanhatConnection connection, CancellationToken cancellationToken) =>
        AsObjects(await GetJsonAsync(connection, "users", cancellationToken));

    public async Task<IReadOnlyList<JsonObject>> QueryAsync(PlanhatConnection connection, string pathAndQuery, CancellationToken cancellationToken) =>
        AsObjects(await GetJsonAsync(connection, pathAndQuery, cancellationToken));

    /// <summary>One page of a list endpoint (<c>companies</c>, <c>endusers</c>…), in Planhat's order.</summary>
    public Task<IReadOnlyList<JsonObject>> ListPageAsync(PlanhatConnection connection, string collection, int limit, int offset, CancellationToken cancellationToken) =>
        QueryAsync(connection, $"{collection}?limit={limit}&offset={offset}", cancellationToken);

    public async Task<JsonObject> CreateAsync(PlanhatConnection connection, string collection, JsonObject item, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(connection, HttpMethod.Post, connection.Api(collection), item, cancellationToken);
        return await ReadAsync(response, cancellationToken) as JsonObject
            ?? throw new PlanhatApiException(response.StatusCode, "POST", collection, "Expected an object.");
    }

    /// <summary>
    /// <c>PUT /{collection}</c> with an array. Partial failures (206, 400 with row errors) come back
    /// as the result's error lists; anything else that is not a success throws.
    /// </summary>
    public async Task<BulkUpsertResult> BulkUpsertAsync(PlanhatConnection connection, string collection, IReadOnlyList<JsonObject> items, CancellationToken cancellationToken)
    {
        var body = new JsonArray(items.Select(i => (JsonNode)i.DeepClone()).ToArray());
        using var response = await SendAsync(connection, HttpMethod.Put, connection.Api(collection), body, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (response.IsSuccessStatusCode || response.StatusCode == HttpStatusCode.BadRequest)
        {
            try
            {
                if (JsonSerializer.Deserialize(text, PlanhatJsonContext.Default.BulkUpsertResult) is { } result
                    && (response.IsSuccessStatusCode || result.Errors.Any()))
                {
                    return result;
                }
            }
            catch (JsonException)
            {
                // Not a bulk result: reported below as a failed call.
            }
        }

        throw new PlanhatApiException(response.StatusCode, "PUT", collection, text);
    }

    /// <summary>Posts user activities: one call for one, the bulk endpoint for more.</summary>
    /// <param name="wire">Tells afterwards whether any attempt reached the network.</param>
    public async Task PostActivitiesAsync(PlanhatConnection connection, IReadOnlyList<JsonObject> activities, PlanhatWire wire, CancellationToken cancellationToken)
    {
        var tenant = Uri.EscapeDataString(connection.TenantId ?? throw new InvalidOperationException("No tenant id."));
        JsonNode body = activities.Count == 1 ? activities[0].DeepClone() : new JsonArray(activities.Select(a => (JsonNode)a.DeepClone()).ToArray());
        var uri = connection.Analytics(activities.Count == 1 ? $"analytics/{tenant}" : $"analytics/bulk/{tenant}");
        using var response = await SendAsync(connection, HttpMethod.Post, uri, body, cancellationToken, wire);
        await EnsureSuccessAsync(response, cancellationToken);
    }

    /// <summary>Sends a request and returns Planhat's answer whatever its status.</summary>
    public async Task<PlanhatRawResponse> SendRawAsync(PlanhatConnection connection, HttpMethod method, string pathAndQuery, JsonNode? body, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(connection, method, connection.Api(pathAndQuery), body, cancellationToken);
        return new PlanhatRawResponse(response.StatusCode, await response.Content.ReadAsStringAsync(cancellationToken), response.Content.Headers.ContentType?.MediaType);
    }

    private async Task<JsonNode?> GetJsonAsync(PlanhatConnection connection, string pathAndQuery, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(connection, HttpMethod.Get, connection.Api(pathAndQuery), null, cancellationToken);
        return await ReadAsync(response, cancellationToken);
    }

    private async Task<HttpResponseMessage> SendAsync(PlanhatConnection connection, HttpMethod method, Uri uri, JsonNode? body, CancellationToken cancellationToken,
        PlanhatWire? wire = null)
    {
        using var request = new HttpRequestMessage(method, uri);
        if (wire is not null)
        {
            request.Options.Set(PlanhatWire.Key, wire);
        }

        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", connection.Token);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        request.Options.Set(BudgetKey, connection.BudgetKey);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, PlanhatJsonContext.Default.JsonNode);
        }

        return await http.SendAsync(request, cancellationToken);
    }

    private static async Task<JsonNode?> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        await EnsureSuccessAsync(response, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        // Planhat objects carry their users' custom fields, nested as deep as they like: the mapper skips what Hull cannot take.
        return text.Length == 0 ? null : JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { MaxDepth = 256 });
    }

    private static async Task EnsureSuccessAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
        {
            var request = response.RequestMessage;
            throw new PlanhatApiException(response.StatusCode, request?.Method.Method ?? "?", request?.RequestUri?.AbsolutePath ?? "?",
                await response.Content.ReadAsStringAsync(cancellationToken));
        }
    }

    private static IReadOnlyList<JsonObject> AsObjects(JsonNode? node) => node switch
    {
        JsonArray array => array.OfType<JsonObject>().ToArray(),
        JsonObject { } obj when obj["data"] is JsonArray data => data.OfType<JsonObject>().ToArray(),
        _ => [],
    };
}
