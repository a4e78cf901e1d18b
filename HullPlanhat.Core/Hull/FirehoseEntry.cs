using System.Text.Json.Nodes;

namespace HullPlanhat.Core.Hull;

/// <summary>One firehose message: a <c>traits</c>/<c>track</c> call on behalf of a user or account.</summary>
/// <param name="Type"><c>traits</c> or <c>track</c>.</param>
/// <param name="SubjectType"><c>user</c> or <c>account</c>.</param>
/// <param name="UserClaims">The user identity (required for subject <c>user</c>; with an account subject it links the user).</param>
/// <param name="AccountClaims">The account identity (required for subject <c>account</c>).</param>
/// <param name="Body">The call's body, e.g. traits.</param>
public sealed record FirehoseEntry(string Type, string SubjectType, JsonObject? UserClaims, JsonObject? AccountClaims, JsonObject Body)
{
    public static FirehoseEntry AccountTraits(JsonObject accountClaims, JsonObject traits) => new("traits", "account", null, accountClaims, traits);

    public static FirehoseEntry UserTraits(JsonObject userClaims, JsonObject traits) => new("traits", "user", userClaims, null, traits);

    /// <summary>Links a user to an account (empty account traits on a user-scoped account subject, §2.4).</summary>
    public static FirehoseEntry Link(JsonObject userClaims, JsonObject accountClaims) => new("traits", "account", userClaims, accountClaims, []);
}
