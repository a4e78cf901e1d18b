using System.Text.Json.Nodes;
using Microsoft.AspNetCore.DataProtection;

namespace HullPlanhat.Core.Storage;

/// <summary>
/// Encrypts what must not rest in plain text in the <c>connectors</c> table: the connector secret
/// and every credential-like private setting (the Planhat token). ASP.NET Core Data Protection:
/// keys in blob storage, wrapped by Key Vault on Azure. Protected values carry a prefix, so a plain
/// value (a row written before encryption) is recognised and migrated.
/// </summary>
public sealed class ConnectorSecretProtector(IDataProtectionProvider provider)
{
    private const string Prefix = "dp1:";
    private readonly IDataProtector protector = provider.CreateProtector("HullPlanhat.Connectors.Secrets.v1");

    /// <summary>Private settings whose values are credentials (<c>personal_acccess_token</c> and the like).</summary>
    public static bool IsSecretSetting(string name) =>
        name.Contains("token", StringComparison.OrdinalIgnoreCase)
        || name.Contains("secret", StringComparison.OrdinalIgnoreCase)
        || name.Contains("password", StringComparison.OrdinalIgnoreCase);

    public static bool IsProtected(string? value) => value?.StartsWith(Prefix, StringComparison.Ordinal) == true;

    public string Protect(string value) => IsProtected(value) ? value : Prefix + protector.Protect(value);

    /// <summary>The plain value; a value stored before encryption is returned as it is.</summary>
    public string Unprotect(string value) => IsProtected(value) ? protector.Unprotect(value[Prefix.Length..]) : value;

    /// <summary>A copy of the settings with every credential-like string value protected.</summary>
    public JsonObject ProtectSettings(JsonObject settings) => MapSecrets(settings, Protect);

    public JsonObject UnprotectSettings(JsonObject settings) => MapSecrets(settings, Unprotect);

    /// <summary>True when a stored row still holds a plain secret or token.</summary>
    public static bool HoldsPlainSecrets(string? secret, JsonObject settings) =>
        (secret is { Length: > 0 } && !IsProtected(secret))
        || settings.Any(p => IsSecretSetting(p.Key) && p.Value is JsonValue v && v.TryGetValue<string>(out var s) && s.Length > 0 && !IsProtected(s));

    private static JsonObject MapSecrets(JsonObject settings, Func<string, string> map)
    {
        var copy = (JsonObject)settings.DeepClone();
        foreach (var (name, value) in settings)
        {
            if (IsSecretSetting(name) && value is JsonValue v && v.TryGetValue<string>(out var text) && text.Length > 0)
            {
                copy[name] = map(text);
            }
        }

        return copy;
    }
}
