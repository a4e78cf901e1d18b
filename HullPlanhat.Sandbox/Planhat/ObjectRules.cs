using System.Text.Json.Nodes;
using HullPlanhat.Sandbox.Infrastructure;

namespace HullPlanhat.Sandbox.Planhat;

/// <summary>Per-type validation and derived fields. Callers hold the tenant lock.</summary>
public static class ObjectRules
{
    /// <summary>Validates an object about to be inserted; returns an error message or null.</summary>
    public static string? ValidateInsert(Tenant tenant, ObjectKind kind, JsonObject obj) => kind switch
    {
        ObjectKind.Companies => JsonBody.KeyOf(obj, "name") is null ? "name is required" : null,
        ObjectKind.Endusers => JsonBody.KeyOf(obj, "email") is null && JsonBody.KeyOf(obj, "externalId") is null
            ? "email or externalId is required"
            : CompanyError(tenant, obj, required: true),
        ObjectKind.Licenses => CompanyError(tenant, obj, required: true),
        ObjectKind.Users => JsonBody.KeyOf(obj, "email") is null ? "email is required" : null,
        _ => null,
    };

    /// <summary>Validates a patch about to be merged into an existing object; returns an error message or null.</summary>
    public static string? ValidateUpdate(Tenant tenant, ObjectKind kind, JsonObject patch)
    {
        if (kind is ObjectKind.Endusers or ObjectKind.Licenses && patch.ContainsKey("companyId"))
        {
            return CompanyError(tenant, patch, required: true);
        }

        if (kind == ObjectKind.Companies && patch.ContainsKey("name") && JsonBody.KeyOf(patch, "name") is null)
        {
            return "name is required";
        }

        return null;
    }

    /// <summary>Sets derived fields (the <c>companyName</c> of endusers and licenses).</summary>
    public static void Enrich(Tenant tenant, ObjectKind kind, JsonObject obj)
    {
        if (kind == ObjectKind.Companies && !obj.ContainsKey("slug") && JsonBody.KeyOf(obj, "name") is { } companyName)
        {
            obj["slug"] = Slug(companyName);
        }

        if (kind is not (ObjectKind.Endusers or ObjectKind.Licenses)
            || JsonBody.KeyOf(obj, "companyId") is not { } companyId
            || tenant[ObjectKind.Companies].GetById(companyId) is not { } company)
        {
            return;
        }

        var name = company["name"]?.DeepClone();
        if (!JsonNode.DeepEquals(obj["companyName"], name))
        {
            obj["companyName"] = name;
        }
    }

    /// <summary>The bulk/error key set of an item: its own <c>_id</c>, <c>externalId</c>, <c>sourceId</c>, <c>companyId</c>.</summary>
    public static JsonObject ErrorEntry(JsonObject? item, string error)
    {
        var entry = new JsonObject();
        if (item is not null)
        {
            foreach (var key in (ReadOnlySpan<string>)["_id", "externalId", "sourceId", "companyId"])
            {
                if (item.TryGetPropertyValue(key, out var value) && value is not null)
                {
                    entry[key] = value.DeepClone();
                }
            }
        }

        entry["error"] = error;
        return entry;
    }

    /// <summary><c>{_id, externalId?, sourceId?}</c> of a stored object.</summary>
    public static JsonObject Keys(JsonObject obj)
    {
        var keys = new JsonObject { ["_id"] = obj["_id"]?.DeepClone() };
        foreach (var key in (ReadOnlySpan<string>)["externalId", "sourceId"])
        {
            if (obj.TryGetPropertyValue(key, out var value) && value is not null)
            {
                keys[key] = value.DeepClone();
            }
        }

        return keys;
    }

    private static string Slug(string name)
    {
        var chars = name.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-').ToArray();
        return string.Join('-', new string(chars).Split('-', StringSplitOptions.RemoveEmptyEntries));
    }

    private static string? CompanyError(Tenant tenant, JsonObject obj, bool required)
    {
        if (JsonBody.KeyOf(obj, "companyId") is not { } companyId)
        {
            return required ? "companyId is required" : null;
        }

        return tenant[ObjectKind.Companies].GetById(companyId) is null ? $"company not found: {companyId}" : null;
    }
}
