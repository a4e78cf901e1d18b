using System.Text.Json;
using System.Text.Json.Nodes;
using HullPlanhat.Core.Incoming;
using HullPlanhat.Core.Json;

namespace HullPlanhat.Core.TwoWay;

/// <summary>
/// A short hash per Planhat field, so two states of one object can be compared field by field
/// without storing their values: the fields of a Planhat object as imported, or the fields this
/// connector wrote to it. <c>custom</c> is split into <c>custom.&lt;name&gt;</c> (Planhat merges it
/// key-wise on a write). Fields that never reach Hull are left out, as in <see cref="IncomingHash"/>.
/// </summary>
public static class FieldFingerprints
{
    /// <summary>The pseudo-field of an enduser's link to its company's account.</summary>
    public const string LinkField = "@link";

    // Azure Table string properties hold 32K characters; an object with more fields is not compared.
    private const int MaxSerializedLength = 30_000;

    /// <summary>Fingerprints of a Planhat object as the import maps it.</summary>
    public static Dictionary<string, string> OfImported(JsonObject source, IncomingKind kind, JsonObject? companyClaims = null)
    {
        var fields = Of(source, key => key == "_id" || (!key.StartsWith('_') && key != "updatedAt" && !(kind == IncomingKind.Companies && key == "shareable")));
        if (kind == IncomingKind.Endusers)
        {
            fields[LinkField] = Hash(companyClaims);
        }

        return fields;
    }

    /// <summary>Fingerprints of what this connector wrote (the bulk item; keys are Planhat field names).</summary>
    public static Dictionary<string, string> OfWritten(JsonObject item) => Of(item, key => key != "updatedAt");

    public static string? Serialize(IReadOnlyDictionary<string, string>? fields)
    {
        if (fields is null)
        {
            return null;
        }

        var json = JsonSerializer.Serialize(fields, TwoWayJsonContext.Default.IReadOnlyDictionaryStringString);
        return json.Length <= MaxSerializedLength ? json : null;
    }

    public static IReadOnlyDictionary<string, string>? Parse(string? json)
    {
        if (string.IsNullOrEmpty(json))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize(json, TwoWayJsonContext.Default.IReadOnlyDictionaryStringString);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static Dictionary<string, string> Of(JsonObject source, Func<string, bool> include)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in source)
        {
            if (!include(key))
            {
                continue;
            }

            if (key == "custom" && value is JsonObject custom)
            {
                foreach (var (name, customValue) in custom)
                {
                    fields["custom." + name] = Hash(customValue);
                }
            }
            else
            {
                fields[key] = Hash(value);
            }
        }

        return fields;
    }

    // 64 bits: a per-field comparison of one object, not a content address.
    private static string Hash(JsonNode? value) =>
        Convert.ToBase64String(CanonicalJson.Sha256(value).AsSpan(0, 8)).TrimEnd('=');
}
