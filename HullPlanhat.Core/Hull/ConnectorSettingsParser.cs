using System.Text.Json;
using System.Text.Json.Nodes;
using HullPlanhat.Core.Json;

namespace HullPlanhat.Core.Hull;

/// <summary>
/// Turns raw <c>private_settings</c> into <see cref="ConnectorSettings"/>. Nulls and blank
/// numbers mean "use the default" (Hull's UI sends both); a malformed value never fails intake.
/// </summary>
public static class ConnectorSettingsParser
{
    public static ConnectorSettings Parse(JsonObject? privateSettings)
    {
        if (privateSettings is null)
        {
            return new ConnectorSettings();
        }

        var cleaned = new JsonObject();
        foreach (var (key, value) in privateSettings)
        {
            if (value is null || value is JsonValue v && v.TryGetValue<string>(out var s) && s.Length == 0 && key.StartsWith("fetch_interval", StringComparison.Ordinal))
            {
                continue;
            }

            cleaned[key] = value.DeepClone();
        }

        try
        {
            return cleaned.Deserialize(CoreJsonContext.Default.ConnectorSettings) ?? new ConnectorSettings();
        }
        catch (JsonException)
        {
            return ParseLeniently(cleaned);
        }
    }

    // One bad property should not discard the rest: drop properties one by one until it parses.
    private static ConnectorSettings ParseLeniently(JsonObject cleaned)
    {
        foreach (var key in cleaned.Select(p => p.Key).ToArray())
        {
            var single = new JsonObject { [key] = cleaned[key]?.DeepClone() };
            try
            {
                single.Deserialize(CoreJsonContext.Default.ConnectorSettings);
            }
            catch (JsonException)
            {
                cleaned.Remove(key);
            }
        }

        return cleaned.Deserialize(CoreJsonContext.Default.ConnectorSettings) ?? new ConnectorSettings();
    }
}
