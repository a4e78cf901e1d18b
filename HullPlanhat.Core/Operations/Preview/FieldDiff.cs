using System.Text.Json.Nodes;

namespace HullPlanhat.Core.Operations.Preview;

/// <summary>
/// Which fields of a mapped Planhat payload differ from the object Planhat holds (pure). Custom
/// fields are compared one by one as <c>custom.Name</c>; a null sent where Planhat has nothing is no change.
/// </summary>
public static class FieldDiff
{
    public static IReadOnlyList<string> Changed(JsonObject payload, JsonObject current)
    {
        var changed = new List<string>();
        foreach (var (name, value) in payload)
        {
            if (name == "custom" && value is JsonObject custom)
            {
                var held = current["custom"] as JsonObject;
                changed.AddRange(custom.Where(c => !Same(c.Value, held?[c.Key])).Select(c => "custom." + c.Key));
            }
            else if (!Same(value, current[name]))
            {
                changed.Add(name);
            }
        }

        return changed;
    }

    private static bool Same(JsonNode? sent, JsonNode? held) =>
        (sent is null && held is null) || JsonNode.DeepEquals(sent, held) || (sent is not null && held is not null && Loosely(sent) == Loosely(held));

    /// <summary>Planhat answers numbers and dates in its own spelling (1 vs 1.0, a date with a time); compare their text.</summary>
    private static string Loosely(JsonNode node) => node is JsonValue value && value.TryGetValue<string>(out var text)
        ? (DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var date) ? date.UtcDateTime.ToString("O") : text)
        : node is JsonValue number && number.TryGetValue<double>(out var d) ? d.ToString("R", System.Globalization.CultureInfo.InvariantCulture)
        : node.ToJsonString();
}
