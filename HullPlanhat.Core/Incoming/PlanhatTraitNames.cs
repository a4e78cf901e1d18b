using System.Collections.Concurrent;
using System.Text;

namespace HullPlanhat.Core.Incoming;

/// <summary>
/// Planhat key → Hull trait name as the original (lodash <c>snakeCase</c>): words split at separators,
/// lower→upper changes, acronym ends and letter/digit boundaries, e.g. <c>nrr30</c> → <c>nrr_30</c>,
/// <c>emailMd5</c> → <c>email_md_5</c>, <c>XMLHttp</c> → <c>xml_http</c>.
/// </summary>
public static class PlanhatTraitNames
{
    public const string Group = "planhat/";

    // Every object of a fetch has the same keys: each name is worked out once (bounded, for custom fields).
    private const int MaxRemembered = 10_000;
    private static readonly ConcurrentDictionary<string, string> Remembered = new(StringComparer.Ordinal);

    public static string Trait(string key)
    {
        if (Remembered.TryGetValue(key, out var trait))
        {
            return trait;
        }

        trait = Group + SnakeCase(key);
        if (Remembered.Count < MaxRemembered)
        {
            Remembered.TryAdd(key, trait);
        }

        return trait;
    }

    public static string SnakeCase(string key)
    {
        var result = new StringBuilder(key.Length + 4);
        for (var i = 0; i < key.Length; i++)
        {
            var c = key[i];
            if (!char.IsLetterOrDigit(c))
            {
                continue;
            }

            var startsWord = i == 0 || !char.IsLetterOrDigit(key[i - 1]) || IsBoundary(key[i - 1], c, i + 1 < key.Length ? key[i + 1] : '\0');
            if (startsWord && result.Length > 0)
            {
                result.Append('_');
            }

            result.Append(char.ToLowerInvariant(c));
        }

        return result.ToString();
    }

    private static bool IsBoundary(char previous, char c, char next) =>
        char.IsDigit(previous) != char.IsDigit(c)
        || (char.IsLower(previous) && char.IsUpper(c))
        || (char.IsUpper(previous) && char.IsUpper(c) && char.IsLower(next));
}
