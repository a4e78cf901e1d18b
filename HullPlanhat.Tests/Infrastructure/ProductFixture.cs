using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using HullPlanhat.Sandbox;
using HullPlanhat.Sandbox.Client;
using HullPlanhat.Sandbox.Hull;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Logging;

namespace HullPlanhat.Tests.Infrastructure;

/// <summary>
/// The product as it runs: Azurite, the Sandbox (Planhat + Hull over HTTP) and the SelfHost on
/// real Kestrel over loopback, started once per test collection. Timers are off; tests run them
/// through the admin endpoint, as on Azure.
/// </summary>
public sealed class ProductFixture : IAsyncLifetime
{
    public const string MasterKey = "test-master-key";
    private WebApplicationFactory<Program>? factory;

    public AzuriteFixture Azurite { get; private set; } = null!;
    public SandboxServer Sandbox { get; private set; } = null!;
    public SandboxClient SandboxAdmin { get; private set; } = null!;
    public NotificationSender Sender { get; private set; } = null!;
    public CapturedLogs Logs { get; } = new();
    public HttpClient Http { get; private set; } = null!;
    public Uri BaseAddress { get; private set; } = null!;
    public IServiceProvider Services => factory!.Services;

    /// <summary>Settings every test host gets; a test fixture may add to them.</summary>
    public Dictionary<string, string?> Settings { get; } = new();

    public async Task InitializeAsync()
    {
        Current = this;
        Azurite = await AzuriteFixture.StartAsync();
        Sandbox = await SandboxServer.StartAsync(new SandboxOptions());
        SandboxAdmin = Sandbox.CreateClient();
        Sender = Sandbox.CreateSender();

        var settings = new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = Azurite.ConnectionString,
            ["Planhat:ApiBaseUrl"] = Sandbox.PlanhatApiBaseUrl.ToString(),
            ["Planhat:AnalyticsBaseUrl"] = Sandbox.AnalyticsBaseUrl.ToString(),
            ["Planhat:RetryBaseDelay"] = "00:00:00.050",
            ["Planhat:MaxRetries"] = "8",
            ["Hull:FirehoseUrl"] = Sandbox.FirehoseUrl.ToString(),
            ["Hull:ApiBaseUrl"] = new Uri(Sandbox.BaseAddress, "hull/api/v1/").ToString(),
            ["Hull:TrustedKeyHosts"] = "127.0.0.1",
            ["Outbox:RetryDelay"] = "00:00:00",
            ["SelfHost:MasterKey"] = MasterKey,
            ["SelfHost:MaxPollingInterval"] = "00:00:00.200",
            ["AzureWebJobs:FlushOutbox:Disabled"] = "true",
            ["AzureWebJobs:FetchCompanies:Disabled"] = "true",
            ["AzureWebJobs:FetchEndusers:Disabled"] = "true",
        };
        foreach (var (key, value) in Settings)
        {
            settings[key] = value;
        }

        factory = new WebApplicationFactory<Program>().WithWebHostBuilder(builder =>
        {
            foreach (var (key, value) in settings)
            {
                builder.UseSetting(key, value);
            }

            builder.ConfigureLogging(logging => logging.AddProvider(Logs).SetMinimumLevel(LogLevel.Debug));
        });
        factory.UseKestrel(0);
        factory.StartServer();
        Http = factory.CreateClient();
        BaseAddress = Http.BaseAddress!;
    }

    public async Task DisposeAsync()
    {
        Http?.Dispose();
        if (factory is not null)
        {
            await factory.DisposeAsync();
        }

        SandboxAdmin?.Dispose();
        await Sandbox.DisposeAsync();
        await Azurite.DisposeAsync();
    }

    public Uri SmartNotifierUrl => new(BaseAddress, "smart-notifier");

    /// <summary>A connector whose Planhat is a fresh Sandbox tenant (with the given team members).</summary>
    public async Task<TestConnector> CreateConnectorAsync(JsonObject? settings = null, IEnumerable<JsonObject>? planhatUsers = null)
    {
        var token = "pat-" + Guid.NewGuid().ToString("N");
        var tenantId = "tenant-" + Guid.NewGuid().ToString("N");
        await SandboxAdmin.CreateTenantAsync(token, tenantId, users: planhatUsers);
        var privateSettings = new JsonObject
        {
            ["personal_acccess_token"] = token,
            ["tenant_id"] = tenantId,
            ["account_synchronized_segments"] = new JsonArray("seg-accounts"),
            ["contact_synchronized_segments"] = new JsonArray("seg-users"),
            ["account_attributes_outbound"] = new JsonArray(new JsonObject { ["hull_field_name"] = "name", ["service_field_name"] = "name" }),
        };
        foreach (var (key, value) in settings ?? [])
        {
            privateSettings[key] = value?.DeepClone();
        }

        return new TestConnector(this, SandboxConnector.Create(privateSettings), token);
    }

    public async Task RunFunctionAsync(string name)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"admin/functions/{name}");
        request.Headers.Add("x-functions-key", MasterKey);
        using var response = await Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    /// <summary>The recent warnings and errors of the hosted product, for failure messages.</summary>
    private static string LastLogs => string.Join(Environment.NewLine, Current?.Logs.All.Where(l => l.Level >= LogLevel.Warning).TakeLast(10)
        .Select(l => $"{l.Level} {l.EventName ?? l.Category}: {l.Message} {l.Exception}") ?? []);

    private static ProductFixture? Current { get; set; }

    public static async Task WaitUntilAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("Timed out waiting until " + what + Environment.NewLine + LastLogs);
            }

            await Task.Delay(100);
        }
    }
}

[CollectionDefinition(Name)]
public sealed class ProductCollection : ICollectionFixture<ProductFixture>
{
    public const string Name = "Product";
}
