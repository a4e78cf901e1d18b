using System.Net;
using System.Security.Cryptography;
using System.Text;
using HullPlanhat.Core.Status;
using HullPlanhat.Core.Storage;
using Microsoft.Extensions.Options;

namespace HullPlanhat.Core.Hull;

public enum CredentialOutcome
{
    /// <summary>The stored row already holds exactly these credentials, confirmed by Hull earlier.</summary>
    AlreadyVerified,

    /// <summary>Hull confirmed them just now.</summary>
    Verified,

    /// <summary>Hull refused them, or the organization is not a Hull host: never store them.</summary>
    Refused,

    /// <summary>Hull could not be asked (timeout, 5xx): try again later.</summary>
    Unavailable,
}

public sealed record CredentialCheck(CredentialOutcome Outcome, string CredentialsHash, string? Reason = null)
{
    public bool IsAccepted => Outcome is CredentialOutcome.AlreadyVerified or CredentialOutcome.Verified;
}

/// <summary>
/// A notification's signature covers only its id, so the <c>configuration</c> (id, organization,
/// secret) in its body is a claim, not a fact. Before such credentials are stored (first sight or any
/// change) Hull's API for that organization must accept them: <c>GET https://&lt;org&gt;/api/v1/&lt;id&gt;</c>
/// with the connector's id and secret (hull-protocol.md §2.6). A stored hash of the confirmed
/// credentials keeps the hot path free of Hull calls.
/// </summary>
public sealed class ConnectorCredentialVerifier(HttpClient http, IOptions<HullOptions> hullOptions, IOptions<HullApiOptions> apiOptions)
{
    public async Task<CredentialCheck> VerifyAsync(HullConfiguration configuration, ConnectorRecord? stored, CancellationToken cancellationToken)
    {
        var hash = Hash(configuration);
        if (stored?.VerifiedCredentialsHash is { } known && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(known), Encoding.ASCII.GetBytes(hash)))
        {
            return new(CredentialOutcome.AlreadyVerified, hash);
        }

        if (!IsHullOrganization(configuration.Organization))
        {
            return new(CredentialOutcome.Refused, hash, $"The organization '{configuration.Organization}' is not a host under the trusted Hull domains.");
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, ConnectorUri(configuration));
        request.Headers.TryAddWithoutValidation("Hull-App-Id", configuration.Id);
        request.Headers.TryAddWithoutValidation("Hull-Access-Token", configuration.Secret);
        request.Headers.TryAddWithoutValidation("Hull-Organization", configuration.Organization);
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            return response.StatusCode switch
            {
                _ when response.IsSuccessStatusCode => new(CredentialOutcome.Verified, hash),
                HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden or HttpStatusCode.NotFound or HttpStatusCode.PaymentRequired =>
                    new(CredentialOutcome.Refused, hash, $"Hull refused the connector's credentials ({(int)response.StatusCode})."),
                _ => new(CredentialOutcome.Unavailable, hash, $"Hull answered {(int)response.StatusCode} to the credential check."),
            };
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return new(CredentialOutcome.Unavailable, hash, "Hull could not be reached for the credential check.");
        }
    }

    /// <summary>SHA-256 of the length-prefixed id, organization and secret (the secret is random, so the hash reveals nothing).</summary>
    public static string Hash(HullConfiguration configuration)
    {
        var text = string.Join('\n', new[] { configuration.Id, configuration.Organization.ToLowerInvariant(), configuration.Secret }.Select(p => $"{p.Length}:{p}"));
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }

    private bool IsHullOrganization(string organization) =>
        Uri.CheckHostName(organization) is UriHostNameType.Dns or UriHostNameType.IPv4
        && hullOptions.Value.TrustedOrganizations.Any(h =>
            organization.Equals(h, StringComparison.OrdinalIgnoreCase) || organization.EndsWith("." + h, StringComparison.OrdinalIgnoreCase));

    private Uri ConnectorUri(HullConfiguration configuration)
    {
        var root = apiOptions.Value.ApiBaseUrl?.AbsoluteUri ?? $"https://{configuration.Organization}/api/v1/";
        return new Uri(root.TrimEnd('/') + "/" + Uri.EscapeDataString(configuration.Id));
    }
}
