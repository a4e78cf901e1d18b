using HullPlanhat.Core.Hull;
using HullPlanhat.Core.Planhat;

namespace HullPlanhat.Core.Status;

/// <summary>
/// The original's settings check (original-connector-behaviour.md §7) as a pure function: setup
/// first, then (only when set up) license completeness, invalid targets and required fields.
/// </summary>
public static class StatusEvaluator
{
    public static ConnectorStatus Evaluate(ConnectorSettings settings)
    {
        var level = ConnectorStatusLevel.Ok;
        var messages = new List<string>();
        void Add(ConnectorStatusLevel at, string message)
        {
            level = Max(level, at);
            messages.Add(message);
        }

        if (!settings.HasAccessToken)
        {
            Add(ConnectorStatusLevel.SetupRequired, StatusMessages.PatMissing);
        }

        if (string.IsNullOrWhiteSpace(settings.TenantId))
        {
            Add(ConnectorStatusLevel.SetupRequired, StatusMessages.TenantIdMissing);
        }

        if (level == ConnectorStatusLevel.Ok)
        {
            foreach (var (severity, message) in MappingProblems(settings))
            {
                Add(severity, message);
            }
        }

        return new ConnectorStatus(ConnectorStatus.Name(level), messages);
    }

    public static ConnectorStatusLevel Max(ConnectorStatusLevel a, ConnectorStatusLevel b) => a > b ? a : b;

    public static ConnectorStatusLevel Parse(string status) => status switch
    {
        "ok" => ConnectorStatusLevel.Ok,
        "warning" => ConnectorStatusLevel.Warning,
        "error" => ConnectorStatusLevel.Error,
        _ => ConnectorStatusLevel.SetupRequired,
    };

    private static IEnumerable<(ConnectorStatusLevel, string)> MappingProblems(ConnectorSettings settings)
    {
        const ConnectorStatusLevel error = ConnectorStatusLevel.Error;
        var contacts = Complete(settings.ContactAttributesOutbound);
        var companies = Complete(settings.AccountAttributesOutbound);
        var licenses = Complete(settings.AccountLicensesAttributesOutbound);
        var hasLicenseAttribute = !string.IsNullOrWhiteSpace(settings.AccountLicensesAttribute);

        if (hasLicenseAttribute && licenses.Count == 0)
        {
            yield return (ConnectorStatusLevel.Warning, StatusMessages.LicenseItemMappingsMissing);
        }

        if (!hasLicenseAttribute && licenses.Count > 0)
        {
            yield return (ConnectorStatusLevel.Warning, StatusMessages.LicenseAttributeMissing);
        }

        foreach (var message in Invalid(contacts, PlanhatSchema.Contacts, StatusMessages.UserSection)
            .Concat(Invalid(companies, PlanhatSchema.Companies, StatusMessages.AccountSection))
            .Concat(hasLicenseAttribute ? Invalid(licenses, PlanhatSchema.Licenses, StatusMessages.LicenseSection) : []))
        {
            yield return (error, message);
        }

        var contactKeys = Keys(contacts, PlanhatSchema.Contacts);
        if (!contactKeys.Contains("externalId") && !contactKeys.Contains("email"))
        {
            yield return (error, StatusMessages.RequiredMappingMissing("External id", "Email", StatusMessages.UserSection));
        }

        if (!contactKeys.Contains("name") && !(contactKeys.Contains("firstName") && contactKeys.Contains("lastName")))
        {
            yield return (error, StatusMessages.RequiredMappingMissing("Full name", "First name and Last Name", StatusMessages.UserSection));
        }

        if (!Keys(companies, PlanhatSchema.Companies).Contains("name"))
        {
            yield return (error, StatusMessages.RequiredMappingMissing("Name (*)", StatusMessages.AccountSection));
        }

        if (hasLicenseAttribute && licenses.Count > 0)
        {
            var licenseKeys = Keys(licenses, PlanhatSchema.Licenses);
            foreach (var (key, label) in new[] { ("externalId", "External ID (*)"), ("_currency", "Currency (*)"), ("fromDate", "From Date (*)") })
            {
                if (!licenseKeys.Contains(key))
                {
                    yield return (error, StatusMessages.RequiredMappingMissing(label, StatusMessages.LicenseSection));
                }
            }

            if (!licenseKeys.Contains("mrr") && !licenseKeys.Contains("value"))
            {
                yield return (error, StatusMessages.RequiredMappingMissing("MRR (*)", "Total Value (*)", StatusMessages.LicenseSection));
            }
        }
    }

    // Only rows with both names count, as in the original.
    private static List<FieldMapping> Complete(IReadOnlyList<FieldMapping>? mappings) =>
        (mappings ?? []).Where(m => m is { IsComplete: true }).ToList();

    private static IEnumerable<string> Invalid(List<FieldMapping> mappings, IReadOnlyList<PlanhatField> fields, string section) =>
        mappings.Where(m => PlanhatSchema.KeyOf(fields, m.ServiceFieldName) is null)
            .Select(m => StatusMessages.InvalidMapping(m.HullFieldName!, m.ServiceFieldName!, section));

    private static HashSet<string> Keys(List<FieldMapping> mappings, IReadOnlyList<PlanhatField> fields) =>
        mappings.Select(m => PlanhatSchema.KeyOf(fields, m.ServiceFieldName)).OfType<string>().ToHashSet(StringComparer.Ordinal);
}
