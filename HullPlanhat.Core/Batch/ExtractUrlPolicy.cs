using System.Net;

namespace HullPlanhat.Core.Batch;

/// <summary>Which extract URLs may be fetched: HTTPS (plain HTTP only on loopback) from a trusted host (pure).</summary>
public static class ExtractUrlPolicy
{
    /// <returns>Null when <paramref name="url"/> may be fetched, else why not.</returns>
    public static string? Check(string? url, IReadOnlyList<string> trustedHosts)
    {
        // "/x" parses as file:///x on Unix, so the scheme is checked too.
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            return "The extract url must be an absolute HTTPS URL.";
        }

        var loopback = uri.IsLoopback || IPAddress.TryParse(uri.Host, out var ip) && IPAddress.IsLoopback(ip);
        if (uri.Scheme != Uri.UriSchemeHttps && !(uri.Scheme == Uri.UriSchemeHttp && loopback))
        {
            return "The extract url must use HTTPS (plain HTTP only on loopback).";
        }

        var trusted = trustedHosts.Any(h =>
            uri.Host.Equals(h, StringComparison.OrdinalIgnoreCase) || uri.Host.EndsWith("." + h, StringComparison.OrdinalIgnoreCase));
        return trusted ? null : $"The extract host '{uri.Host}' is not one of Hull__TrustedExtractHosts.";
    }
}
