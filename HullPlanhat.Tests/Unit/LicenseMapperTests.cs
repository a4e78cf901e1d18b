using System.Text.Json.Nodes;
using HullPlanhat.Core.Hull;
using HullPlanhat.Core.Outgoing;

namespace HullPlanhat.Tests.Unit;

public sealed class LicenseMapperTests
{
    private static readonly ConnectorSettings Settings = ConnectorSettingsParser.Parse(JsonNode.Parse("""
        {"account_licenses_attribute":"account.ph_licenses",
         "account_licenses_attributes_outbound":[{"hull_field_name":"id","service_field_name":"externalId"},{"hull_field_name":"amount","service_field_name":"MRR (*)"},{"hull_field_name":"auto","service_field_name":"autoRenews"}],
         "account_licenses_custom_attributes_outbound":[{"hull_field_name":"seats","service_field_name":"Seats"}]}
        """)!.AsObject());

    [Fact]
    public void Licenses_come_from_a_json_array_with_standard_and_custom_fields()
    {
        var account = JsonNode.Parse("""{"ph_licenses":[{"id":"L1","amount":0,"auto":false,"seats":3}]}""")!.AsObject();
        var mapping = LicenseMapper.Map(account, Settings);
        Assert.Empty(mapping.Problems);
        Assert.Equal("""[{"externalId":"L1","mrr":0,"autoRenews":false,"custom":{"Seats":3}}]""", mapping.Licenses!.ToJsonString());
    }

    [Fact]
    public void Licenses_come_from_a_json_string_holding_an_array()
    {
        var account = new JsonObject { ["ph_licenses"] = """[{"id":"L1","amount":10}]""" };
        Assert.Equal("""[{"externalId":"L1","mrr":10}]""", LicenseMapper.Map(account, Settings).Licenses!.ToJsonString());
    }

    [Fact]
    public void A_license_without_external_id_is_left_out_with_a_reason()
    {
        var account = JsonNode.Parse("""{"ph_licenses":[{"amount":10},{"id":"L2"}]}""")!.AsObject();
        var mapping = LicenseMapper.Map(account, Settings);
        Assert.Single(mapping.Licenses!);
        Assert.Single(mapping.Problems);
    }

    [Fact]
    public void Not_an_array_is_a_problem_and_no_licenses()
    {
        var mapping = LicenseMapper.Map(new JsonObject { ["ph_licenses"] = "not json" }, Settings);
        Assert.Empty(mapping.Licenses!);
        Assert.Contains("not a JSON array", mapping.Problems.Single());
    }

    [Fact]
    public void Without_the_setting_licenses_are_not_managed() =>
        Assert.Null(LicenseMapper.Map(new JsonObject(), new ConnectorSettings()).Licenses);
}
