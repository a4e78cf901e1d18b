using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using HullPlanhat.Sandbox.Admin;
using HullPlanhat.Sandbox.Faults;
using HullPlanhat.Sandbox.Hull;
using HullPlanhat.Sandbox.Infrastructure;
using HullPlanhat.Sandbox.Planhat;

namespace HullPlanhat.Sandbox.Client;

/// <summary>Typed client of the sandbox admin API (<c>/_sandbox</c>). Non-2xx answers throw <see cref="HttpRequestException"/>.</summary>
public sealed class SandboxClient : IDisposable
{
    private static readonly JsonSerializerOptions Json = JsonSerializerOptions.Web;
    private readonly HttpClient _http;
    private readonly bool _ownsClient;

    /// <summary>Wraps <paramref name="http"/>, whose BaseAddress must be the sandbox base address.</summary>
    public SandboxClient(HttpClient http, bool ownsClient = false)
    {
        _http = http;
        _ownsClient = ownsClient;
    }

    /// <summary>A client for a sandbox running at <paramref name="baseAddress"/> (e.g. the standalone executable).</summary>
    public SandboxClient(Uri baseAddress)
        : this(new HttpClient { BaseAddress = baseAddress }, ownsClient: true)
    {
    }

    // ---- tenants ----

    public async Task<SandboxTenant> CreateTenantAsync(
        string token, string tenantId, int? rpm = null, IEnumerable<JsonObject>? users = null, CancellationToken ct = default)
    {
        var body = new JsonObject
        {
            ["token"] = token,
            ["tenantId"] = tenantId,
            ["requestsPerMinute"] = rpm,
            ["users"] = new JsonArray([.. (users ?? []).Select(u => (JsonNode)u.DeepClone())]),
        };
        return await SendAsync<SandboxTenant>(HttpMethod.Post, "_sandbox/tenants", body, ct);
    }

    /// <summary>Creates a tenant with a unique random token and tenant id.</summary>
    public Task<SandboxTenant> CreateTenantAsync(CancellationToken ct = default)
    {
        var suffix = Guid.NewGuid().ToString("N");
        return CreateTenantAsync("token-" + suffix, "tenant-" + suffix, ct: ct);
    }

    public Task<SandboxTenant> GetTenantAsync(string token, CancellationToken ct = default) =>
        SendAsync<SandboxTenant>(HttpMethod.Get, $"_sandbox/tenants/{Esc(token)}", null, ct);

    /// <summary>Makes the tenant's Planhat call <paramref name="url"/> when a company or enduser changes (null: stop).</summary>
    public Task SetWebhookAsync(string token, Uri? url, CancellationToken ct = default) => url is null
        ? SendAsync(HttpMethod.Delete, $"_sandbox/tenants/{Esc(token)}/webhook", null, ct)
        : SendAsync(HttpMethod.Put, $"_sandbox/tenants/{Esc(token)}/webhook", new JsonObject { ["url"] = url.ToString() }, ct);

    public Task SetFaultsAsync(string token, FaultConfig faults, CancellationToken ct = default) =>
        SendAsync(HttpMethod.Put, $"_sandbox/tenants/{Esc(token)}/faults", JsonSerializer.SerializeToNode(faults, Json), ct);

    /// <summary>Changes the tenant's requests-per-minute limit (null keeps it) and starts a fresh window.</summary>
    public Task SetRateLimitAsync(string token, int? requestsPerMinute, CancellationToken ct = default) =>
        SendAsync(HttpMethod.Put, $"_sandbox/tenants/{Esc(token)}/rate-limit", new JsonObject { ["requestsPerMinute"] = requestsPerMinute }, ct);

    public Task<IReadOnlyList<SandboxCall>> GetCallsAsync(string token, CancellationToken ct = default) =>
        SendAsync<IReadOnlyList<SandboxCall>>(HttpMethod.Get, $"_sandbox/tenants/{Esc(token)}/calls", null, ct);

    public Task ResetCallsAsync(string token, CancellationToken ct = default) =>
        SendAsync(HttpMethod.Delete, $"_sandbox/tenants/{Esc(token)}/calls", null, ct);

    // ---- objects ----

    public Task<IReadOnlyList<JsonObject>> GetObjectsAsync(string token, ObjectKind type, CancellationToken ct = default) =>
        GetObjectsAsync(token, type.RouteName(), ct);

