using System.Text.Json.Nodes;
using HullPlanhat.Core.Hull;
using HullPlanhat.Core.Outgoing;

namespace HullPlanhat.Tests.Unit;

public sealed class AccountMappingTests
{
    private static ConnectorSettings Settings(string json) => ConnectorSettingsParser.Parse(JsonNode.Parse(json)!.AsObject());

    [Fact]
    public void Account_without_external_id_is_skipped_when_required()
    {
        var settings = Settings("""{"personal_acccess_token":"t","account_synchronized_segments":["s1"]}""");
        var reasons = AccountFilter.Evaluate(new JsonObject { ["id"] = "a1" }, ["s1"], settings, isExport: false);
        Assert.Equal([SkipReasons.AccountWithoutExternalId], reasons);
    }

    [Fact]
    public void Account_without_external_id_passes_when_not_required()
    {
        var settings = Settings("""{"personal_acccess_token":"t","account_require_externalid":false,"account_synchronized_segments":["s1"]}""");
        Assert.Empty(AccountFilter.Evaluate(new JsonObject { ["id"] = "a1" }, ["s1"], settings, isExport: false));
    }

    [Fact]
    public void Account_outside_the_whitelist_is_skipped_with_both_reasons_joined()
    {
        var settings = Settings("""{"personal_acccess_token":"t","account_synchronized_segments":["s1"]}""");
        var reasons = AccountFilter.Evaluate(new JsonObject { ["id"] = "a1" }, ["other"], settings, isExport: false);
        Assert.Equal($"{SkipReasons.AccountWithoutExternalId} {SkipReasons.AccountNotInSegments}", SkipReasons.Join(reasons));
    }

    [Theory]
    [InlineData("""{"account_synchronized_segments":["s1"]}""")]
    [InlineData("""{"personal_acccess_token":"   ","account_synchronized_segments":["s1"]}""")]
    public void Missing_or_blank_token_skips_with_the_status_message(string json) =>
        Assert.Equal([SkipReasons.NoAccessToken], AccountFilter.Evaluate(new JsonObject { ["external_id"] = "e" }, ["s1"], Settings(json), false));

    [Fact]
    public void Export_ignores_the_segment_whitelist()
    {
        var settings = Settings("""{"personal_acccess_token":"t","account_synchronized_segments":[]}""");
        Assert.Empty(AccountFilter.Evaluate(new JsonObject { ["external_id"] = "e" }, [], settings, isExport: true));
    }

    [Fact]
    public void Mapper_keeps_false_zero_and_empty_string_and_drops_missing()
    {
        var settings = Settings("""
            {"account_attributes_outbound":[{"hull_field_name":"name","service_field_name":"Name (*)"},{"hull_field_name":"phase","service_field_name":"phase"},{"hull_field_name":"missing","service_field_name":"slug"}],
             "account_custom_attributes_outbound":[{"hull_field_name":"active","service_field_name":" Active "},{"hull_field_name":"seats","service_field_name":"seats"},{"hull_field_name":"none","service_field_name":"none"}]}
            """);
        var account = JsonNode.Parse("""{"id":"a","external_id":"ext-1","name":"Acme","phase":"","traits_active":false,"seats":0}""")!.AsObject();

        var company = CompanyMapper.Map(account, settings);

        Assert.Equal("""{"name":"Acme","phase":"","custom":{"Active":false,"seats":0},"externalId":"ext-1"}""", company.ToJsonString());
    }

    [Fact]
    public void Mapper_reads_grouped_traits_by_their_nested_name()
    {
        var settings = Settings("""{"account_attributes_outbound":[{"hull_field_name":"salesforce.owner_id","service_field_name":"owner"}]}""");
        var company = CompanyMapper.Map(JsonNode.Parse("""{"salesforce/owner_id":"u1"}""")!.AsObject(), settings);
        Assert.Equal("u1", company["owner"]!.ToString());
    }

    [Fact]
    public void Validation_reports_every_failing_check()
    {
        var company = JsonNode.Parse("""{"name":" ","owner":"nobody","coOwner":"u1"}""")!.AsObject();
        Assert.True(CompanyValidator.NeedsPlanhatUsers(company));
        Assert.Equal([SkipReasons.NoCompanyName, SkipReasons.InvalidOwner], CompanyValidator.Validate(company, new HashSet<string> { "u1" }));
    }

    [Fact]
    public void Valid_company_without_owner_needs_no_planhat_users()
    {
        var company = JsonNode.Parse("""{"name":"Acme"}""")!.AsObject();
        Assert.False(CompanyValidator.NeedsPlanhatUsers(company));
        Assert.Empty(CompanyValidator.Validate(company, null));
    }
}
