using System.Collections.Concurrent;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace HullPlanhat.Core.Hull;

/// <summary>
/// The per-entry <c>Hull-Access-Token</c>: an HS256 JWT signed with the connector secret (§2.3), for a
/// secret of any length, as Hull's jwt-simple signs and verifies it.
/// </summary>
public sealed class FirehoseTokenFactory(TimeProvider clock)
{
    private readonly JsonWebTokenHandler handler = new() { SetDefaultTimesOnTokenCreation = false };

    // One key object per connector, reused while its secret stays the same: IdentityModel caches the
    // HMAC behind a key object, and a new key per token cost a thumbprint and an HMAC context each.
    private readonly ConcurrentDictionary<string, (string Secret, SigningCredentials Credentials)> credentials = new(StringComparer.Ordinal);

    public string Create(string connectorId, string secret, FirehoseEntry entry)
    {
        var claims = new Dictionary<string, object>
        {
            ["iss"] = connectorId,
            ["iat"] = clock.GetUtcNow().ToUnixTimeSeconds(),
            ["io.hull.subjectType"] = entry.SubjectType,
        };
        if (entry.UserClaims is { Count: > 0 } user)
        {
            claims["io.hull.asUser"] = ToDictionary(user);
        }

        if (entry.AccountClaims is { Count: > 0 } account)
        {
            claims["io.hull.asAccount"] = ToDictionary(account);
        }

        var subject = entry.SubjectType == "account" ? entry.AccountClaims : entry.UserClaims;
        if (subject?["id"]?.ToString() is { Length: > 0 } subjectId)
        {
            claims["sub"] = subjectId;
        }

        return handler.CreateToken(new SecurityTokenDescriptor
        {
            Claims = claims,
            SigningCredentials = CredentialsFor(connectorId, secret),
        });
    }

    private SigningCredentials CredentialsFor(string connectorId, string secret)
    {
        if (credentials.TryGetValue(connectorId, out var known) && known.Secret == secret)
        {
            return known.Credentials;
        }

        var fresh = new SigningCredentials(new SymmetricSecurityKey(HmacKey(secret)), SecurityAlgorithms.HmacSha256);
        credentials[connectorId] = (secret, fresh);
        return fresh;
    }

    /// <summary>
    /// HMAC (RFC 2104) zero-pads a key shorter than its block size, so padding a short secret to the
    /// 256 bits IdentityModel insists on (IDX10720) yields the very signature jwt-simple computes.
    /// </summary>
    internal static byte[] HmacKey(string secret)
    {
        var bytes = Encoding.UTF8.GetBytes(secret);
        return bytes.Length >= 32 ? bytes : [.. bytes, .. new byte[32 - bytes.Length]];
    }

    private static Dictionary<string, object> ToDictionary(JsonObject claims) =>
        claims.Where(p => p.Value is not null).ToDictionary(p => p.Key, p => (object)p.Value!.ToString());
}
