using System.Globalization;

namespace HullPlanhat.Core.TwoWay;

/// <summary>What this connector last wrote to one Planhat object: per-field fingerprints and when.</summary>
public sealed record WrittenFields(IReadOnlyDictionary<string, string> Fields, DateTimeOffset WrittenAt);

/// <summary>
/// Whether a Planhat object that differs from what Hull last received differs only by what this
/// connector wrote to it (an echo, not sent back to Hull). Pure: fingerprints in, a decision out.
/// </summary>
public static class EchoCheck
{
    /// <param name="current">Fingerprints of the object as Planhat lists it now.</param>
    /// <param name="imported">Fingerprints of what Hull last received for it; null when Hull never did.</param>
    /// <param name="written">What this connector wrote since; null when nothing.</param>
    /// <param name="updatedAt">Planhat's <c>updatedAt</c> of the object (its own clock).</param>
    /// <param name="clockSkew">Tolerance between Planhat's clock and ours.</param>
    public static bool IsEcho(IReadOnlyDictionary<string, string> current, IReadOnlyDictionary<string, string>? imported,
        WrittenFields? written, string? updatedAt, TimeSpan clockSkew)
    {
        if (written is null)
        {
            return false;
        }

        // Planhat must still hold exactly what we wrote; a later edit of one of those fields is real.
        foreach (var (field, fingerprint) in written.Fields)
        {
            if (!current.TryGetValue(field, out var now) || now != fingerprint)
            {
                return false;
            }
        }

        if (imported is not null)
        {
            // Every other field must be as Hull last received it.
            return current.Keys.Union(imported.Keys)
                .Where(field => !written.Fields.ContainsKey(field))
                .All(field => current.GetValueOrDefault(field) == imported.GetValueOrDefault(field));
        }

        // Hull never received this object (we created it): the fields Planhat added itself are part of
        // our write, unless Planhat changed the object after it.
        return DateTimeOffset.TryParse(updatedAt, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var changed)
            && changed <= written.WrittenAt + clockSkew;
    }
}
