using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace HullPlanhat.Sandbox.Hull;

/// <summary>
/// Signs Hull smart-notifier bodies with the sandbox's Hull key and POSTs them to a connector. Sending also
/// registers the body's <c>configuration</c> connector with the firehose sink so the connector can write back.
/// </summary>
public sealed class NotificationSender
{
    private readonly HullKeys _keys;
    private readonly ConnectorRegistry _registry;
    private readonly HttpClient _http;

    internal NotificationSender(HullKeys keys, ConnectorRegistry registry, Uri publicKeyUrl, HttpClient http)
    {
        _keys = keys;
        _registry = registry;
        PublicKeyUrl = publicKeyUrl;
        _http = http;
    }

    /// <summary>The URL sent in <c>x-hull-smart-notifier-signature-public-key-url</c>.</summary>
    public Uri PublicKeyUrl { get; }

    public Task<HttpResponseMessage> SendAsync(Uri target, string notificationJson, CancellationToken ct = default) =>
        SendAsync(target, notificationJson, SignatureOptions.Valid, ct);

    public async Task<HttpResponseMessage> SendAsync(Uri target, string notificationJson, SignatureOptions options, CancellationToken ct = default)
    {
        using var request = CreateRequest(target, notificationJson, options);
        return await _http.SendAsync(request, ct);
    }

    /// <summary>Builds the signed POST (and registers the connector) without sending it, e.g. for a TestServer client.</summary>
    public HttpRequestMessage CreateRequest(Uri target, string notificationJson, SignatureOptions? options = null)
    {
        options ??= SignatureOptions.Valid;
        var (notificationId, connector) = Inspect(notificationJson);
        if (connector is not null && options.RegisterConnector)
        {
            _registry.Register(connector);
        }

        var request = new HttpRequestMessage(HttpMethod.Post, target)
        {
            Content = new StringContent(notificationJson, Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation("x-hull-smart-notifier", "true");
        if (!options.OmitSignatureHeaders)
        {
            var signature = _keys.Sign(options.JtiOverride ?? notificationId ?? string.Empty, options.ForgedKey, withExpiry: !options.OmitExpiry);
            request.Headers.TryAddWithoutValidation("x-hull-smart-notifier-signature-version", "v1");
            request.Headers.TryAddWithoutValidation("x-hull-smart-notifier-signature", signature);
            request.Headers.TryAddWithoutValidation("x-hull-smart-notifier-signature-public-key-url", PublicKeyUrl.ToString());
        }

        return request;
    }

    /// <summary>RS256 JWT (<c>jti</c> = notification id, 1 h lifetime) signed with the served key, or a forged one.</summary>
    public string CreateSignature(string notificationId, bool forged = false) => _keys.Sign(notificationId, forged);

    private static (string? NotificationId, HullConnectorCredentials? Connector) Inspect(string json)
    {
        try
        {
            if (JsonNode.Parse(json) is not JsonObject body)
            {
                return (null, null);
            }

            var id = body["notification_id"]?.GetValueKind() == JsonValueKind.String ? body["notification_id"]!.GetValue<string>() : null;
            var config = body["configuration"] as JsonObject;
            var connectorId = config?["id"]?.ToString();
            var secret = config?["secret"]?.ToString();
            var connector = string.IsNullOrEmpty(connectorId) || string.IsNullOrEmpty(secret)
                ? null
                : new HullConnectorCredentials(connectorId, config?["organization"]?.ToString() ?? string.Empty, secret);
            return (id, connector);
        }
        catch (JsonException)
        {
            return (null, null);
        }
    }
}
