using System.Text.Json.Nodes;

namespace HullPlanhat.Core.Hull;

/// <summary>
/// Identity claims for the firehose (hull-protocol.md §2.3): only the keys Hull allows for each
/// subject type, and only those with a value.
/// </summary>
public static class HullClaims
{
    private static readonly string[] UserKeys = ["id", "email", "external_id", "anonymous_id"];
    private static readonly string[] AccountKeys = ["id", "external_id", "domain", "anonymous_id"];

    public static JsonObject ForAccount(JsonObject account) => Pick(account, AccountKeys);

    public static JsonObject ForUser(JsonObject user) => Pick(user, UserKeys);

    public static JsonObject WithAnonymousId(JsonObject claims, string anonymousId)
    {
        var copy = (JsonObject)claims.DeepClone();
        copy["anonymous_id"] = anonymousId;
        return copy;
    }

    private static JsonObject Pick(JsonObject source, string[] keys)
    {
        var claims = new JsonObject();
        foreach (var key in keys)
        {
            if (HullMessages.String(source, key) is { } value)
            {
                claims[key] = value;
            }
        }

        return claims;
    }
}
