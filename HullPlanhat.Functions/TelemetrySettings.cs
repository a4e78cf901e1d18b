using Azure.Core;
using Azure.Identity;

namespace HullPlanhat.Functions;

/// <summary>Names and settings the Functions host uses to export telemetry to Azure Monitor.</summary>
internal static class TelemetrySettings
{
    public const string ConnectionStringKey = "APPLICATIONINSIGHTS_CONNECTION_STRING";

    /// <summary>"Authorization=AAD;ClientId=…" — the same setting the Functions host reads.</summary>
    public const string AuthenticationStringKey = "APPLICATIONINSIGHTS_AUTHENTICATION_STRING";

    /// <summary>Meter and ActivitySource the product publishes under (see Core telemetry).</summary>
    public const string MeterName = "HullPlanhat";
    public const string ActivitySourceName = "HullPlanhat";

    /// <summary>
    /// A managed identity credential when the authentication string asks for Entra ID
    /// (<c>Authorization=AAD</c>), else null (the connection string's key is used).
    /// </summary>
    public static TokenCredential? CredentialFrom(string? authenticationString)
    {
        if (string.IsNullOrWhiteSpace(authenticationString))
        {
            return null;
        }

        string? authorization = null;
        string? clientId = null;
        foreach (var part in authenticationString.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var pair = part.Split('=', 2, StringSplitOptions.TrimEntries);
            if (pair.Length != 2)
            {
                continue;
            }

            if (pair[0].Equals("Authorization", StringComparison.OrdinalIgnoreCase))
            {
                authorization = pair[1];
            }
            else if (pair[0].Equals("ClientId", StringComparison.OrdinalIgnoreCase))
            {
                clientId = pair[1];
            }
        }

        if (!string.Equals(authorization, "AAD", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        return string.IsNullOrEmpty(clientId)
            ? new ManagedIdentityCredential(ManagedIdentityId.SystemAssigned)
            : new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(clientId));
    }
}
