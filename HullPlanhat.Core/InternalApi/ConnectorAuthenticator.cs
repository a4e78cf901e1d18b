using System.Security.Cryptography;
using System.Text;
using HullPlanhat.Core.Logging;
using HullPlanhat.Core.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace HullPlanhat.Core.InternalApi;

/// <summary>
/// Identifies the connector behind an internal API or status request: HTTP Basic (connector id and
/// secret) plus the <c>org</c> query parameter, checked against the <c>connectors</c> table. Hull's own
/// scheduler sends the same credentials as <c>?organization=&amp;ship=&amp;secret=</c> (hull-protocol.md §3.2);
/// that form is accepted too (request URLs are never logged, see the hosts' log filters).
/// </summary>
public sealed class ConnectorAuthenticator(ConnectorRegistry connectors, ILogger<ConnectorAuthenticator> logger)
{
    public const string OrganizationParameter = "org";

    /// <returns>The connector, or the answer to give instead (400, 401, 403 or 503).</returns>
    public async Task<(ConnectorRecord? Connector, IResult? Failure)> AuthenticateAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var hullSchedule = HullScheduleCredentials(request.Query);
        var organization = NormalizeOrganization(hullSchedule is null ? request.Query[OrganizationParameter].ToString() : request.Query["organization"].ToString());
        if (organization.Length == 0)
        {
            return Reject(StatusCodes.Status400BadRequest, "Query parameter 'org' (the Hull organization, e.g. example.hullapp.io) is required.");
        }

        var (credentials, error) = hullSchedule is not null ? (hullSchedule, null) : BasicCredentials.Parse(request.Headers.Authorization.ToString());
        if (credentials is null)
        {
            return Reject(StatusCodes.Status400BadRequest, error!);
        }

        ConnectorRecord? connector;
        try
        {
            connector = await connectors.FindAsync(credentials.User, cancellationToken);
        }
        catch (Exception e) when (e is Azure.RequestFailedException or HttpRequestException or IOException or AggregateException)
        {
            logger.InternalApiRejected(StatusCodes.Status503ServiceUnavailable, "Storage unavailable: " + e.GetType().Name);
            return (null, ApiResults.Error(StatusCodes.Status503ServiceUnavailable, "The connector registry is unavailable; retry later."));
        }

        // Compare fixed-length digests so neither the secret's content nor its length shows in the timing.
        var secretMatches = CryptographicOperations.FixedTimeEquals(
            SHA256.HashData(Encoding.UTF8.GetBytes(credentials.Password)),
            SHA256.HashData(Encoding.UTF8.GetBytes(connector?.Secret ?? string.Empty)));
        if (connector is null || !secretMatches)
        {
            logger.InternalApiRejected(StatusCodes.Status401Unauthorized, connector is null ? "Unknown connector." : "Wrong secret.");
            return (null, ApiResults.Unauthorized("Invalid credentials: unknown connector id or wrong secret."));
        }

        if (!string.Equals(NormalizeOrganization(connector.Organization), organization, StringComparison.OrdinalIgnoreCase))
        {
            using var scope = logger.ForConnector(connector.Id, connector.Organization);
            logger.InternalApiRejected(StatusCodes.Status403Forbidden, "Organization mismatch.");
            return (null, ApiResults.Error(StatusCodes.Status403Forbidden, "This connector does not belong to the organization given in 'org'."));
        }

        return (connector, null);
    }

    private static BasicCredentials? HullScheduleCredentials(IQueryCollection query)
    {
        var id = query["ship"].ToString() is { Length: > 0 } ship ? ship : query["id"].ToString();
        var secret = query["secret"].ToString();
        return id.Length > 0 && secret.Length > 0 ? new BasicCredentials(id, secret) : null;
    }

    /// <summary><c>https://Foo.hullapp.io/</c> and <c>foo.hullapp.io</c> name the same organization.</summary>
    public static string NormalizeOrganization(string? organization)
    {
        var value = (organization ?? string.Empty).Trim();
        foreach (var scheme in (ReadOnlySpan<string>)["https://", "http://"])
        {
            if (value.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
            {
                value = value[scheme.Length..];
            }
        }

        return value.TrimEnd('/').ToLowerInvariant();
    }

    private (ConnectorRecord?, IResult?) Reject(int status, string message)
    {
        logger.InternalApiRejected(status, message);
        return (null, ApiResults.Error(status, message));
    }
}
