using System.Net;
using HullPlanhat.Sandbox.Admin;
using HullPlanhat.Sandbox.Client;
using HullPlanhat.Sandbox.Hull;
using HullPlanhat.Sandbox.Infrastructure;
using HullPlanhat.Sandbox.Planhat;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace HullPlanhat.Sandbox;

/// <summary>
/// A running sandbox: a Kestrel server on 127.0.0.1 that simulates Planhat (<c>/planhat</c>,
/// <c>/planhat-analytics</c>), Hull (<c>/hull</c>) and an admin API (<c>/_sandbox</c>), all state in memory.
/// </summary>
public sealed class SandboxServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly SandboxState _state;
    private readonly HttpClient _http = new();
    private int _disposed;

    private SandboxServer(WebApplication app, SandboxState state, Uri baseAddress)
    {
        _app = app;
        _state = state;
        BaseAddress = baseAddress;
        PlanhatApiBaseUrl = new Uri(baseAddress, "planhat");
        AnalyticsBaseUrl = new Uri(baseAddress, "planhat-analytics");
        FirehoseUrl = new Uri(baseAddress, "hull/firehose");
        PublicKeyUrl = new Uri(baseAddress, "hull/public-key");
    }

    /// <summary>e.g. <c>http://127.0.0.1:54321/</c>.</summary>
    public Uri BaseAddress { get; }

    /// <summary><c>BaseAddress + "planhat"</c>; the product appends <c>/companies</c> etc.</summary>
    public Uri PlanhatApiBaseUrl { get; }

    /// <summary><c>BaseAddress + "planhat-analytics"</c>; the product appends <c>/analytics/{tenantId}</c>.</summary>
    public Uri AnalyticsBaseUrl { get; }

    public Uri FirehoseUrl { get; }

    public Uri PublicKeyUrl { get; }

    /// <summary>Signalled when the host is asked to stop (SIGINT/SIGTERM when run standalone).</summary>
    internal CancellationToken Stopping => _app.Lifetime.ApplicationStopping;

    /// <summary>PEM of the Hull public key served at <see cref="PublicKeyUrl"/>.</summary>
    public string PublicKeyPem => _state.Keys.PublicKeyPem;

    public static async Task<SandboxServer> StartAsync(SandboxOptions options, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(SandboxServer).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, options.Port);
            kestrel.Limits.MaxRequestBodySize = 512L * 1024 * 1024;
        });
        builder.Logging.ClearProviders();
        if (options.EnableLogging)
        {
            builder.Logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning);
        }

        var state = new SandboxState(options);
        var app = builder.Build();
        state.Map(app);
        await app.StartAsync(ct);

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
            ?? throw new InvalidOperationException("Kestrel reported no address");
        return new SandboxServer(app, state, new Uri(address.TrimEnd('/') + "/"));
    }

    /// <summary>A typed client of the admin API (it owns its own HttpClient).</summary>
    /// <summary>A connector registered with the fake Hull (credentials, status, credential reads), or null.</summary>
    public RegisteredConnector? HullConnector(string id) => _state.Connectors.Find(id);

    public SandboxClient CreateClient() => new(new HttpClient { BaseAddress = BaseAddress }, ownsClient: true);

    /// <summary>A notification sender that POSTs over this server's HttpClient.</summary>
    public NotificationSender CreateSender() => CreateSender(_http);

    /// <summary>A notification sender that POSTs with <paramref name="httpClient"/> (e.g. a TestServer client).</summary>
    public NotificationSender CreateSender(HttpClient httpClient) =>
        new(_state.Keys, _state.Connectors, PublicKeyUrl, httpClient);

    /// <summary>Creates a tenant directly (same as <c>POST /_sandbox/tenants</c>); null if the token or id is taken.</summary>
    public SandboxTenant? CreateTenant(string token, string tenantId, int? requestsPerMinute = null, IEnumerable<System.Text.Json.Nodes.JsonObject>? users = null) =>
        _state.TenantAdmin.CreateTenant(new CreateTenantRequest(token, tenantId, requestsPerMinute, users?.ToList()));

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await _app.StopAsync();
        await _app.DisposeAsync();
        _http.Dispose();
        _state.Dispose();
    }
}
