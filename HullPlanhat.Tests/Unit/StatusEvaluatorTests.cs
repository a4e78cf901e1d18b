using System.Text.Json.Nodes;
using HullPlanhat.Core.Hull;
using HullPlanhat.Core.Status;

namespace HullPlanhat.Tests.Unit;

public sealed class StatusEvaluatorTests
{
    private static JsonArray Map(params (string Hull, string Service)[] rows) =>
        new(rows.Select(r => (JsonNode)new JsonObject { ["hull_field_name"] = r.Hull, ["service_field_name"] = r.Service }).ToArray());

    private static ConnectorStatus Evaluate(JsonObject? overrides = null, params string[] remove)
    {
        var settings = new JsonObject
        {
            ["personal_acccess_token"] = "pat",
            ["tenant_id"] = "tenant",
            ["contact_attributes_outbound"] = Map(("email", "email"), ("name", "name")),
            ["account_attributes_outbound"] = Map(("name", "name")),
        };
        foreach (var (key, value) in overrides ?? [])
        {
            settings[key] = value?.DeepClone();
        }

        foreach (var key in remove)
        {
            settings.Remove(key);
        }

        return StatusEvaluator.Evaluate(ConnectorSettingsParser.Parse(settings));
    }

    [Fact]
    public void Complete_settings_are_ok_without_messages()
    {
        var status = Evaluate();
        Assert.Equal("ok", status.Status);
        Assert.Empty(status.Messages);
    }