    /// <summary>All stored objects of <paramref name="type"/> (companies, endusers, licenses, users), in creation order.</summary>
    public async Task<IReadOnlyList<JsonObject>> GetObjectsAsync(string token, string type, CancellationToken ct = default) =>
        ToObjects(await SendAsync<JsonArray>(HttpMethod.Get, $"_sandbox/tenants/{Esc(token)}/objects/{Esc(type)}", null, ct));

    public Task<IReadOnlyList<string>> SeedAsync(string token, ObjectKind type, IEnumerable<JsonObject> objects, CancellationToken ct = default) =>
        SeedAsync(token, type.RouteName(), objects, ct);

    /// <summary>Stores objects without counting API calls; returns their <c>_id</c>s (assigned when missing).</summary>
    public async Task<IReadOnlyList<string>> SeedAsync(string token, string type, IEnumerable<JsonObject> objects, CancellationToken ct = default)
    {
        var content = new ByteArrayContent(JsonResults.SerializeArray(objects));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        var result = await SendAsync<JsonObject>(HttpMethod.Post, $"_sandbox/tenants/{Esc(token)}/objects/{Esc(type)}", content, ct);
        return [.. (result["ids"] as JsonArray ?? []).Select(id => id!.GetValue<string>())];
    }

    public Task<JsonObject> ModifyAsync(string token, ObjectKind type, string id, JsonObject patch, CancellationToken ct = default) =>
        ModifyAsync(token, type.RouteName(), id, patch, ct);

    /// <summary>Merges <paramref name="patch"/> into a stored object (bumps updatedAt) without counting API calls.</summary>
    public Task<JsonObject> ModifyAsync(string token, string type, string id, JsonObject patch, CancellationToken ct = default) =>
        SendAsync<JsonObject>(HttpMethod.Patch, $"_sandbox/tenants/{Esc(token)}/objects/{Esc(type)}/{Esc(id)}", patch.DeepClone(), ct);

    public Task DeleteObjectAsync(string token, ObjectKind type, string id, CancellationToken ct = default) =>
        SendAsync(HttpMethod.Delete, $"_sandbox/tenants/{Esc(token)}/objects/{type.RouteName()}/{Esc(id)}", null, ct);

    public async Task<IReadOnlyList<JsonObject>> GetAnalyticsAsync(string token, CancellationToken ct = default) =>
        ToObjects(await SendAsync<JsonArray>(HttpMethod.Get, $"_sandbox/tenants/{Esc(token)}/analytics", null, ct));

    public Task ResetAnalyticsAsync(string token, CancellationToken ct = default) =>
        SendAsync(HttpMethod.Delete, $"_sandbox/tenants/{Esc(token)}/analytics", null, ct);

    // ---- hull ----

    public Task RegisterConnectorAsync(string id, string organization, string secret, CancellationToken ct = default) =>
        SendAsync(HttpMethod.Post, "_sandbox/hull/connectors", new JsonObject { ["id"] = id, ["organization"] = organization, ["secret"] = secret }, ct);

    public Task RegisterConnectorAsync(SandboxConnector connector, CancellationToken ct = default) =>
        RegisterConnectorAsync(connector.Id, connector.Organization, connector.Secret, ct);

    public Task SetFirehoseFaultsAsync(string connectorId, FaultConfig faults, CancellationToken ct = default) =>
        SendAsync(HttpMethod.Put, $"_sandbox/hull/connectors/{Esc(connectorId)}/faults", JsonSerializer.SerializeToNode(faults, Json), ct);

