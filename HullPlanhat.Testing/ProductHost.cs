using System.Net;
using HullPlanhat.Sandbox;
using HullPlanhat.Sandbox.Client;
using HullPlanhat.Sandbox.Hull;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using HullPlanhat.Core.Hosting;
using HullPlanhat.Core.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace HullPlanhat.Testing;

/// <summary>
/// The product as it runs: Azurite, the Sandbox (Planhat + Hull over HTTP) and the SelfHost on
/// real Kestrel over loopback. Timers are off; callers run them through the admin endpoint.
/// </summary>
public sealed class ProductHost : IAsyncDisposable
{
    public const string MasterKey = "test-master-key";
    private WebApplicationFactory<Program>? factory;
    private static int hostsOnSharedStorage;
    private bool onSharedStorage;

    private ProductHost(CapturedLogs logs) => Logs = logs;

    public AzuriteProcess Azurite { get; private set; } = null!;
    /// <summary>The in-process Sandbox; null when the host uses an external one.</summary>
    public SandboxServer Sandbox { get; private set; } = null!;
    public SandboxClient SandboxAdmin { get; private set; } = null!;
    public NotificationSender Sender { get; private set; } = null!;
    public CapturedLogs Logs { get; }
    public HttpClient Http { get; private set; } = null!;
    public Uri BaseAddress { get; private set; } = null!;
    public IServiceProvider Services => factory!.Services;
    public Uri SmartNotifierUrl => new(BaseAddress, "smart-notifier");

    /// <param name="settings">Host settings on top of the test defaults.</param>
    /// <param name="logs">Which log lines to keep (all by default); benchmarks keep only those they wait for.</param>
    /// <param name="externalSandbox">A Sandbox running in another process (benchmarks measure the product alone); its notifications are signed through its admin API.</param>
    /// <param name="storage">Storage to use instead of a fresh Azurite (e.g. one <see cref="AzuriteProcess.Reserve"/>d and started later).</param>
    public static async Task<ProductHost> StartAsync(IReadOnlyDictionary<string, string?>? settings = null, CapturedLogs? logs = null, Uri? externalSandbox = null,
        AzuriteProcess? storage = null)
    {
        var host = new ProductHost(logs ?? new CapturedLogs());
        if (storage is null)
        {
            // Where CI names one emulator for every test, two hosts on it would take each other's queue
            // messages (and flush each other's outbox): a race that fails only there, so refuse it everywhere.
            if (Interlocked.Increment(ref hostsOnSharedStorage) > 1)
            {
                Interlocked.Decrement(ref hostsOnSharedStorage);
                throw new InvalidOperationException("Another ProductHost on the shared test storage is running. Give this one its own: storage: await AzuriteProcess.StartAsync(privateInstance: true).");
            }

            host.onSharedStorage = true;
        }

        try
        {
            await host.LaunchAsync(settings, externalSandbox, storage);
            return host;
        }
        catch
        {
            // Whatever did start is stopped, and the shared storage is free again for the next host.
            await host.DisposeAsync();
            throw;
        }
    }

    private async Task LaunchAsync(IReadOnlyDictionary<string, string?>? settings, Uri? externalSandbox, AzuriteProcess? storage)
    {
        Azurite = storage ?? await AzuriteProcess.StartAsync();
        Uri sandboxBase;
        if (externalSandbox is null)
        {
            Sandbox = await SandboxServer.StartAsync(new SandboxOptions());
            SandboxAdmin = Sandbox.CreateClient();
            Sender = Sandbox.CreateSender();
            sandboxBase = Sandbox.BaseAddress;
        }
        else
        {
            SandboxAdmin = new SandboxClient(externalSandbox);
            sandboxBase = externalSandbox;
        }

        var all = new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = Azurite.ConnectionString,
            ["Planhat:ApiBaseUrl"] = new Uri(sandboxBase, "planhat").ToString(),
            ["Planhat:AnalyticsBaseUrl"] = new Uri(sandboxBase, "planhat-analytics").ToString(),
            ["Planhat:RetryBaseDelay"] = "00:00:00.050",
            ["Planhat:MaxRetries"] = "8",
            ["Hull:FirehoseUrl"] = new Uri(sandboxBase, "hull/firehose").ToString(),
            ["Hull:ApiBaseUrl"] = new Uri(sandboxBase, "hull/api/v1").ToString(),
            ["Hull:TrustedKeyHosts"] = "127.0.0.1",
            ["Hull:TrustedExtractHosts"] = "127.0.0.1",
            ["Outbox:RetryDelay"] = "00:00:00",
            // Tests flush on demand and expect every staged row sent; holding partial chunks is tested apart (PartialChunkTests).
            ["Outbox:PartialChunkHold"] = "00:00:00",
            ["Outbox:EventChunkHold"] = "00:00:00",
            ["SelfHost:MasterKey"] = MasterKey,
            ["SelfHost:MaxPollingInterval"] = "00:00:00.200",
            ["AzureWebJobs:FlushOutbox:Disabled"] = "true",
            ["AzureWebJobs:FetchCompanies:Disabled"] = "true",
            ["AzureWebJobs:FetchEndusers:Disabled"] = "true",
            ["AzureWebJobs:Housekeeping:Disabled"] = "true",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        factory = new WebApplicationFactory<Program>().WithWebHostBuilder(builder =>
        {
            foreach (var (key, value) in all)
            {
                builder.UseSetting(key, value);
            }

            builder.ConfigureLogging(logging => logging.AddProvider(Logs).SetMinimumLevel(LogLevel.Debug));
        });
        factory.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        factory.StartServer();
        Http = factory.CreateClient();
        Http.Timeout = TimeSpan.FromMinutes(10);
        BaseAddress = Http.BaseAddress!;
    }

    /// <summary>Runs a timer function to completion through <c>POST /admin/functions/{name}</c>.</summary>
    public async Task RunFunctionAsync(string name, TimeSpan? timeout = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"admin/functions/{name}");
        request.Headers.Add("x-functions-key", MasterKey);
        // A benchmark's run of a timer function over a million objects may outlast the client's 10 minutes.
        using var runClient = factory!.CreateClient();
        runClient.Timeout = Timeout.InfiniteTimeSpan;
        using var deadline = new CancellationTokenSource(timeout ?? Http.Timeout);
        using var response = await runClient.SendAsync(request, deadline.Token);
        if (response.StatusCode != HttpStatusCode.Accepted)
        {
            throw new InvalidOperationException($"{name} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }
    }

    /// <summary>Each trigger queue's approximate message count (or the error that read gave), for failure messages.</summary>
    public async Task<IReadOnlyDictionary<string, string>> QueueDepthsAsync()
    {
        var storage = Services.GetRequiredService<StorageClients>();
        var depths = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var queue in TriggerTable.All.Select(t => t.Queue).OfType<string>())
        {
            try
            {
                depths[queue] = (await storage.Queue(queue).GetPropertiesAsync()).Value.ApproximateMessagesCount.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
            catch (Exception e)
            {
                depths[queue] = e.GetType().Name;
            }
        }

        return depths;
    }

    public async ValueTask DisposeAsync()
    {
        Http?.Dispose();
        if (factory is not null)
        {
            await factory.DisposeAsync();
        }

        SandboxAdmin?.Dispose();
        if (Sandbox is not null)
        {
            await Sandbox.DisposeAsync();
        }

        if (Azurite is not null)
        {
            await Azurite.DisposeAsync();
        }

        if (onSharedStorage)
        {
            onSharedStorage = false;
            Interlocked.Decrement(ref hostsOnSharedStorage);
        }
    }
}
