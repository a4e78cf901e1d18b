using System.Text.Json.Serialization;

namespace HullPlanhat.Core.Hull;

/// <summary>One row of a Hull mapping table setting.</summary>
public sealed record FieldMapping(
    [property: JsonPropertyName("hull_field_name")] string? HullFieldName,
    [property: JsonPropertyName("service_field_name")] string? ServiceFieldName)
{
    /// <summary>Only rows with both names count (as in the original).</summary>
    [JsonIgnore]
    public bool IsComplete => !string.IsNullOrWhiteSpace(HullFieldName) && !string.IsNullOrWhiteSpace(ServiceFieldName);
}

/// <summary>
/// The connector's <c>private_settings</c>, with the original's names and defaults
/// (including the misspelt <c>personal_acccess_token</c>).
/// </summary>
/// <remarks>Setters, not init: the JSON source generator gives missing init properties default values, losing these defaults.</remarks>
public sealed record ConnectorSettings
{
    [JsonPropertyName("personal_acccess_token")] public string? PersonalAccessToken { get; init; }
    [JsonPropertyName("api_prefix")] public string? ApiPrefix { get; set; } = "api";
    [JsonPropertyName("tenant_id")] public string? TenantId { get; init; }

    [JsonPropertyName("contact_synchronized_segments")] public IReadOnlyList<string> ContactSynchronizedSegments { get; set; } = [];
    [JsonPropertyName("contact_events")] public IReadOnlyList<string> ContactEvents { get; set; } = [];
    [JsonPropertyName("contact_attributes_outbound")] public IReadOnlyList<FieldMapping> ContactAttributesOutbound { get; set; } =
        [new("name", "name"), new("email", "email")];
    [JsonPropertyName("contact_custom_attributes_outbound")] public IReadOnlyList<FieldMapping> ContactCustomAttributesOutbound { get; set; } = [];

    [JsonPropertyName("account_synchronized_segments")] public IReadOnlyList<string> AccountSynchronizedSegments { get; set; } = [];
    [JsonPropertyName("account_require_externalid")] public bool AccountRequireExternalId { get; set; } = true;
    [JsonPropertyName("account_attributes_outbound")] public IReadOnlyList<FieldMapping> AccountAttributesOutbound { get; set; } = [new("name", "name")];
    [JsonPropertyName("account_custom_attributes_outbound")] public IReadOnlyList<FieldMapping> AccountCustomAttributesOutbound { get; set; } = [];
    [JsonPropertyName("account_licenses_attribute")] public string? AccountLicensesAttribute { get; init; }
    [JsonPropertyName("account_licenses_attributes_outbound")] public IReadOnlyList<FieldMapping> AccountLicensesAttributesOutbound { get; set; } = [];
    [JsonPropertyName("account_licenses_custom_attributes_outbound")] public IReadOnlyList<FieldMapping> AccountLicensesCustomAttributesOutbound { get; set; } = [];

    /// <summary>Minutes between company imports; the UI offers 180/360/720/1440, 0 means every run.</summary>
    [JsonPropertyName("fetch_interval_accounts")]
    [JsonNumberHandling(JsonNumberHandling.AllowReadingFromString)]
    public int FetchIntervalAccounts { get; set; } = 180;

    [JsonPropertyName("fetch_interval_users")]
    [JsonNumberHandling(JsonNumberHandling.AllowReadingFromString)]
    public int FetchIntervalUsers { get; set; } = 180;

    /// <summary>The shared secret Planhat's webhook must present (issue 16); none: webhooks are refused.</summary>
    [JsonPropertyName("planhat_webhook_secret")] public string? PlanhatWebhookSecret { get; init; }

    /// <summary>A blank token is as good as none (the original only checked for undefined; bug 12.16).</summary>
    [JsonIgnore]
    public bool HasAccessToken => !string.IsNullOrWhiteSpace(PersonalAccessToken);
}