    [Fact]
    public void Default_mappings_of_a_fresh_connector_with_credentials_are_ok()
    {
        var status = StatusEvaluator.Evaluate(ConnectorSettingsParser.Parse(new JsonObject { ["personal_acccess_token"] = "pat", ["tenant_id"] = "t" }));
        Assert.Equal("ok", status.Status);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void Missing_or_blank_token_requires_setup(string? token)
    {
        var status = token is null ? Evaluate(remove: "personal_acccess_token") : Evaluate(new() { ["personal_acccess_token"] = token });
        Assert.Equal("setupRequired", status.Status);
        Assert.Equal(["Connector unauthenticated: No Personal Access Token present."], status.Messages);
    }

    [Fact]
    public void Missing_tenant_requires_setup_and_both_missing_give_both_messages()
    {
        Assert.Equal(["Connector unauthenticated: No Tenant Token present."], Evaluate(new() { ["tenant_id"] = " " }).Messages);
        var status = Evaluate(remove: ["personal_acccess_token", "tenant_id"]);
        Assert.Equal("setupRequired", status.Status);
        Assert.Equal(["Connector unauthenticated: No Personal Access Token present.", "Connector unauthenticated: No Tenant Token present."], status.Messages);
    }

    [Fact]
    public void Mapping_problems_are_not_reported_while_setup_is_required()
    {
        var status = Evaluate(new() { ["account_attributes_outbound"] = new JsonArray() }, "tenant_id");
        Assert.Equal(["Connector unauthenticated: No Tenant Token present."], status.Messages);
    }

    [Fact]
    public void License_attribute_without_item_mappings_is_a_warning()
    {
        var status = Evaluate(new() { ["account_licenses_attribute"] = "ph_licenses" });
        Assert.Equal("warning", status.Status);
        Assert.Equal(["Incomplete License mapping: You have not configured the item mappings ('Licenses attributes mapping') but have defined the account attribute mapping for the JSON array.  No licenses will be synchronized"], status.Messages);
    }

    [Fact]
    public void License_item_mappings_without_attribute_is_a_warning()
    {
        var status = Evaluate(new() { ["account_licenses_attributes_outbound"] = Map(("id", "externalId")) });
        Assert.Equal("warning", status.Status);
        Assert.Equal(["Incomplete License mapping: You have not configured the account attribute containing the JSON array for licenses ('Licenses account attribute') but have defined the attribute mappings. No licenses will be synchronized"], status.Messages);
    }

    [Fact]
    public void Invalid_targets_are_errors_per_section()
    {
        var status = Evaluate(new()
        {
            ["contact_attributes_outbound"] = Map(("email", "email"), ("name", "name"), ("name", "fullName")),
            ["account_attributes_outbound"] = Map(("name", "name"), ("mrr", "revenue")),
            ["account_licenses_attribute"] = "ph_licenses",
            ["account_licenses_attributes_outbound"] = Map(("id", "externalId"), ("cur", "_currency"), ("from", "fromDate"), ("mrr", "mrr"), ("x", "seats")),
        });
        Assert.Equal("error", status.Status);
        Assert.Equal(
        [
            "Invalid mapping: The mapping Hull: 'name' Planhat: 'fullName' in section has an invalid value for Planhat in section 'User attributes mapping'.",
            "Invalid mapping: The mapping Hull: 'mrr' Planhat: 'revenue' in section has an invalid value for Planhat in section 'Account attributes mapping'.",
            "Invalid mapping: The mapping Hull: 'x' Planhat: 'seats' in section has an invalid value for Planhat in section 'Licenses attributes mapping'.",
        ], status.Messages);
    }

    [Fact]
    public void License_targets_are_not_checked_without_the_license_attribute()
    {
        var status = Evaluate(new() { ["account_licenses_attributes_outbound"] = Map(("x", "seats")) });
        Assert.Equal("warning", status.Status);
        Assert.Single(status.Messages);
    }

    [Fact]
    public void Rows_missing_a_name_do_not_count()
    {
        var rows = new JsonArray(new JsonObject { ["hull_field_name"] = "email" }, new JsonObject { ["service_field_name"] = "bogus" });
        var status = Evaluate(new() { ["account_attributes_outbound"] = new JsonArray(new JsonObject { ["hull_field_name"] = "name", ["service_field_name"] = "name" }, rows[0]!.DeepClone(), rows[1]!.DeepClone()) });
        Assert.Equal("ok", status.Status);
    }

    [Fact]
    public void Users_need_external_id_or_email_and_a_name()
    {
        var status = Evaluate(new() { ["contact_attributes_outbound"] = new JsonArray() });
        Assert.Equal("error", status.Status);
        Assert.Equal(
        [
            "Required mapping missing: Either the field 'External id' or 'Email' are required, please specify a mapping in section 'User attributes mapping'.",
            "Required mapping missing: Either the field 'Full name' or 'First name and Last Name' are required, please specify a mapping in section 'User attributes mapping'.",
        ], status.Messages);
    }

    [Fact]
    public void First_and_last_name_together_replace_the_full_name()
    {
        Assert.Equal("ok", Evaluate(new() { ["contact_attributes_outbound"] = Map(("ext", "externalId"), ("first", "firstName"), ("last", "lastName")) }).Status);
        Assert.Equal("error", Evaluate(new() { ["contact_attributes_outbound"] = Map(("ext", "externalId"), ("first", "firstName")) }).Status);
    }

    [Fact]
    public void Companies_need_a_name()
    {
        var status = Evaluate(new() { ["account_attributes_outbound"] = Map(("slug", "slug")) });
        Assert.Equal("error", status.Status);
        Assert.Equal(["Required mapping missing: The field 'Name (*)' is required, please specify a mapping in section 'Account attributes mapping'."], status.Messages);
    }

    [Fact]
    public void Licenses_need_external_id_currency_from_date_and_mrr_or_value()
    {
        var status = Evaluate(new()
        {
            ["account_licenses_attribute"] = "ph_licenses",
            ["account_licenses_attributes_outbound"] = Map(("product", "product")),
        });
        Assert.Equal("error", status.Status);
        Assert.Equal(
        [
            "Required mapping missing: The field 'External ID (*)' is required, please specify a mapping in section 'Licenses attributes mapping'.",
            "Required mapping missing: The field 'Currency (*)' is required, please specify a mapping in section 'Licenses attributes mapping'.",
            "Required mapping missing: The field 'From Date (*)' is required, please specify a mapping in section 'Licenses attributes mapping'.",
            "Required mapping missing: Either the field 'MRR (*)' or 'Total Value (*)' are required, please specify a mapping in section 'Licenses attributes mapping'.",
        ], status.Messages);

        var complete = Evaluate(new()
        {
            ["account_licenses_attribute"] = "ph_licenses",
            ["account_licenses_attributes_outbound"] = Map(("id", "externalId"), ("cur", "_currency"), ("from", "fromDate"), ("value", "value")),
        });
        Assert.Equal("ok", complete.Status);
    }

    [Fact]
    public void Warnings_and_errors_together_report_error_with_warnings_first()
    {
        var status = Evaluate(new()
        {
            ["account_licenses_attribute"] = "ph_licenses",
            ["account_attributes_outbound"] = new JsonArray(),
        });
        Assert.Equal("error", status.Status);
        Assert.Equal(2, status.Messages.Count);
        Assert.StartsWith("Incomplete License mapping", status.Messages[0]);
        Assert.StartsWith("Required mapping missing: The field 'Name (*)'", status.Messages[1]);
    }

    [Fact]
    public void Planhat_rejecting_the_token_is_an_error_other_failures_a_warning()
    {
        Assert.Equal(ConnectorStatusLevel.Ok, PlanhatTokenCheck.Interpret(System.Net.HttpStatusCode.OK).Level);
        var (level, message) = PlanhatTokenCheck.Interpret(System.Net.HttpStatusCode.Unauthorized);
        Assert.Equal(ConnectorStatusLevel.Error, level);
        Assert.Equal("Planhat rejected the Personal Access Token (HTTP 401). Check 'personal_acccess_token' and 'api_prefix'.", message);
        Assert.Equal(ConnectorStatusLevel.Error, PlanhatTokenCheck.Interpret(System.Net.HttpStatusCode.Forbidden).Level);
        Assert.Equal(ConnectorStatusLevel.Warning, PlanhatTokenCheck.Interpret(System.Net.HttpStatusCode.BadGateway).Level);
    }
}
