namespace HullPlanhat.Core.Outgoing;

/// <summary>The skip reasons of the original connector (exact texts), plus our own.</summary>
public static class SkipReasons
{
    public const string NoAccessToken = "Connector unauthenticated: No Personal Access Token present.";
    public const string AccountWithoutExternalId = "The account in Hull has no external_id, but it is marked as required.";
    public const string AccountNotInSegments = "Account doesn't belong to any of the segments defined in the Account Filter.";
    public const string NoCompanyName = "No company name present.";
    public const string InvalidOwner = "Invalid Owner ID.";
    public const string InvalidCoOwner = "Invalid Co-Owner ID.";
    public const string AlreadyInSync = "All mapped attributes are already in sync between Hull and Planhat.";

    public const string UserNotInSegments = "User doesn't belong to any of the segments defined in the Contact Filter.";
    public const string UserAccountNotInSegments = "The user's account doesn't belong to any of the segments defined in the Account Filter.";
    public const string NoCompanyId = "No company id present.";
    public const string NoEmailOrExternalId = "Neither email nor external id present.";
    public const string InvalidEmail = "The email is not a valid address.";
    public const string NoTenantId = "No Tenant Token present: events cannot be sent to Planhat.";

    public const string OlderChange = "A newer change of this object was handled already; this older one is not sent.";

    /// <summary>Joins reasons with a space, as the original did.</summary>
    public static string Join(IEnumerable<string> reasons) => string.Join(' ', reasons).Trim();
}
