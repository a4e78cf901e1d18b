using System.Text.Json.Nodes;
using HullPlanhat.Sandbox.Infrastructure;

namespace HullPlanhat.Sandbox.Planhat;

/// <summary>
/// Planhat bulk upsert (<c>PUT /companies|/endusers|/licenses</c> with an array). Each item matches by the first
/// key present among <c>_id</c>, <c>sourceId</c>, <c>externalId</c> (license externalIds are scoped to the
/// item's companyId); unmatched items are inserted when valid.
/// </summary>
public sealed class BulkUpsert
{
    public const int MaxItems = 5000;
    private readonly ObjectStamper _stamper;
    private readonly WebhookSender? _webhooks;

    public BulkUpsert(ObjectStamper stamper, WebhookSender? webhooks = null)
    {
        _stamper = stamper;
        _webhooks = webhooks;
    }

    public sealed record Outcome(int Status, JsonObject Body);

    public Outcome Run(Tenant tenant, ObjectKind kind, JsonNode? body)
    {
        if (body is not JsonArray array)
        {
            return Fail("Body must be a JSON array");
        }

        if (array.Count > MaxItems)
        {
            return Fail($"Max {MaxItems} items per request");
        }

        var result = new Counters();
        var items = JsonBody.Detach(array);
        lock (tenant.Sync)
        {
            var collection = tenant[kind];
            foreach (var node in items)
            {
                Upsert(tenant, collection, node as JsonObject, result);
            }
        }

        var errors = result.CreatedErrors.Count + result.UpdatedErrors.Count;
        var successes = result.Created + result.Updated + result.NonUpdates;
        var status = errors == 0 ? 200 : successes == 0 ? 400 : 206;
        return new Outcome(status, result.ToJson());
    }

    private void Upsert(Tenant tenant, ObjectCollection collection, JsonObject? item, Counters result)
    {
        if (item is null)
        {
            result.CreatedErrors.Add(ObjectRules.ErrorEntry(null, "item must be a JSON object"));
            return;
        }

        var (matchKey, existing) = Match(collection, item);
        if (matchKey == "_id" && existing is null)
        {
            result.UpdatedErrors.Add(ObjectRules.ErrorEntry(item, "not found"));
            return;
        }

        if (existing is null)
        {
            Insert(tenant, collection, item, result);
            return;
        }

        if (ObjectRules.ValidateUpdate(tenant, collection.Kind, item) is { } updateError)
        {
            result.UpdatedErrors.Add(ObjectRules.ErrorEntry(item, updateError));
            return;
        }

        var changed = collection.Mutate(existing, obj =>
        {
            var merged = ObjectMerge.Merge(obj, item);
            if (merged)
            {
                ObjectRules.Enrich(tenant, collection.Kind, obj);
                _stamper.Touch(obj);
            }

            return merged;
        });

        if (!changed)
        {
            result.NonUpdates++;
            return;
        }

        result.Updated++;
        _webhooks?.Changed(tenant, collection.Kind, existing);
        result.UpdatesKeys.Add(ObjectRules.Keys(existing));
        result.Modified.Add(existing["_id"]!.GetValue<string>());
    }

    private void Insert(Tenant tenant, ObjectCollection collection, JsonObject item, Counters result)
    {
        if (ObjectRules.ValidateInsert(tenant, collection.Kind, item) is { } error)
        {
            result.CreatedErrors.Add(ObjectRules.ErrorEntry(item, error));
            return;
        }

        _stamper.StampNew(item, keepId: false);
        ObjectRules.Enrich(tenant, collection.Kind, item);
        collection.Add(item);
        _webhooks?.Changed(tenant, collection.Kind, item);
        result.Created++;
        result.InsertsKeys.Add(ObjectRules.Keys(item));
        result.UpsertedIds.Add(item["_id"]!.GetValue<string>());
    }

    private static (string? Key, JsonObject? Existing) Match(ObjectCollection collection, JsonObject item)
    {
        if (JsonBody.KeyOf(item, "_id") is { } id)
        {
            return ("_id", collection.GetById(id));
        }

        if (JsonBody.KeyOf(item, "sourceId") is { } sourceId)
        {
            return ("sourceId", collection.FirstBy("sourceId", sourceId));
        }

        if (JsonBody.KeyOf(item, "externalId") is not { } externalId)
        {
            return (null, null);
        }

        var candidates = collection.FindBy("externalId", externalId);
        if (collection.Kind != ObjectKind.Licenses)
        {
            return ("externalId", candidates.Count > 0 ? candidates[0] : null);
        }

        var companyId = JsonBody.KeyOf(item, "companyId");
        return ("externalId", candidates.FirstOrDefault(c => JsonBody.KeyOf(c, "companyId") == companyId));
    }

    private static Outcome Fail(string message) => new(400, new JsonObject { ["error"] = message });

    private sealed class Counters
    {
        public int Created { get; set; }
        public int Updated { get; set; }
        public int NonUpdates { get; set; }
        public JsonArray CreatedErrors { get; } = [];
        public JsonArray InsertsKeys { get; } = [];
        public JsonArray UpdatedErrors { get; } = [];
        public JsonArray UpdatesKeys { get; } = [];
        public JsonArray Modified { get; } = [];
        public JsonArray UpsertedIds { get; } = [];

        public JsonObject ToJson() => new()
        {
            ["created"] = Created,
            ["createdErrors"] = CreatedErrors,
            ["insertsKeys"] = InsertsKeys,
            ["updated"] = Updated,
            ["updatedErrors"] = UpdatedErrors,
            ["updatesKeys"] = UpdatesKeys,
            ["nonupdates"] = NonUpdates,
            ["modified"] = Modified,
            ["upsertedIds"] = UpsertedIds,
            ["permissionErrors"] = new JsonArray(),
        };
    }
}
