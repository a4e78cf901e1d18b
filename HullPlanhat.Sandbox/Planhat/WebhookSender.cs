using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;

namespace HullPlanhat.Sandbox.Planhat;

/// <summary>
/// What a Planhat admin sets up with an Automation ("company / end user created or updated" →
/// "Call a webhook"): when a company or enduser of a tenant with a webhook URL is created or
/// changed through the API or the admin routes, POST <c>{"model": "company", "_id": "…"}</c> to it.
/// Sent in the background, in order of change, by a few workers; a failed call is not retried
/// (as a fire-and-forget automation step), the connector's timer is the safety net.
/// </summary>
public sealed class WebhookSender : IAsyncDisposable
{
    private const int Workers = 4;
    private readonly Channel<(Uri Url, JsonObject Body)> _pending = Channel.CreateUnbounded<(Uri, JsonObject)>();
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };
    private readonly Task[] _workers;

    public WebhookSender() => _workers = Enumerable.Range(0, Workers).Select(_ => Task.Run(SendLoopAsync)).ToArray();

    /// <summary>Queues the webhook of a created or changed object, if its tenant has one. Callers may hold the tenant lock.</summary>
    public void Changed(Tenant tenant, ObjectKind kind, JsonObject obj)
    {
        if (tenant.WebhookUrl is not { } url || kind is not (ObjectKind.Companies or ObjectKind.Endusers) || obj["_id"]?.ToString() is not { } id)
        {
            return;
        }

        _pending.Writer.TryWrite((url, new JsonObject { ["model"] = kind == ObjectKind.Companies ? "company" : "enduser", ["_id"] = id }));
    }

    private async Task SendLoopAsync()
    {
        await foreach (var (url, body) in _pending.Reader.ReadAllAsync())
        {
            try
            {
                using var response = await _http.PostAsJsonAsync(url, body);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // As an automation step that failed: the connector's interval import catches up.
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _pending.Writer.TryComplete();
        await Task.WhenAll(_workers).WaitAsync(TimeSpan.FromSeconds(5)).ContinueWith(_ => { });
        _http.Dispose();
    }
}
