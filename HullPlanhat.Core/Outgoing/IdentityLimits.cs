using System.Text.Json.Nodes;

namespace HullPlanhat.Core.Outgoing;

/// <summary>
/// Identity values (Hull id, claims, <c>planhat/id</c>) end up in table keys and single table
/// properties, which storage caps (1 KiB keys, 64 KiB properties): an object with one far longer
/// than any real identity is skipped with a reason instead of failing until it is poisoned.
/// </summary>
public static class IdentityLimits
{
    public const int MaxLength = 500;
    public const string TooLong = "An identity value (id, external_id, email, domain, anonymous_id or planhat/id) is longer than 500 characters.";

    /// <returns><see cref="TooLong"/> when any value is over <see cref="MaxLength"/>, else null.</returns>
    public static string? Check(string hullId, string? planhatId, params JsonObject?[] claims) =>
        hullId.Length > MaxLength || planhatId?.Length > MaxLength
        || claims.Any(c => c is not null && c.Any(p => p.Value is JsonValue v && v.ToString().Length > MaxLength))
            ? TooLong
            : null;
}
