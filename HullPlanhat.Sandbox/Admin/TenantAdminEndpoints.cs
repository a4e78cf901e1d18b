using System.Text.Json.Nodes;
using HullPlanhat.Sandbox.Faults;
using HullPlanhat.Sandbox.Infrastructure;
using HullPlanhat.Sandbox.Planhat;

namespace HullPlanhat.Sandbox.Admin;

/// <summary>Tenant admin routes under <c>/_sandbox/tenants</c> (no auth, never logged as API calls).</summary>
public sealed class TenantAdminEndpoints
{
    private readonly TenantStore _tenants;
    private readonly TenantObjects _objects;

    public TenantAdminEndpoints(TenantStore tenants, TenantObjects objects)
    {
        _tenants = tenants;
        _objects = objects;
    }

    public void Map(IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/_sandbox/tenants");
        group.MapPost("/", (Delegate)Create);
        group.MapGet("/{token}", (string token) => WithTenant(token, t => Results.Json(Describe(t))));
        group.MapPut("/{token}/faults", SetFaults);
        group.MapPut("/{token}/rate-limit", SetRateLimit);
        group.MapPut("/{token}/webhook", SetWebhook);
        group.MapDelete("/{token}/webhook", (string token) => WithTenant(token, t => { t.WebhookUrl = null; return Results.NoContent(); }));
        group.MapGet("/{token}/calls", (string token) => WithTenant(token, t => Results.Json(t.Calls.Snapshot())));
        group.MapDelete("/{token}/calls", (string token) => WithTenant(token, t => { t.Calls.Clear(); return Results.NoContent(); }));
        group.MapGet("/{token}/objects/{type}", (string token, string type) => WithKind(token, type, ListObjects));
        group.MapPost("/{token}/objects/{type}", Seed);
        group.MapPatch("/{token}/objects/{type}/{id}", Modify);
        group.MapDelete("/{token}/objects/{type}/{id}", (string token, string type, string id) =>
            WithKind(token, type, (t, k) => _objects.Delete(t, k, id) ? Results.NoContent() : JsonResults.Error(404, "Not found")));
        group.MapGet("/{token}/analytics", (string token) => WithTenant(token, ListActivities));
        group.MapDelete("/{token}/analytics", (string token) => WithTenant(token, ClearActivities));
    }

    /// <summary>Creates a tenant and seeds its Planhat users; the rest of the server uses it from then on.</summary>
    public SandboxTenant? CreateTenant(CreateTenantRequest request)
    {
        if (_tenants.TryCreate(request.Token, request.TenantId, request.RequestsPerMinute) is not { } tenant)
        {
            return null;
        }

        if (request.Users is { Count: > 0 } users)
        {
            _objects.Seed(tenant, ObjectKind.Users, users.Select(u => (JsonObject)u.DeepClone()));
        }

        return Describe(tenant);
    }

    private async Task<IResult> Create(HttpContext ctx)
    {
        var request = await AdminJson.ReadAsync<CreateTenantRequest>(ctx);
        if (request is null || string.IsNullOrEmpty(request.Token) || string.IsNullOrEmpty(request.TenantId))
        {
            return JsonResults.Error(400, "token and tenantId are required");
        }

        return CreateTenant(request) is { } created
            ? Results.Json(created, statusCode: StatusCodes.Status201Created)
            : JsonResults.Error(409, "A tenant with this token or tenantId exists");
    }

    private async Task<IResult> SetFaults(HttpContext ctx, string token)
    {
        if (_tenants.ByToken(token) is not { } tenant)
        {
            return UnknownTenant();
        }

        var config = await AdminJson.ReadAsync<FaultConfig>(ctx);
        if (config is null)
        {
            return JsonResults.Error(400, "Invalid fault config");
        }

        tenant.Faults.Configure(config);
        return Results.Json(config);
    }

    private async Task<IResult> SetRateLimit(HttpContext ctx, string token)
    {
        if (_tenants.ByToken(token) is not { } tenant)
        {
            return UnknownTenant();
        }

        var request = await AdminJson.ReadAsync<RateLimitRequest>(ctx);
        tenant.RateLimit.Reset(request?.RequestsPerMinute);
        return Results.Json(Describe(tenant));
    }

    private async Task<IResult> SetWebhook(HttpContext ctx, string token)
    {
        if (_tenants.ByToken(token) is not { } tenant)
        {
            return UnknownTenant();
        }

        var request = await AdminJson.ReadAsync<WebhookRequest>(ctx);
        if (!Uri.TryCreate(request?.Url, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
        {
            return JsonResults.Error(400, "url must be an absolute http(s) URL");
        }

        tenant.WebhookUrl = url;
        return Results.NoContent();
    }

    private IResult ListObjects(Tenant tenant, ObjectKind kind) =>
        JsonResults.Bytes(_objects.List(tenant, kind, [], new Paging(0, int.MaxValue)));

    private async Task<IResult> Seed(HttpContext ctx, string token, string type)
    {
        if (_tenants.ByToken(token) is not { } tenant)
        {
            return UnknownTenant();
        }

        if (!ObjectKinds.TryParse(type, out var kind))
        {
            return JsonResults.Error(404, $"Unknown object type {type}");
        }

        var body = await JsonBody.ReadAsync(ctx.Request, ctx.RequestAborted);
        if (body.Node is not JsonArray array)
        {
            return JsonResults.Error(400, "Body must be a JSON array of objects");
        }

        var ids = new JsonArray();
        var objects = JsonBody.Detach(array).OfType<JsonObject>().ToList();
        var count = _objects.Seed(tenant, kind, objects);
        foreach (var obj in objects)
        {
            ids.Add(obj["_id"]?.GetValue<string>());
        }

        return JsonResults.Node(new JsonObject { ["seeded"] = count, ["ids"] = ids }, StatusCodes.Status201Created);
    }

    private async Task<IResult> Modify(HttpContext ctx, string token, string type, string id)
    {
        if (_tenants.ByToken(token) is not { } tenant)
        {
            return UnknownTenant();
        }

        if (!ObjectKinds.TryParse(type, out var kind))
        {
            return JsonResults.Error(404, $"Unknown object type {type}");
        }

        if ((await JsonBody.ReadAsync(ctx.Request, ctx.RequestAborted)).Node is not JsonObject patch)
        {
            return JsonResults.Error(400, "Body must be a JSON object");
        }

        return _objects.Modify(tenant, kind, id, patch) is { } json
            ? Results.Text(json, "application/json")
            : JsonResults.Error(404, "Not found");
    }

    private static IResult ListActivities(Tenant tenant)
    {
        lock (tenant.Sync)
        {
            return JsonResults.Bytes(JsonResults.SerializeArray(tenant.Activities));
        }
    }

    private static IResult ClearActivities(Tenant tenant)
    {
        lock (tenant.Sync)
        {
            tenant.Activities.Clear();
        }

        return Results.NoContent();
    }

    private IResult WithTenant(string token, Func<Tenant, IResult> action) =>
        _tenants.ByToken(token) is { } tenant ? action(tenant) : UnknownTenant();

    private IResult WithKind(string token, string type, Func<Tenant, ObjectKind, IResult> action) =>
        WithTenant(token, t => ObjectKinds.TryParse(type, out var kind) ? action(t, kind) : JsonResults.Error(404, $"Unknown object type {type}"));

    private static SandboxTenant Describe(Tenant tenant) => new(tenant.Token, tenant.TenantId, tenant.RateLimit.Limit);

    private static IResult UnknownTenant() => JsonResults.Error(404, "Unknown tenant");
}
