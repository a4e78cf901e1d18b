using System.Text.Json.Nodes;
using HullPlanhat.Core.Hull;
using Microsoft.Extensions.Logging;

namespace HullPlanhat.Core.Logging;

/// <summary>
/// Scopes that attach a log line to its connector and subject, with Hull's context keys
/// (<c>id</c>, <c>organization</c>, <c>subject_type</c>, <c>account_*</c>, <c>user_*</c>). Never secrets.
/// </summary>
public static class HullLogScope
{
    public static IDisposable? ForConnector(this ILogger logger, string connectorId, string? organization) =>
        logger.BeginScope(new Dictionary<string, object?> { ["id"] = connectorId, ["organization"] = organization });

    public static IDisposable? ForAccount(this ILogger logger, JsonObject? account) =>
        logger.BeginScope(new Dictionary<string, object?>
        {
            ["subject_type"] = "account",
            ["account_id"] = HullMessages.String(account, "id"),
            ["account_external_id"] = HullMessages.String(account, "external_id"),
            ["account_domain"] = HullMessages.String(account, "domain"),
        });

    public static IDisposable? ForUser(this ILogger logger, JsonObject? user) =>
        logger.BeginScope(new Dictionary<string, object?>
        {
            ["subject_type"] = "user",
            ["user_id"] = HullMessages.String(user, "id"),
            ["user_email"] = HullMessages.String(user, "email"),
            ["user_external_id"] = HullMessages.String(user, "external_id"),
        });
}
