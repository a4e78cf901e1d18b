using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace HullPlanhat.Sandbox.Hull;

/// <summary>
/// The RSA 2048 key pair Hull signs smart-notifier requests with (generated at start), plus a second
/// "forged" key pair whose signatures do not verify against the served public key.
/// </summary>
public sealed class HullKeys : IDisposable
{
    private readonly RSA _key = RSA.Create(2048);
    private readonly RSA _forged = RSA.Create(2048);
    private readonly JsonWebTokenHandler _handler = new() { SetDefaultTimesOnTokenCreation = false };
    private readonly SigningCredentials _credentials;
    private readonly SigningCredentials _forgedCredentials;
    private readonly TimeProvider _time;
    private int _publicKeyCalls;

    public HullKeys(TimeProvider time)
    {
        _time = time;
        PublicKeyPem = _key.ExportSubjectPublicKeyInfoPem();
        _credentials = new SigningCredentials(new RsaSecurityKey(_key), SecurityAlgorithms.RsaSha256);
        _forgedCredentials = new SigningCredentials(new RsaSecurityKey(_forged), SecurityAlgorithms.RsaSha256);
    }

    /// <summary>PEM (<c>-----BEGIN PUBLIC KEY-----</c>) of the real key.</summary>
    public string PublicKeyPem { get; }

    public int PublicKeyCalls => Volatile.Read(ref _publicKeyCalls);

    public string ServePublicKey()
    {
        Interlocked.Increment(ref _publicKeyCalls);
        return PublicKeyPem;
    }

    /// <summary>RS256 JWT with <c>jti</c>, <c>iat</c> = now and (unless <paramref name="withExpiry"/> is false) <c>exp</c> = now + 1 h.</summary>
    public string Sign(string jti, bool forged = false, bool withExpiry = true)
    {
        var now = _time.GetUtcNow().UtcDateTime;
        var descriptor = new SecurityTokenDescriptor
        {
            Claims = new Dictionary<string, object> { [JwtRegisteredClaimNames.Jti] = jti },
            IssuedAt = now,
            Expires = withExpiry ? now.AddHours(1) : null,
            SigningCredentials = forged ? _forgedCredentials : _credentials,
        };
        return _handler.CreateToken(descriptor);
    }

    public void Dispose()
    {
        _key.Dispose();
        _forged.Dispose();
    }
}
