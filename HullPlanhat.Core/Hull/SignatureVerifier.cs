using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace HullPlanhat.Core.Hull;

public sealed record SignatureCheck(bool IsValid, string? Error)
{
    public static readonly SignatureCheck Valid = new(true, null);
    public static SignatureCheck Invalid(string error) => new(false, error);
}

/// <summary>
/// Verifies Hull's smart-notifier signature (hull-protocol.md §1.2): an RS256 JWT whose public
/// key is POSTed for at a URL named in a header. That URL is attacker-controlled, so it must be
/// on a trusted host; keys are cached per URL.
/// </summary>
public sealed class SignatureVerifier(HttpClient http, IOptions<HullOptions> options, TimeProvider clock)
{
    public const string FlagHeader = "x-hull-smart-notifier";
    public const string VersionHeader = "x-hull-smart-notifier-signature-version";
    public const string SignatureHeader = "x-hull-smart-notifier-signature";
    public const string PublicKeyUrlHeader = "x-hull-smart-notifier-signature-public-key-url";
    private const int MaxKeyBytes = 16 * 1024;
    private static readonly TimeSpan KeyCacheTtl = TimeSpan.FromHours(1);

    private readonly ConcurrentDictionary<string, (DateTimeOffset Expires, RsaSecurityKey Key)> keys = new();
    private readonly JsonWebTokenHandler tokens = new();

    public async Task<SignatureCheck> VerifyAsync(IHeaderDictionary headers, string? notificationId, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(headers[FlagHeader]))
        {
            return SignatureCheck.Invalid($"Missing the {FlagHeader} header: this is not a smart-notifier call.");
        }

        string? signature = headers[SignatureHeader];
        string? keyUrl = headers[PublicKeyUrlHeader];
        string? version = headers[VersionHeader];
        if (string.IsNullOrEmpty(signature) || string.IsNullOrEmpty(keyUrl) || string.IsNullOrEmpty(version))
        {
            return SignatureCheck.Invalid("Missing signature headers.");
        }

        if (version != "v1")
        {
            return SignatureCheck.Invalid($"Unsupported signature version '{version}'.");
        }

        if (!Uri.TryCreate(keyUrl, UriKind.Absolute, out var keyUri) || !IsTrusted(keyUri))
        {
            return SignatureCheck.Invalid("The signature's public key URL is not on a trusted Hull host.");
        }

        var key = await GetKeyAsync(keyUri, signature, refresh: false, cancellationToken);
        if (key is null)
        {
            return SignatureCheck.Invalid("Could not load the signature's public key.");
        }

        var result = await ValidateAsync(signature, key);
        if (!result.IsValid && result.Exception is SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException)
        {
            // Hull may have rotated its key: fetch it once more before rejecting.
            key = await GetKeyAsync(keyUri, signature, refresh: true, cancellationToken);
            result = key is null ? result : await ValidateAsync(signature, key);
        }

        if (!result.IsValid)
        {
            return SignatureCheck.Invalid($"Invalid signature: {result.Exception?.GetType().Name.Replace("Exception", "") ?? "rejected"}.");
        }

        var jti = (result.SecurityToken as JsonWebToken)?.Id;
        return string.IsNullOrEmpty(notificationId) || jti != notificationId
            ? SignatureCheck.Invalid("Invalid signature: its jti does not match the notification_id.")
            : SignatureCheck.Valid;
    }

    private Task<TokenValidationResult> ValidateAsync(string signature, RsaSecurityKey key) =>
        tokens.ValidateTokenAsync(signature, new TokenValidationParameters
        {
            IssuerSigningKey = key,
            ValidAlgorithms = [SecurityAlgorithms.RsaSha256],
            ValidateIssuer = false,
            ValidateAudience = false,
            RequireExpirationTime = false,
            ValidateLifetime = true,
            LifetimeValidator = (notBefore, expires, _, _) =>
            {
                var now = clock.GetUtcNow().UtcDateTime;
                return (notBefore is null || notBefore <= now.AddMinutes(5)) && (expires is null || expires >= now.AddMinutes(-5));
            },
        });

    private bool IsTrusted(Uri uri)
    {
        var loopback = uri.IsLoopback || IPAddress.TryParse(uri.Host, out var ip) && IPAddress.IsLoopback(ip);
        if (uri.Scheme != Uri.UriSchemeHttps && !(uri.Scheme == Uri.UriSchemeHttp && loopback))
        {
            return false;
        }

        return options.Value.TrustedHosts.Any(h =>
            uri.Host.Equals(h, StringComparison.OrdinalIgnoreCase) || uri.Host.EndsWith("." + h, StringComparison.OrdinalIgnoreCase));
    }

    private async Task<RsaSecurityKey?> GetKeyAsync(Uri keyUri, string signature, bool refresh, CancellationToken cancellationToken)
    {
        var cacheKey = keyUri.AbsoluteUri;
        if (!refresh && keys.TryGetValue(cacheKey, out var cached) && cached.Expires > clock.GetUtcNow())
        {
            return cached.Key;
        }

        var pem = await FetchPemAsync(keyUri, signature, cancellationToken);
        if (pem is null || !pem.Contains("-----BEGIN PUBLIC KEY-----", StringComparison.Ordinal))
        {
            return null;
        }

        var rsa = RSA.Create();
        try
        {
            rsa.ImportFromPem(pem);
        }
        catch (ArgumentException)
        {
            rsa.Dispose();
            return null;
        }

        var key = new RsaSecurityKey(rsa);
        keys[cacheKey] = (clock.GetUtcNow() + KeyCacheTtl, key);
        return key;
    }

    private async Task<string?> FetchPemAsync(Uri keyUri, string signature, CancellationToken cancellationToken)
    {
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, keyUri) { Content = new StringContent(signature) };
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            if (!response.IsSuccessStatusCode || response.Content.Headers.ContentLength > MaxKeyBytes)
            {
                return null;
            }

            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
            var buffer = new byte[MaxKeyBytes];
            var read = 0;
            int n;
            while (read < buffer.Length && (n = await body.ReadAsync(buffer.AsMemory(read), cancellationToken)) > 0)
            {
                read += n;
            }

            return System.Text.Encoding.ASCII.GetString(buffer, 0, read);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }
}
