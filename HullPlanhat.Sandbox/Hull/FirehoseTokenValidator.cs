using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace HullPlanhat.Sandbox.Hull;

/// <summary>
/// Verifies the per-entity <c>Hull-Access-Token</c> of a firehose message: HS256 with the connector secret,
/// <c>iss</c> = connector id, <c>io.hull.subjectType</c> user|account with the matching identity claim object.
/// </summary>
public sealed class FirehoseTokenValidator
{
    private readonly JsonWebTokenHandler _handler = new();

    public sealed record Claims(string SubjectType, JsonObject? AsUser, JsonObject? AsAccount);

    public sealed record Result(Claims? Value, string? Error);

    public async Task<Result> ValidateAsync(string token, HullConnectorCredentials connector)
    {
        var parameters = new TokenValidationParameters
        {
            ValidIssuer = connector.Id,
            ValidateIssuer = true,
            ValidateAudience = false,
            ValidateLifetime = false,
            RequireExpirationTime = false,
            RequireSignedTokens = true,
            ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
            IssuerSigningKey = new SymmetricSecurityKey(HmacKey(connector.Secret)),
        };

        var validation = await _handler.ValidateTokenAsync(token, parameters);
        if (!validation.IsValid || validation.SecurityToken is not JsonWebToken jwt)
        {
            return new Result(null, "invalid access token: " + (validation.Exception?.Message ?? "validation failed"));
        }

        JsonObject payload;
        try
        {
            payload = JsonNode.Parse(Base64UrlEncoder.Decode(jwt.EncodedPayload)) as JsonObject ?? [];
        }
        catch (JsonException)
        {
            return new Result(null, "invalid access token payload");
        }

        var subjectType = payload["io.hull.subjectType"]?.GetValueKind() == JsonValueKind.String
            ? payload["io.hull.subjectType"]!.GetValue<string>()
            : null;
        var asUser = Identity(payload["io.hull.asUser"]);
        var asAccount = Identity(payload["io.hull.asAccount"]);
        return subjectType switch
        {
            "user" when asUser is not null => new Result(new Claims(subjectType, asUser, asAccount), null),
            "account" when asAccount is not null => new Result(new Claims(subjectType, asUser, asAccount), null),
            "user" => new Result(null, "io.hull.asUser claim missing for subjectType user"),
            "account" => new Result(null, "io.hull.asAccount claim missing for subjectType account"),
            _ => new Result(null, "io.hull.subjectType must be user or account"),
        };
    }

    /// <summary>An identity claim object; a plain string becomes <c>{id}</c> as in hull-client.</summary>
    private static JsonObject? Identity(JsonNode? claim) => claim switch
    {
        JsonObject obj when obj.Count > 0 => (JsonObject)obj.DeepClone(),
        JsonValue v when v.GetValueKind() == JsonValueKind.String => new JsonObject { ["id"] = v.GetValue<string>() },
        _ => null,
    };

    /// <summary>
    /// The HMAC key bytes of a secret. HMAC zero-pads keys shorter than its block size, so padding short secrets
    /// to 256 bits gives identical signatures while satisfying IdentityModel's minimum key size.
    /// </summary>
    private static byte[] HmacKey(string secret)
    {
        var bytes = Encoding.UTF8.GetBytes(secret);
        return bytes.Length >= 32 ? bytes : [.. bytes, .. new byte[32 - bytes.Length]];
    }
}
