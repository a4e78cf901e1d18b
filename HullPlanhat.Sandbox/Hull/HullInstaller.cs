using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace HullPlanhat.Sandbox.Hull;

/// <summary>A connector the Sandbox's Hull installed from a manifest URL.</summary>
public sealed record InstalledConnector(SandboxConnector Connector, Uri BaseUrl, JsonObject Manifest);

/// <summary>
/// What Hull does with a connector's manifest URL: read the manifest, create the connector with the
/// manifest's setting defaults (plus the given settings) and a fresh secret, tell it its settings
/// through its subscription (a signed <c>ship:update</c>), and later send it segments by hand
/// (an extract served here, its URL POSTed to <c>/batch</c> or <c>/batch-accounts</c> with query credentials).
/// </summary>
public sealed class HullInstaller
{
    private readonly ConnectorRegistry _registry;
    private readonly ExtractStore _extracts;
    private readonly HullKeys _keys;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };
    private readonly Dictionary<string, InstalledConnector> _installed = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    internal HullInstaller(ConnectorRegistry registry, ExtractStore extracts, HullKeys keys)
    {
        _registry = registry;
        _extracts = extracts;
        _keys = keys;
    }

    /// <param name="secretLength">Hull's secrets vary in length; the default is short (22) on purpose.</param>
    /// <param name="sandboxBase">This Sandbox's address, for the public key URL of the signed notification.</param>
    public async Task<InstalledConnector> InstallAsync(Uri manifestUrl, JsonObject? settings, string organization, int secretLength, Uri sandboxBase, CancellationToken ct)
    {
        var manifest = await _http.GetFromJsonAsync<JsonObject>(manifestUrl, ct)
            ?? throw new InvalidOperationException("The manifest is empty.");
        var subscription = (manifest["subscriptions"] as JsonArray)?.OfType<JsonObject>().Select(s => s["url"]?.ToString()).FirstOrDefault()
            ?? throw new InvalidOperationException("The manifest has no subscriptions[].url.");

        var privateSettings = new JsonObject();
        foreach (var setting in (manifest["private_settings"] as JsonArray ?? []).OfType<JsonObject>())
        {
            if (setting["name"]?.ToString() is { } name && setting["default"] is { } value)
            {
                privateSettings[name] = value.DeepClone();
            }
        }

        foreach (var (key, value) in settings ?? [])
        {
            privateSettings[key] = value?.DeepClone();
        }

        var connector = SandboxConnector.Create(privateSettings, organization, secretLength) with { Name = manifest["name"]?.ToString() ?? "connector" };
        var baseUrl = new Uri(manifestUrl, "./");
        _registry.Register(connector.Credentials);
        var notification = NotificationBuilder.Notification(connector, "ship:update", []);
        using var answer = await new NotificationSender(_keys, _registry, new Uri(sandboxBase, "hull/public-key"), _http).SendAsync(new Uri(baseUrl, subscription.TrimStart('/')), notification.ToJsonString(), ct);
        if (!answer.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"The connector answered the ship:update with {(int)answer.StatusCode}: {await answer.Content.ReadAsStringAsync(ct)}");
        }

        var installed = new InstalledConnector(connector, baseUrl, manifest);
        lock (_gate)
        {
            _installed[connector.Id] = installed;
        }

        return installed;
    }

    public InstalledConnector? Find(string id)
    {
        lock (_gate)
        {
            return _installed.GetValueOrDefault(id);
        }
    }

    /// <summary>Serves <paramref name="jsonLines"/> at <c>{sandbox}/hull/extracts/{id}</c> and POSTs its URL to the connector.</summary>
    public async Task<(int Status, string Body)> SendBatchAsync(InstalledConnector installed, Uri sandboxBase, string objectType, string jsonLines, CancellationToken ct)
    {
        var extractUrl = new Uri(sandboxBase, $"hull/extracts/{_extracts.Add(jsonLines)}");
        var route = objectType == "account_report" ? "batch-accounts" : "batch";
        var c = installed.Connector;
        var query = $"?organization={Uri.EscapeDataString(c.Organization)}&ship={Uri.EscapeDataString(c.Id)}&secret={Uri.EscapeDataString(c.Secret)}";
        var body = new JsonObject { ["url"] = extractUrl.ToString(), ["format"] = "json", ["object_type"] = objectType };
        using var response = await _http.PostAsync(new Uri(installed.BaseUrl, route + query),
            new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"), ct);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync(ct));
    }
}
