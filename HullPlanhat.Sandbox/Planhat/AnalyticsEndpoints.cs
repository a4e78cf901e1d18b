using System.Text.Json.Nodes;
using HullPlanhat.Sandbox.Infrastructure;

namespace HullPlanhat.Sandbox.Planhat;

/// <summary>
/// The analytics host under <c>/planhat-analytics</c>: no auth, always 200 (unless a tenant's fault config
/// includes analytics), not rate limited. Activities are recorded in the tenant found by tenant id.
/// </summary>
public sealed class AnalyticsEndpoints
{
    public const string Prefix = "/planhat-analytics";
    private readonly TenantStore _tenants;
    private readonly SandboxClock _clock;

    public AnalyticsEndpoints(TenantStore tenants, SandboxClock clock)
    {
        _tenants = tenants;
        _clock = clock;
    }

    public void Map(IEndpointRouteBuilder app)
    {
        var group = app.MapGroup(Prefix);
        group.MapPost("/analytics/{tenantId}", (HttpContext ctx, string tenantId) => Record(ctx, tenantId, bulk: false));
        group.MapPost("/analytics/bulk/{tenantId}", (HttpContext ctx, string tenantId) => Record(ctx, tenantId, bulk: true));
    }

    private async Task Record(HttpContext ctx, string tenantId, bool bulk)
    {
        var body = await JsonBody.ReadAsync(ctx.Request, ctx.RequestAborted);
        var itemCount = (body.Node as JsonArray)?.Count;
        var tenant = _tenants.ByTenantId(tenantId);
        if (tenant is null)
        {
            await Ok(ctx);
            return;
        }

        if (tenant.Faults.NextFault(isAnalytics: true) is { } status)
        {
            await PlanhatGate.Fault(ctx, status);
        }
        else
        {
            await PlanhatGate.RunWithAfterWriteFaultAsync(ctx, tenant.Faults.NextAfterWrite(isAnalytics: true), tenant.Faults.Config.SlowReplyMilliseconds,
                () => Store(ctx, tenant, body, bulk));
        }

        ctx.Request.Path.StartsWithSegments(Prefix, out var rest);
        tenant.Calls.Add(new SandboxCall(
            ctx.Request.Method,
            rest.Value ?? "/",
            ctx.Request.QueryString.Value ?? string.Empty,
            ctx.Response.StatusCode,
            itemCount,
            _clock.Now));
    }

    private static Task Store(HttpContext ctx, Tenant tenant, JsonBody.Parsed body, bool bulk)
    {
        var activities = bulk && body.Node is JsonArray array
            ? JsonBody.Detach(array).OfType<JsonObject>().ToList()
            : body.Node is JsonObject single ? [single] : [];
        lock (tenant.Sync)
        {
            tenant.Activities.AddRange(activities);
        }

        return Ok(ctx);
    }

    private static Task Ok(HttpContext ctx) =>
        Results.Json(new JsonObject { ["processed"] = true }).ExecuteAsync(ctx);
}
