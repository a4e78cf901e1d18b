namespace HullPlanhat.Core.Status;

/// <summary>The original connector's status messages, verbatim (including its spacing and punctuation).</summary>
public static class StatusMessages
{
    public const string UserSection = "User attributes mapping";
    public const string AccountSection = "Account attributes mapping";
    public const string LicenseSection = "Licenses attributes mapping";

    public const string PatMissing = "Connector unauthenticated: No Personal Access Token present.";
    public const string TenantIdMissing = "Connector unauthenticated: No Tenant Token present.";

    public const string LicenseAttributeMissing =
        "Incomplete License mapping: You have not configured the account attribute containing the JSON array for licenses ('Licenses account attribute') but have defined the attribute mappings. No licenses will be synchronized";

    public const string LicenseItemMappingsMissing =
        "Incomplete License mapping: You have not configured the item mappings ('Licenses attributes mapping') but have defined the account attribute mapping for the JSON array.  No licenses will be synchronized";

    public static string InvalidMapping(string hullField, string serviceField, string section) =>
        $"Invalid mapping: The mapping Hull: '{hullField}' Planhat: '{serviceField}' in section has an invalid value for Planhat in section '{section}'.";

    public static string RequiredMappingMissing(string label, string section) =>
        $"Required mapping missing: The field '{label}' is required, please specify a mapping in section '{section}'.";

    public static string RequiredMappingMissing(string label, string alternativeLabel, string section) =>
        $"Required mapping missing: Either the field '{label}' or '{alternativeLabel}' are required, please specify a mapping in section '{section}'.";

    // Not in the original, which never called Planhat from /status.
    public static string PlanhatRejectedToken(int status) =>
        $"Planhat rejected the Personal Access Token (HTTP {status}). Check 'personal_acccess_token' and 'api_prefix'.";

    public static string PlanhatUnreachable(string detail) =>
        $"Could not verify the Personal Access Token: Planhat did not answer successfully ({detail}).";
}