    /// <summary>The last status the connector PUT to Hull (<c>/hull/api/v1/{id}/status</c>), or null.</summary>
    public async Task<JsonObject?> GetConnectorStatusAsync(string connectorId, CancellationToken ct = default)
    {
        try
        {
            return await SendAsync<JsonObject>(HttpMethod.Get, $"_sandbox/hull/connectors/{Esc(connectorId)}/status", null, ct);
        }
        catch (HttpRequestException e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>Firehose entries accepted for <paramref name="connectorId"/> (all connectors when null).</summary>
    public Task<IReadOnlyList<FirehoseEntry>> GetFirehoseAsync(string? connectorId, CancellationToken ct = default) =>
        SendAsync<IReadOnlyList<FirehoseEntry>>(HttpMethod.Get, "_sandbox/hull/firehose" + ConnectorQuery(connectorId), null, ct);

    public Task ResetFirehoseAsync(string? connectorId, CancellationToken ct = default) =>
        SendAsync(HttpMethod.Delete, "_sandbox/hull/firehose" + ConnectorQuery(connectorId), null, ct);

    /// <summary>How many times <c>/hull/public-key</c> has been called.</summary>
    public async Task<int> GetPublicKeyCallCountAsync(CancellationToken ct = default) =>
        (await SendAsync<JsonObject>(HttpMethod.Get, "_sandbox/hull/public-key/calls", null, ct))["count"]!.GetValue<int>();

    /// <summary>Signs a notification id with the sandbox's Hull key (what the <c>replay</c> command uses).</summary>
    public Task<SignResponse> SignAsync(string notificationId, bool forged = false, CancellationToken ct = default) =>
        SendAsync<SignResponse>(HttpMethod.Post, "_sandbox/hull/sign", new JsonObject { ["notification_id"] = notificationId, ["forged"] = forged }, ct);

    /// <summary>Hull installs a connector from its manifest URL (<c>POST /_sandbox/hull/install</c>); the answer holds its id, secret and settings.</summary>
    public Task<JsonObject> InstallConnectorAsync(Uri manifestUrl, JsonObject? settings = null, int secretLength = 22, CancellationToken ct = default) =>
        SendAsync<JsonObject>(HttpMethod.Post, "_sandbox/hull/install",
            new JsonObject { ["manifestUrl"] = manifestUrl.ToString(), ["settings"] = settings?.DeepClone(), ["secretLength"] = secretLength }, ct);

    /// <summary>Hull sends a segment by hand: the lines are served as an extract and its URL POSTed to the connector; returns the connector's answer.</summary>
    public Task<JsonObject> SendBatchAsync(string connectorId, string objectType, IEnumerable<JsonNode> lines, CancellationToken ct = default) =>
        SendAsync<JsonObject>(HttpMethod.Post, $"_sandbox/hull/connectors/{Esc(connectorId)}/batch",
            new JsonObject { ["objectType"] = objectType, ["lines"] = new JsonArray([.. lines.Select(l => l.DeepClone())]) }, ct);

    /// <summary>Stores an extract (JSON lines) the Sandbox's Hull serves; returns its id and URL.</summary>
    public async Task<(string Id, Uri Url)> AddExtractAsync(string jsonLines, CancellationToken ct = default)
    {
        var answer = await SendAsync<JsonObject>(HttpMethod.Post, "_sandbox/hull/extracts", new StringContent(jsonLines, System.Text.Encoding.UTF8, "application/x-ndjson"), ct);
        return (answer["id"]!.GetValue<string>(), new Uri(answer["url"]!.GetValue<string>()));
    }

    /// <summary>How many times the extract was downloaded.</summary>
    public async Task<int> GetExtractFetchCountAsync(string id, CancellationToken ct = default) =>
        (await SendAsync<JsonObject>(HttpMethod.Get, $"_sandbox/hull/extracts/{Esc(id)}", null, ct))["fetches"]!.GetValue<int>();

    public void Dispose()
    {
        if (_ownsClient)
        {
            _http.Dispose();
        }
    }

    private async Task<T> SendAsync<T>(HttpMethod method, string path, object? body, CancellationToken ct)
    {
        using var response = await SendCoreAsync(method, path, body, ct);
        return await response.Content.ReadFromJsonAsync<T>(Json, ct)
            ?? throw new HttpRequestException($"{method} {path}: empty response");
    }

    private async Task SendAsync(HttpMethod method, string path, object? body, CancellationToken ct)
    {
        using var response = await SendCoreAsync(method, path, body, ct);
    }

    private async Task<HttpResponseMessage> SendCoreAsync(HttpMethod method, string path, object? body, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, path)
        {
            Content = body switch
            {
                null => null,
                HttpContent content => content,
                JsonNode node => new StringContent(node.ToJsonString(), System.Text.Encoding.UTF8, "application/json"),
                _ => throw new ArgumentException("unsupported body", nameof(body)),
            },
        };
        var response = await _http.SendAsync(request, ct);
        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        var text = await response.Content.ReadAsStringAsync(ct);
        response.Dispose();
        throw new HttpRequestException($"{method} {path} returned {(int)response.StatusCode}: {text}", null, response.StatusCode);
    }

    private static IReadOnlyList<JsonObject> ToObjects(JsonArray array) => [.. JsonBody.Detach(array).OfType<JsonObject>()];

    private static string ConnectorQuery(string? connectorId) =>
        string.IsNullOrEmpty(connectorId) ? string.Empty : "?connectorId=" + Uri.EscapeDataString(connectorId);

    private static string Esc(string value) => Uri.EscapeDataString(value);
}
