using System.Text.RegularExpressions;
using HullPlanhat.Core.Storage;

namespace HullPlanhat.Core.Planhat;

/// <summary>Where and as whom one connector talks to Planhat.</summary>
public sealed record PlanhatConnection(string ConnectorId, Uri ApiBase, Uri AnalyticsBase, string Token, string? TenantId)
{
    // Keeps the api_prefix setting from steering requests to an arbitrary host.
    private static readonly Regex ApiPrefix = new("^api(-[a-z0-9]{1,12})?$", RegexOptions.CultureInvariant);

    public static PlanhatConnection? For(ConnectorRecord connector, PlanhatOptions options)
    {
        var settings = connector.Settings;
        if (!settings.HasAccessToken)
        {
            return null;
        }

        var prefix = string.IsNullOrWhiteSpace(settings.ApiPrefix) ? "api" : settings.ApiPrefix.Trim().ToLowerInvariant();
        if (options.ApiBaseUrl is null && !ApiPrefix.IsMatch(prefix))
        {
            prefix = "api";
        }

        return new PlanhatConnection(
            connector.Id,
            options.ApiBaseUrl ?? new Uri($"https://{prefix}.planhat.com"),
            options.AnalyticsBaseUrl ?? new Uri("https://analytics.planhat.com"),
            settings.PersonalAccessToken!.Trim(),
            string.IsNullOrWhiteSpace(settings.TenantId) ? null : settings.TenantId.Trim());
    }

    /// <summary>Planhat's quota belongs to the token: every connector and instance using it shares one budget (a hash, never the token).</summary>
    public string BudgetKey => Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(Token)))[..32];

    public Uri Api(string pathAndQuery) => Combine(ApiBase, pathAndQuery);

    public Uri Analytics(string pathAndQuery) => Combine(AnalyticsBase, pathAndQuery);

    private static Uri Combine(Uri root, string pathAndQuery) => new(root.AbsoluteUri.TrimEnd('/') + "/" + pathAndQuery.TrimStart('/'));

    /// <summary>Never print the token.</summary>
    public override string ToString() => $"PlanhatConnection {{ ConnectorId = {ConnectorId}, ApiBase = {ApiBase} }}";
}
