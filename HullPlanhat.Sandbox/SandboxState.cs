using HullPlanhat.Sandbox.Admin;
using HullPlanhat.Sandbox.Hull;
using HullPlanhat.Sandbox.Infrastructure;
using HullPlanhat.Sandbox.Planhat;

namespace HullPlanhat.Sandbox;

/// <summary>Everything a sandbox holds, wired together, and the mapping of its routes.</summary>
internal sealed class SandboxState : IDisposable
{
    private readonly PlanhatGate _gate;
    private readonly PlanhatEndpoints _planhat;
    private readonly AnalyticsEndpoints _analytics;
    private readonly HullEndpoints _hull;
    private readonly HullAdminEndpoints _hullAdmin;
    private readonly HullInstallEndpoints _hullInstall;

    public SandboxState(SandboxOptions options)
    {
        var clock = new SandboxClock(options.TimeProvider);
        var stamper = new ObjectStamper(new ObjectIdGenerator(options.TimeProvider), clock);
        Webhooks = new WebhookSender();
        var objects = new TenantObjects(stamper, Webhooks);
        Tenants = new TenantStore(options.TimeProvider, options.RequestsPerMinute);
        Keys = new HullKeys(options.TimeProvider);
        Connectors = new ConnectorRegistry();
        _gate = new PlanhatGate(Tenants, clock, options.RequestsPerMinute);
        _planhat = new PlanhatEndpoints(objects, new BulkUpsert(stamper, Webhooks), options.MaxPageSize);
        _analytics = new AnalyticsEndpoints(Tenants, clock);
        _hull = new HullEndpoints(Keys, new FirehoseSink(Connectors, clock), Connectors);
        TenantAdmin = new TenantAdminEndpoints(Tenants, objects);
        _hullAdmin = new HullAdminEndpoints(Connectors, Keys);
        var extracts = new ExtractStore();
        _hullInstall = new HullInstallEndpoints(new HullInstaller(Connectors, extracts, Keys), extracts);
    }

    public TenantStore Tenants { get; }

    public WebhookSender Webhooks { get; }

    public HullKeys Keys { get; }

    public ConnectorRegistry Connectors { get; }

    public TenantAdminEndpoints TenantAdmin { get; }

    public void Map(WebApplication app)
    {
        app.UseWhen(PlanhatGate.Applies, branch => branch.Use((ctx, next) => _gate.InvokeAsync(ctx, next)));
        _planhat.Map(app);
        _analytics.Map(app);
        _hull.Map(app);
        TenantAdmin.Map(app);
        _hullAdmin.Map(app);
        _hullInstall.Map(app);
    }

    public void Dispose()
    {
        Keys.Dispose();
        Webhooks.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }
}
