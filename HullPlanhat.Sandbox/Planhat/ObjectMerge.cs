using System.Text.Json.Nodes;

namespace HullPlanhat.Sandbox.Planhat;

/// <summary>Planhat-style PUT merge: top-level fields replace, the <c>custom</c> object merges key-wise.</summary>
public static class ObjectMerge
{
    private static readonly HashSet<string> Protected = new(StringComparer.Ordinal) { "_id", "__v", "updatedAt" };

    /// <summary>Merges <paramref name="patch"/> into <paramref name="target"/>; returns true if anything changed.</summary>
    public static bool Merge(JsonObject target, JsonObject patch)
    {
        var changed = false;
        foreach (var (key, value) in patch)
        {
            if (Protected.Contains(key))
            {
                continue;
            }

            if (key == "custom" && value is JsonObject customPatch && target["custom"] is JsonObject custom)
            {
                changed |= MergeFlat(custom, customPatch);
                continue;
            }

            changed |= Set(target, key, value);
        }

        return changed;
    }

    private static bool MergeFlat(JsonObject target, JsonObject patch)
    {
        var changed = false;
        foreach (var (key, value) in patch)
        {
            changed |= Set(target, key, value);
        }

        return changed;
    }

    private static bool Set(JsonObject target, string key, JsonNode? value)
    {
        if (SameAs(target, key, value))
        {
            return false;
        }

        target[key] = value?.DeepClone();
        return true;
    }

    private static bool SameAs(JsonObject target, string key, JsonNode? value) =>
        target.TryGetPropertyValue(key, out var current) && JsonNode.DeepEquals(current, value);
}
