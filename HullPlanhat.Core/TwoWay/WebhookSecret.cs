using System.Security.Cryptography;
using System.Text;

namespace HullPlanhat.Core.TwoWay;

/// <summary>The per-connector shared secret of the Planhat webhook (private setting <c>planhat_webhook_secret</c>).</summary>
public static class WebhookSecret
{
    public const string Setting = "planhat_webhook_secret";

    /// <summary>
    /// Constant-time comparison (of SHA-256 digests, so lengths leak nothing either). A connector
    /// without a secret accepts no webhook.
    /// </summary>
    public static bool Matches(string? expected, string? given)
    {
        if (string.IsNullOrWhiteSpace(expected) || string.IsNullOrEmpty(given))
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(
            SHA256.HashData(Encoding.UTF8.GetBytes(expected)),
            SHA256.HashData(Encoding.UTF8.GetBytes(given)));
    }
}
