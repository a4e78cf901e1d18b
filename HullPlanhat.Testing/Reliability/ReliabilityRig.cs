using System.Text.Json.Nodes;
using HullPlanhat.Sandbox;
using HullPlanhat.Sandbox.Client;
using HullPlanhat.Sandbox.Hull;

namespace HullPlanhat.Testing.Reliability;

/// <summary>
/// The product as an operator runs it, for the reliability cases: a private Azurite (on disk when
/// the case stops it), the Sandbox's Planhat and Hull over loopback, and SelfHost processes
/// (<c>dotnet HullPlanhat.SelfHost.dll</c>) with their timers on, any number on the same storage.
/// </summary>
public sealed class ReliabilityRig : IAsyncDisposable
{
    public const string MasterKey = "reliability-key";
    private readonly List<SelfHostProcess> hosts = [];
    private readonly IReadOnlyDictionary<string, string> settings;

    private ReliabilityRig(AzuriteProcess storage, SandboxServer sandbox, IReadOnlyDictionary<string, string> settings)
    {
        Storage = storage;
        Sandbox = sandbox;
        Admin = sandbox.CreateClient();
        Sender = sandbox.CreateSender();
        this.settings = settings;
    }

    public AzuriteProcess Storage { get; }
    public SandboxServer Sandbox { get; }
    public SandboxClient Admin { get; }
    public NotificationSender Sender { get; }

    /// <summary>Every host started so far, killed ones included (their log lines stay readable).</summary>
    public IReadOnlyList<SelfHostProcess> Hosts => hosts;

    /// <param name="flushEvery">The FlushOutbox schedule's period (whole seconds).</param>
    /// <param name="settings">Host settings as environment variables, on top of the rig's.</param>
    public static async Task<ReliabilityRig> StartAsync(int flushEvery, bool storageOnDisk = false, IReadOnlyDictionary<string, string>? settings = null)
    {
        var storage = await AzuriteProcess.StartAsync(privateInstance: true, onDisk: storageOnDisk);
        var sandbox = await SandboxServer.StartAsync(new SandboxOptions());
        var all = new Dictionary<string, string>
        {
            ["AzureWebJobsStorage"] = storage.ConnectionString,
            ["Planhat__ApiBaseUrl"] = new Uri(sandbox.BaseAddress, "planhat").ToString(),
            ["Planhat__AnalyticsBaseUrl"] = new Uri(sandbox.BaseAddress, "planhat-analytics").ToString(),
            ["Planhat__RetryBaseDelay"] = "00:00:00.200",
            ["Hull__FirehoseUrl"] = new Uri(sandbox.BaseAddress, "hull/firehose").ToString(),
            ["Hull__ApiBaseUrl"] = new Uri(sandbox.BaseAddress, "hull/api/v1").ToString(),
            ["Hull__TrustedKeyHosts"] = "127.0.0.1",
            ["Outbox__RetryDelay"] = "00:00:01",
            ["Outbox__RepeatEvery"] = $"00:00:{flushEvery:D2}",
            ["Schedules__FlushOutbox"] = $"*/{flushEvery} * * * * *",
            ["SelfHost__MasterKey"] = MasterKey,
            ["SelfHost__MaxPollingInterval"] = "00:00:00.500",
            ["AzureWebJobs__FetchCompanies__Disabled"] = "true",
            ["AzureWebJobs__FetchEndusers__Disabled"] = "true",
            ["Logging__LogLevel__HullPlanhat.SelfHost.Hosting.TimerScheduler"] = "Debug",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            all[key] = value;
        }

        return new ReliabilityRig(storage, sandbox, all);
    }

    /// <summary>Starts one more SelfHost process on the rig's storage; returns once its <c>/health</c> answers 200.</summary>
    public async Task<SelfHostProcess> StartHostAsync()
    {
        var host = await SelfHostProcess.StartAsync(settings);
        hosts.Add(host);
        return host;
    }

    /// <summary>A Hull connector and its own Planhat tenant; its settings sync accounts (with licenses, keyless ones too), users and one event.</summary>
    public async Task<SandboxConnector> CreateConnectorAsync(string? planhatToken = null)
    {
        var token = planhatToken ?? "pat-" + Guid.NewGuid().ToString("N");
        var tenantId = "tenant-" + Guid.NewGuid().ToString("N");
        if (planhatToken is null)
        {
            await Admin.CreateTenantAsync(token, tenantId);
        }
        else
        {
            tenantId = (await Admin.GetTenantAsync(token)).TenantId;
        }

        return SandboxConnector.Create(new JsonObject
        {
            ["personal_acccess_token"] = token,
            ["tenant_id"] = tenantId,
            ["account_synchronized_segments"] = new JsonArray(ReliabilityLoad.AccountSegment),
            ["contact_synchronized_segments"] = new JsonArray(ReliabilityLoad.UserSegment),
            ["account_require_externalid"] = false,
            ["account_attributes_outbound"] = new JsonArray(Mapping("name", "name")),
            ["contact_attributes_outbound"] = new JsonArray(Mapping("name", "name"), Mapping("email", "email"), Mapping("external_id", "externalId")),
            ["contact_events"] = new JsonArray(ReliabilityLoad.EventName),
            ["account_licenses_attribute"] = ReliabilityLoad.LicensesAttribute,
            ["account_licenses_attributes_outbound"] = new JsonArray(Mapping("id", "externalId"), Mapping("product", "product")),
        }, secretLength: 22);
    }

    public static string TokenOf(SandboxConnector connector) => connector.PrivateSettings["personal_acccess_token"]!.ToString();

    private static JsonObject Mapping(string hull, string planhat) => new() { ["hull_field_name"] = hull, ["service_field_name"] = planhat };

    public async ValueTask DisposeAsync()
    {
        foreach (var host in hosts)
        {
            await host.DisposeAsync();
        }

        Admin.Dispose();
        await Sandbox.DisposeAsync();
        await Storage.DisposeAsync();
    }
}
