using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using HullPlanhat.Sandbox.Admin;
using HullPlanhat.Sandbox.Client;

namespace HullPlanhat.Sandbox.Tests;

/// <summary>One sandbox server shared by the tests of a collection; each test makes its own tenant.</summary>
public sealed class SandboxFixture : IAsyncLifetime
{
    private SandboxServer? _server;
    private SandboxClient? _client;

    public SandboxServer Server => _server ?? throw new InvalidOperationException("not started");

    public SandboxClient Admin => _client ?? throw new InvalidOperationException("not started");

    public async Task InitializeAsync()
    {
        _server = await SandboxServer.StartAsync(new SandboxOptions { MaxPageSize = 5000 });
        _client = _server.CreateClient();
    }

    public async Task DisposeAsync()
    {
        _client?.Dispose();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    /// <summary>An HttpClient on the Planhat API base URL (with a trailing slash) carrying the tenant's bearer token.</summary>
    public HttpClient Planhat(SandboxTenant tenant)
    {
        var http = new HttpClient { BaseAddress = new Uri(Server.PlanhatApiBaseUrl + "/") };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", tenant.Token);
        return http;
    }

    public static StringContent Json(JsonNode node) => new(node.ToJsonString(), Encoding.UTF8, "application/json");

    public static async Task<JsonNode> ReadJson(HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
}

[CollectionDefinition(Name)]
public sealed class SandboxCollection : ICollectionFixture<SandboxFixture>
{
    public const string Name = "sandbox";
}
