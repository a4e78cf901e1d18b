using System.Text;

namespace HullPlanhat.Core.InternalApi;

/// <summary>HTTP Basic credentials: user = connector id, password = connector secret.</summary>
public sealed record BasicCredentials(string User, string Password)
{
    /// <summary>Never print the password.</summary>
    public override string ToString() => $"BasicCredentials {{ User = {User} }}";

    /// <summary>Parses an <c>Authorization</c> header; the error says what is wrong, never what was sent.</summary>
    public static (BasicCredentials? Credentials, string? Error) Parse(string? authorization)
    {
        if (string.IsNullOrWhiteSpace(authorization))
        {
            return (null, "HTTP Basic credentials are required: user = connector id, password = connector secret.");
        }

        const string malformed = "The Authorization header is not valid HTTP Basic credentials (Basic base64(connector id:connector secret)).";
        var parts = authorization.Trim().Split(' ', 2, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (parts.Length != 2 || !parts[0].Equals("Basic", StringComparison.OrdinalIgnoreCase))
        {
            return (null, malformed);
        }

        string decoded;
        try
        {
            decoded = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(Convert.FromBase64String(parts[1]));
        }
        catch (Exception e) when (e is FormatException or ArgumentException)
        {
            return (null, malformed);
        }

        var colon = decoded.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || colon == decoded.Length - 1)
        {
            return (null, "Both the connector id (user) and the connector secret (password) are required.");
        }

        return (new BasicCredentials(decoded[..colon], decoded[(colon + 1)..]), null);
    }
}
