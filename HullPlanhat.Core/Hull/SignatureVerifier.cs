using System.Net;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace HullPlanhat.Core.Hull;

/// <param name="Expires">The token's <c>exp</c> (valid checks only): how long its <c>jti</c> must be remembered.</param>
/// <param name="IsTransient">The check could not be made (the key could not be loaded): Hull should retry.</param>
public sealed record SignatureCheck(bool IsValid, string? Error, DateTimeOffset Expires = default, bool IsTransient = false)
{
    public static SignatureCheck Valid(DateTimeOffset expires) => new(true, null, expires);
    public static SignatureCheck Invalid(string error) => new(false, error);
    public static SignatureCheck Unavailable(string error) => new(false, error, IsTransient: true);
}

/// <summary>
/// Verifies Hull's smart-notifier signature (hull-protocol.md §1.2): an RS256 JWT whose public
/// key is POSTed for at a URL named in a header. That URL is attacker-controlled, so it must be
/// on a trusted host; keys are cached per URL in a bounded cache, and a URL is fetched again at
/// most once per <see cref="MinRefetchInterval"/> (a forged signature must not make us fetch each time).
/// </summary>
public sealed class SignatureVerifier(HttpClient http, IOptions<HullOptions> options, TimeProvider clock) : IDisposable
{
    public const string FlagHeader = "x-hull-smart-notifier";
    public const string VersionHeader = "x-hull-smart-notifier-signature-version";
    public const string SignatureHeader = "x-hull-smart-notifier-signature";
    public const string PublicKeyUrlHeader = "x-hull-smart-notifier-signature-public-key-url";
    private const int MaxKeyBytes = 16 * 1024;
    private const int MaxCachedKeyUrls = 64;
    private static readonly TimeSpan KeyCacheTtl = TimeSpan.FromHours(1);
    public static readonly TimeSpan MinRefetchInterval = TimeSpan.FromMinutes(1);

    private readonly MemoryCache keys = new(new MemoryCacheOptions { SizeLimit = MaxCachedKeyUrls });
    private readonly SemaphoreSlim fetchGate = new(1, 1);
    private readonly JsonWebTokenHandler tokens = new();

    private sealed record KeyEntry(RsaSecurityKey? Key, DateTimeOffset FetchedAt);

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
            return SignatureCheck.Unavailable("Could not load the signature's public key.");
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

        var token = (JsonWebToken)result.SecurityToken;
        return string.IsNullOrEmpty(notificationId) || token.Id != notificationId
            ? SignatureCheck.Invalid("Invalid signature: its jti does not match the notification_id.")
            : SignatureCheck.Valid(new DateTimeOffset(token.ValidTo, TimeSpan.Zero));
    }

    private Task<TokenValidationResult> ValidateAsync(string signature, RsaSecurityKey key) =>
        tokens.ValidateTokenAsync(signature, new TokenValidationParameters
        {
            IssuerSigningKey = key,
            ValidAlgorithms = [SecurityAlgorithms.RsaSha256],
            ValidateIssuer = false,
            ValidateAudience = false,
            RequireExpirationTime = true,
            ValidateLifetime = true,
            LifetimeValidator = (notBefore, expires, _, _) =>
            {
                var now = clock.GetUtcNow().UtcDateTime;
                return (notBefore is null || notBefore <= now.AddMinutes(5)) && expires is not null && expires >= now.AddMinutes(-5);
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
        var url = keyUri.AbsoluteUri;
        if (IsFresh(url, refresh) is { } known)
        {
            return known.Key;
        }

        await fetchGate.WaitAsync(cancellationToken);
        try
        {
            // Another request may have fetched it while this one waited.
            if (IsFresh(url, refresh) is { } fetched)
            {
                return fetched.Key;
            }

            var entry = new KeyEntry(ParseKey(await FetchPemAsync(keyUri, signature, cancellationToken)), clock.GetUtcNow());
            // A failed fetch is remembered too, so it is retried at most once per interval.
            keys.Set(url, entry, new MemoryCacheEntryOptions
            {
                Size = 1,
                AbsoluteExpirationRelativeToNow = entry.Key is null ? MinRefetchInterval : KeyCacheTtl,
            });
            return entry.Key;
        }
        finally
        {
            fetchGate.Release();
        }
    }

    /// <summary>The cached entry, unless a refresh is asked for and the last fetch is old enough to repeat.</summary>
    private KeyEntry? IsFresh(string url, bool refresh) =>
        keys.TryGetValue(url, out KeyEntry? entry) && entry is not null && (!refresh || clock.GetUtcNow() - entry.FetchedAt < MinRefetchInterval)
            ? entry
            : null;

    private static RsaSecurityKey? ParseKey(string? pem)
    {
        if (pem is null || !pem.Contains("-----BEGIN PUBLIC KEY-----", StringComparison.Ordinal))
        {
            return null;
        }

        var rsa = RSA.Create();
        try
        {
            rsa.ImportFromPem(pem);
            return new RsaSecurityKey(rsa);
        }
        catch (ArgumentException)
        {
            rsa.Dispose();
            return null;
        }
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

    public void Dispose()
    {
        keys.Dispose();
        fetchGate.Dispose();
    }
}
