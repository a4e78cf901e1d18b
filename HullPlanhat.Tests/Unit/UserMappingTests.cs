using System.Text.Json.Nodes;
using HullPlanhat.Core.Hull;
using HullPlanhat.Core.Outgoing;
using HullPlanhat.Core.Outgoing.Users;
using HullPlanhat.Core.Storage;

namespace HullPlanhat.Tests.Unit;

public sealed class UserMappingTests
{
    private static ConnectorSettings Settings(string json) => ConnectorSettingsParser.Parse(JsonNode.Parse(json)!.AsObject());

    private static readonly ConnectorSettings Whitelists = Settings(
        """{"personal_acccess_token":"t","contact_synchronized_segments":["u1"],"account_synchronized_segments":["a1"]}""");

    private static OutgoingUserMessage Message(string[] segments, string[] accountSegments, bool isExport = false) => new()
    {
        ConnectorId = "c",
        User = new JsonObject { ["id"] = "u" },
        SegmentIds = segments,
        AccountSegmentIds = accountSegments,
        IsExport = isExport,
    };

    [Fact]
    public void User_in_whitelisted_segment_with_whitelisted_account_passes() =>
        Assert.Empty(UserFilter.Evaluate(Message(["x", "u1"], ["a1"]), Whitelists));

    [Fact]
    public void User_outside_the_contact_filter_is_skipped_with_the_original_reason() =>
        Assert.Equal([SkipReasons.UserNotInSegments], UserFilter.Evaluate(Message(["x"], ["a1"]), Whitelists));

    [Fact]
    public void User_whose_account_is_not_whitelisted_is_skipped() =>
        Assert.Equal([SkipReasons.UserAccountNotInSegments], UserFilter.Evaluate(Message(["u1"], []), Whitelists));

    [Fact]
    public void Export_ignores_the_whitelists_but_not_the_token()
    {
        Assert.Empty(UserFilter.Evaluate(Message([], [], isExport: true), Whitelists));
        Assert.Equal([SkipReasons.NoAccessToken], UserFilter.Evaluate(Message(["u1"], ["a1"], isExport: true), Settings("""{"personal_acccess_token":" "}""")));
    }

    [Fact]
    public void Mapping_reads_user_and_account_paths_keeps_false_zero_and_empty_and_ignores_unknown_keys()
    {
        var settings = Settings("""
            {"contact_attributes_outbound":[
               {"hull_field_name":"email","service_field_name":"email"},
               {"hull_field_name":"vip","service_field_name":"featured"},
               {"hull_field_name":"title","service_field_name":"position"},
               {"hull_field_name":"account.name","service_field_name":"companyName"},
               {"hull_field_name":"name","service_field_name":"fullName"},
               {"hull_field_name":"missing","service_field_name":"phone"}],
             "contact_custom_attributes_outbound":[
               {"hull_field_name":"logins","service_field_name":" Logins "},
               {"hull_field_name":"account.plan","service_field_name":"Plan"}]}
            """);
        var user = new JsonObject { ["email"] = "a@b.c", ["vip"] = false, ["title"] = "", ["name"] = "A", ["traits_logins"] = 0 };
        var account = new JsonObject { ["name"] = "Acme", ["plan"] = "pro" };

        var enduser = EnduserMapper.Map(user, account, settings);

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""
            {"email":"a@b.c","featured":false,"position":"","companyName":"Acme","custom":{"Logins":0,"Plan":"pro"}}
            """), enduser), enduser.ToJsonString());
    }

    [Fact]
    public void Mapping_by_label_and_grouped_planhat_traits_work()
    {
        var settings = Settings("""{"contact_attributes_outbound":[{"hull_field_name":"planhat.ext","service_field_name":"External id"}]}""");
        var enduser = EnduserMapper.Map(new JsonObject { ["planhat/ext"] = "e-1" }, null, settings);
        Assert.Equal("e-1", enduser["externalId"]!.ToString());
    }

    [Fact]
    public void User_without_company_and_identity_gets_both_reasons_in_order()
    {
        var reasons = EnduserValidator.Validate(new JsonObject { ["email"] = "" }, new CompanyReference(null, null));
        Assert.Equal("No company id present. Neither email nor external id present.", SkipReasons.Join(reasons));
    }

    [Fact]
    public void User_with_an_account_external_id_or_planhat_id_has_a_company()
    {
        Assert.Empty(EnduserValidator.Validate(new JsonObject { ["externalId"] = "x" }, new CompanyReference(null, "acme")));
        Assert.Empty(EnduserValidator.Validate(new JsonObject { ["email"] = "a@b.c" }, CompanyReference.Of(new JsonObject { ["planhat/id"] = "p1" })));
    }
}
