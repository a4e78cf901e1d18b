using System.Text.Json.Nodes;

namespace HullPlanhat.Core.Json;

/// <summary>
/// Reads a Hull attribute by the dotted path a mapping names (e.g. <c>planhat.id</c>,
/// <c>traits_position</c>, <c>unified.ph_licenses</c>). Hull sends grouped traits flat
/// (<c>planhat/id</c>, <c>traits_group/name</c>) but mappings name them nested, so both forms are tried.
/// </summary>
public static class HullAttributePath
{
    /// <summary>The value at <paramref name="path"/>; <c>null</c> when absent or JSON null.</summary>
    public static JsonNode? Read(JsonObject? source, string path)
    {
        if (source is null || string.IsNullOrWhiteSpace(path))
        {
            return null;
        }

        if (TryFlat(source, path, out var flat))
        {
            return flat;
        }

        // Walk nested objects: at each dot, try the head as a nested object, and the rest as a flat group key.
        for (var dot = path.IndexOf('.'); dot > 0; dot = path.IndexOf('.', dot + 1))
        {
            var head = path[..dot];
            var rest = path[(dot + 1)..];
            if (TryFlat(source, $"{head}/{rest}", out var grouped))
            {
                return grouped;
            }

            if (source[head] is JsonObject nested && Read(nested, rest) is { } value)
            {
                return value;
            }
        }

        return null;
    }

    private static bool TryFlat(JsonObject source, string key, out JsonNode? value)
    {
        if (source.TryGetPropertyValue(key, out value) || source.TryGetPropertyValue("traits_" + key, out value))
        {
            return value is not null;
        }

        return false;
    }
}
