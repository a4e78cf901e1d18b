using System.Text.Json.Nodes;
using HullPlanhat.Sandbox.Infrastructure;

namespace HullPlanhat.Sandbox.Planhat;

/// <summary>Single-object operations on a tenant's collections, each under the tenant lock.</summary>
public sealed class TenantObjects
{
    private readonly ObjectStamper _stamper;
    private readonly WebhookSender? _webhooks;

    public TenantObjects(ObjectStamper stamper, WebhookSender? webhooks = null)
    {
        _stamper = stamper;
        _webhooks = webhooks;
    }

    /// <summary>Outcome of a write: the stored object's JSON, or an error status and message.</summary>
    public sealed record WriteResult(int Status, string? Json, string? Error)
    {
        public static WriteResult Ok(JsonObject obj, int status = 200) => new(status, obj.ToJsonString(), null);

        public static WriteResult Fail(int status, string error) => new(status, null, error);

        public IResult ToResult() => Error is null
            ? Results.Text(Json, "application/json", statusCode: Status)
            : JsonResults.Error(Status, Error);
    }

    /// <summary>Lists objects in creation order, optionally filtered by indexed fields (all must match).</summary>
    /// <param name="select">Planhat's <c>select</c>: the fields to return (with <c>_id</c>); null returns whole objects.</param>
    public byte[] List(Tenant tenant, ObjectKind kind, IReadOnlyList<(string Field, string Value)> filters, Paging paging, IReadOnlyList<string>? select = null)
    {
        lock (tenant.Sync)
        {
            var collection = tenant[kind];
            IEnumerable<JsonObject> source = collection.All;
            if (filters.Count > 0)
            {
                var (field, value) = filters[0];
                source = collection.FindBy(field, value);
                foreach (var (otherField, otherValue) in filters.Skip(1))
                {
                    var matches = collection.FindBy(otherField, otherValue).ToHashSet(ReferenceEqualityComparer.Instance);
                    source = source.Where(matches.Contains);
                }
            }

            var page = paging.Apply(source);
            return JsonResults.SerializeArray(select is null ? page : page.Select(o => Project(o, select)));
        }
    }

    public string? Get(Tenant tenant, ObjectKind kind, string key)
    {
        lock (tenant.Sync)
        {
            return tenant[kind].Resolve(key)?.ToJsonString();
        }
    }

    /// <summary>POST: creates a new object (a body <c>_id</c> is ignored) after validation.</summary>
    public WriteResult Create(Tenant tenant, ObjectKind kind, JsonObject body)
    {
        lock (tenant.Sync)
        {
            if (ObjectRules.ValidateInsert(tenant, kind, body) is { } error)
            {
                return WriteResult.Fail(400, error);
            }

            _stamper.StampNew(body, keepId: false);
            ObjectRules.Enrich(tenant, kind, body);
            tenant[kind].Add(body);
            _webhooks?.Changed(tenant, kind, body);
            return WriteResult.Ok(body);
        }
    }

    /// <summary>PUT by key: merges and always bumps <c>updatedAt</c> (as Planhat does).</summary>
    public WriteResult Update(Tenant tenant, ObjectKind kind, string key, JsonObject patch)
    {
        lock (tenant.Sync)
        {
            var collection = tenant[kind];
            if (collection.Resolve(key) is not { } existing)
            {
                return WriteResult.Fail(404, "Not found");
            }

            if (ObjectRules.ValidateUpdate(tenant, kind, patch) is { } error)
            {
                return WriteResult.Fail(400, error);
            }

            collection.Mutate(existing, obj =>
            {
                ObjectMerge.Merge(obj, patch);
                ObjectRules.Enrich(tenant, kind, obj);
                _stamper.Touch(obj);
                return true;
            });
            _webhooks?.Changed(tenant, kind, existing);
            return WriteResult.Ok(existing);
        }
    }

    /// <summary>Admin seeding: stores objects as given, filling in missing <c>_id</c>/stamps; no validation.</summary>
    public int Seed(Tenant tenant, ObjectKind kind, IEnumerable<JsonObject> objects)
    {
        var count = 0;
        lock (tenant.Sync)
        {
            var collection = tenant[kind];
            foreach (var obj in objects)
            {
                _stamper.StampNew(obj, keepId: true);
                if (!obj.ContainsKey("companyName"))
                {
                    ObjectRules.Enrich(tenant, kind, obj);
                }

                collection.Add(obj);
                count++;
            }
        }

        return count;
    }

    /// <summary>Admin modification by <c>_id</c> (merge, bumps <c>updatedAt</c>, no validation).</summary>
    public string? Modify(Tenant tenant, ObjectKind kind, string id, JsonObject patch)
    {
        lock (tenant.Sync)
        {
            var collection = tenant[kind];
            if (collection.GetById(id) is not { } existing)
            {
                return null;
            }

            collection.Mutate(existing, obj =>
            {
                ObjectMerge.Merge(obj, patch);
                _stamper.Touch(obj);
                return true;
            });
            _webhooks?.Changed(tenant, kind, existing);
            return existing.ToJsonString();
        }
    }

    public bool Delete(Tenant tenant, ObjectKind kind, string key)
    {
        lock (tenant.Sync)
        {
            var collection = tenant[kind];
            return collection.Resolve(key) is { } existing && collection.Remove(existing);
        }
    }

    private static JsonObject Project(JsonObject source, IReadOnlyList<string> fields)
    {
        var projected = new JsonObject();
        foreach (var field in fields.Prepend("_id").Distinct(StringComparer.Ordinal))
        {
            if (source.TryGetPropertyValue(field, out var value))
            {
                projected[field] = value?.DeepClone();
            }
        }

        return projected;
    }
}
