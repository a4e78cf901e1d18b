namespace HullPlanhat.Core.Planhat;

/// <summary>A Planhat field a mapping may target, with the label the settings UI shows.</summary>
public sealed record PlanhatField(string Key, string Label);

/// <summary>
/// The Planhat keys mappings may write (original-connector-behaviour.md §2, <c>GET /schema/{type}</c>).
/// A mapping may name a field by key or by label (the original's fixtures use labels such as <c>Name (*)</c>).
/// </summary>
public static class PlanhatSchema
{
    public static readonly IReadOnlyList<PlanhatField> Contacts =
    [
        new("companyName", "Company Name"), new("createDate", "Create Date"), new("externalId", "External id"),
        new("name", "Full name"), new("position", "Position"), new("phone", "Phone"), new("email", "Email"),
        new("featured", "Featured"), new("tags", "Tags"), new("firstName", "First name"), new("lastName", "Last name"),
    ];

    public static readonly IReadOnlyList<PlanhatField> Companies =
    [
        new("name", "Name (*)"), new("slug", "Slug"), new("owner", "Owner"), new("coOwner", "Co-Owner"),
        new("phase", "Phase"), new("tags", "Tags"),
    ];

    public static readonly IReadOnlyList<PlanhatField> Licenses =
    [
        new("externalId", "External ID (*)"), new("product", "Product"), new("_currency", "Currency (*)"),
        new("fromDate", "From Date (*)"), new("toDate", "To Date"), new("fixedPeriod", "Fixed Period"),
        new("mrr", "MRR (*)"), new("value", "Total Value (*)"), new("renewalStatus", "Renewal Status"),
        new("autoRenews", "Auto Renews"), new("renewalPeriod", "Renewal Period"), new("noticePeriod", "Notice Period"),
    ];

    /// <summary>The Planhat key a mapping's service field names, or null when it is not allowed.</summary>
    public static string? KeyOf(IReadOnlyList<PlanhatField> fields, string? serviceFieldName)
    {
        var name = serviceFieldName?.Trim();
        return fields.FirstOrDefault(f => f.Key == name || f.Label == name)?.Key;
    }

    public static string LabelOf(IReadOnlyList<PlanhatField> fields, string key) =>
        fields.FirstOrDefault(f => f.Key == key)?.Label ?? key;
}
