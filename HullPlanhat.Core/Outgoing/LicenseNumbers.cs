using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using HullPlanhat.Core.Logging;

namespace HullPlanhat.Core.Outgoing;

/// <summary>
/// The numeric fields of a Planhat license. A number or a numeric string (sent as a number) is
/// accepted; <c>NaN</c>, infinities and any other text are not, and the license is left out.
/// </summary>
public static class LicenseNumbers
{
    public static readonly IReadOnlyList<string> Keys = ["mrr", "value", "renewalPeriod", "noticePeriod"];

    /// <returns>Null when every numeric field is usable (numeric strings are converted in place), else the reason.</returns>
    public static string? Normalize(JsonObject license)
    {
        foreach (var key in Keys)
        {
            switch (license[key])
            {
                case null:
                    continue;
                case JsonValue value when value.GetValueKind() == JsonValueKind.Number:
                    continue;
                case JsonValue value when value.TryGetValue<string>(out var text)
                    && double.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number):
                    license[key] = number;
                    continue;
                case var other:
                    return $"A license's {key} is not a finite number ({Describe(other)}); the license was left out.";
            }
        }

        return null;
    }

    private static string Describe(JsonNode node)
    {
        return Excerpt.Of(node.ToJsonString(), 40);
    }
}
