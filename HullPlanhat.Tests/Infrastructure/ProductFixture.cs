using System.Text.Json.Nodes;
using HullPlanhat.Sandbox;
using HullPlanhat.Sandbox.Client;
using HullPlanhat.Sandbox.Hull;
using HullPlanhat.Testing;
using Microsoft.Extensions.Logging;

namespace HullPlanhat.Tests.Infrastructure;

/// <summary>The product (<see cref="ProductHost"/>) started once per test collection.</summary>
public class ProductFixture : IAsyncLifetime
{
    private ProductHost host = null!;

    public SandboxServer Sandbox => host.Sandbox;
    public SandboxClient SandboxAdmin => host.SandboxAdmin;
    public NotificationSender Sender => host.Sender;
    public CapturedLogs Logs => host.Logs;
    public HttpClient Http => host.Http;
    public Uri BaseAddress => host.BaseAddress;
    public IServiceProvider Services => host.Services;

    /// <summary>Settings over <see cref="ProductHost"/>'s: small extract chunks, so batch tests of a few hundred lines cross chunk boundaries.</summary>
    protected virtual IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?> { ["Hull:ExtractLinesPerChunk"] = "100" };

    /// <summary>
    /// A second product alive beside the shared one (CI's <c>HULLPLANHAT_TEST_STORAGE</c>) needs an Azurite
    /// of its own: on one storage account two hosts take each other's queue messages.
    /// </summary>
    protected virtual bool PrivateStorage => false;

    public async Task InitializeAsync()
    {
        Current = this;
        host = await ProductHost.StartAsync(Settings, storage: PrivateStorage ? await AzuriteProcess.StartAsync(privateInstance: true) : null);
    }

    public async Task DisposeAsync() => await host.DisposeAsync();

    public Uri SmartNotifierUrl => host.SmartNotifierUrl;

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

        // 22 characters: shorter than the 256 bits IdentityModel wants for HS256, as some Hull secrets are.
        return new TestConnector(this, SandboxConnector.Create(privateSettings, secretLength: 22), token);
    }

    public Task RunFunctionAsync(string name) => host.RunFunctionAsync(name);

    /// <summary>The recent warnings and errors of the hosted product, for failure messages.</summary>
    private static string LastLogs => string.Join(Environment.NewLine, Current?.Logs.All.Where(l => l.Level >= LogLevel.Warning).TakeLast(10).Select(Line) ?? []);

    private static string Line(CapturedLog l) => $"  {l.Level} {l.EventName ?? l.Category}: {l.Message} {l.Exception}";

    private static ProductFixture? Current { get; set; }

    /// <summary>
    /// For a timed-out wait on one connector: its last log lines of any level, this product's last
    /// warnings, and what its queues still hold.
    /// </summary>
    public async Task<string> DiagnoseAsync(string connectorId)
    {
        var all = Logs.All;
        var queues = string.Join(", ", (await host.QueueDepthsAsync()).Select(q => $"{q.Key} {q.Value}"));
        return string.Join(Environment.NewLine,
            [$"Connector {connectorId}, last lines:", .. all.Where(l => l.Context.TryGetValue("id", out var id) && id as string == connectorId).TakeLast(25).Select(Line),
             "Product warnings:", .. all.Where(l => l.Level >= LogLevel.Warning).TakeLast(10).Select(Line),
             $"Queues (approximate messages): {queues}"]);
    }

    /// <param name="diagnostics">What to print beside the timeout (by default the last warnings of the last product started).</param>
    public static async Task WaitUntilAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null, Func<Task<string>>? diagnostics = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("Timed out waiting until " + what + Environment.NewLine + await (diagnostics ?? (() => Task.FromResult(LastLogs)))());
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
