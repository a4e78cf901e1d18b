using System.Text.Json.Nodes;
using HullPlanhat.Sandbox.Infrastructure;

namespace HullPlanhat.Sandbox.Planhat;

/// <summary>The Planhat REST routes under <c>/planhat</c> (auth, limits and logging are done by <see cref="PlanhatGate"/>).</summary>
public sealed class PlanhatEndpoints
{
    private readonly TenantObjects _objects;
    private readonly BulkUpsert _bulk;
    private readonly int _maxPageSize;

    public PlanhatEndpoints(TenantObjects objects, BulkUpsert bulk, int maxPageSize)
    {
        _objects = objects;
        _bulk = bulk;
        _maxPageSize = maxPageSize;
    }

    public void Map(IEndpointRouteBuilder app)
    {
        var group = app.MapGroup(PlanhatGate.Prefix);
        MapKind(group, ObjectKind.Companies, bulk: true, filters: ["externalId", "sourceId"]);
        MapKind(group, ObjectKind.Endusers, bulk: true, filters: ["email", "externalId", "sourceId", "companyId"]);
        MapKind(group, ObjectKind.Licenses, bulk: true, filters: ["companyId", "externalId", "sourceId"]);
        MapKind(group, ObjectKind.Users, bulk: false, filters: ["email", "externalId"]);
        group.MapGet("/leancompanies", LeanCompanies);
    }

    private void MapKind(RouteGroupBuilder group, ObjectKind kind, bool bulk, string[] filters)
    {
        var path = "/" + kind.RouteName();
        group.MapGet(path, (HttpContext ctx) => List(ctx, kind, filters));
        group.MapPost(path, (Delegate)((HttpContext ctx) => Create(ctx, kind)));
        group.MapGet(path + "/{key}", (HttpContext ctx, string key) => Get(ctx, kind, key));
        group.MapPut(path + "/{key}", (HttpContext ctx, string key) => Update(ctx, kind, key));
        group.MapDelete(path + "/{key}", (HttpContext ctx, string key) => Delete(ctx, kind, key));
        if (bulk)
        {
            group.MapPut(path, (Delegate)((HttpContext ctx) => Bulk(ctx, kind)));
        }
    }

    private IResult List(HttpContext ctx, ObjectKind kind, string[] filterNames)
    {
        var filters = filterNames
            .Select(name => (Field: name, Value: ctx.Request.Query[name].ToString()))
            .Where(f => f.Value.Length > 0)
            .ToList();
        var paging = Paging.From(ctx.Request.Query, _maxPageSize);
        var select = ctx.Request.Query["select"].ToString() is { Length: > 0 } fields
            ? fields.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            : null;
        return JsonResults.Bytes(_objects.List(PlanhatGate.TenantOf(ctx), kind, filters, paging, select));
    }

    private IResult Get(HttpContext ctx, ObjectKind kind, string key) =>
        _objects.Get(PlanhatGate.TenantOf(ctx), kind, key) is { } json
            ? Results.Text(json, "application/json")
            : JsonResults.Error(404, "Not found");

    private async Task<IResult> Create(HttpContext ctx, ObjectKind kind)
    {
        if ((await JsonBody.GetAsync(ctx)).Node is not JsonObject body)
        {
            return JsonResults.Error(400, "Body must be a JSON object");
        }

        body.Remove("_id");
        return _objects.Create(PlanhatGate.TenantOf(ctx), kind, body).ToResult();
    }

    private async Task<IResult> Update(HttpContext ctx, ObjectKind kind, string key)
    {
        if ((await JsonBody.GetAsync(ctx)).Node is not JsonObject body)
        {
            return JsonResults.Error(400, "Body must be a JSON object");
        }

        return _objects.Update(PlanhatGate.TenantOf(ctx), kind, key, body).ToResult();
    }

    private IResult Delete(HttpContext ctx, ObjectKind kind, string key) =>
        _objects.Delete(PlanhatGate.TenantOf(ctx), kind, key)
            ? Results.Json(new JsonObject { ["n"] = 1, ["ok"] = 1, ["deletedCount"] = 1 })
            : JsonResults.Error(404, "Not found");

    private async Task<IResult> Bulk(HttpContext ctx, ObjectKind kind)
    {
        var body = (await JsonBody.GetAsync(ctx)).Node;
        var outcome = _bulk.Run(PlanhatGate.TenantOf(ctx), kind, body);
        return JsonResults.Node(outcome.Body, outcome.Status);
    }

    private IResult LeanCompanies(HttpContext ctx)
    {
        var tenant = PlanhatGate.TenantOf(ctx);
        var query = ctx.Request.Query;
        var paging = Paging.From(query, int.MaxValue, defaultLimit: null);
        var lean = new JsonArray();
        lock (tenant.Sync)
        {
            var companies = tenant[ObjectKind.Companies];
            IEnumerable<JsonObject> source = query["externalId"].ToString() is { Length: > 0 } ext
                ? companies.FindBy("externalId", ext)
                : query["sourceId"].ToString() is { Length: > 0 } src ? companies.FindBy("sourceId", src) : companies.All;
            source = source.Where(c => Matches(c, "externalId", query) && Matches(c, "sourceId", query) && Matches(c, "status", query));
            foreach (var company in paging.Apply(source))
            {
                var item = new JsonObject();
                foreach (var field in (ReadOnlySpan<string>)["_id", "name", "externalId", "sourceId", "slug"])
                {
                    if (company.TryGetPropertyValue(field, out var value) && value is not null)
                    {
                        item[field] = value.DeepClone();
                    }
                }

                lean.Add(item);
            }
        }

        return JsonResults.Node(lean);
    }

    private static bool Matches(JsonObject obj, string field, IQueryCollection query) =>
        query[field].ToString() is not { Length: > 0 } wanted || JsonBody.KeyOf(obj, field) == wanted;
}
