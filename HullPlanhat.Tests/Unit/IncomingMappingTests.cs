using System.Text.Json.Nodes;
using HullPlanhat.Core.Incoming;

namespace HullPlanhat.Tests.Unit;

public sealed class IncomingMappingTests
{
    [Theory]
    [InlineData("nrr30", "nrr_30")]
    [InlineData("emailMd5", "email_md_5")]
    [InlineData("lastUpdated", "last_updated")]
    [InlineData("companyId", "company_id")]
    [InlineData("XMLHttpRequest", "xml_http_request")]
    [InlineData("userID", "user_id")]
    [InlineData("custom field-name", "custom_field_name")]
    [InlineData("name", "name")]
    public void Planhat_keys_become_snake_case_with_digits_split(string key, string expected) =>
        Assert.Equal(expected, PlanhatTraitNames.SnakeCase(key));

    [Fact]
    public void Company_maps_to_account_claims_and_planhat_traits()
    {
        var company = Parse("""
            {"_id":"c1","__v":3,"name":"Acme","externalId":"acme","domains":["acme.io"],"lastUpdated":"2024-01-01",
             "shareable":true,"nrr30":1.5,"custom":{"Tier":"gold"}}
            """);

        var mapped = IncomingMapper.MapCompany(company)!;

        var entry = Assert.Single(mapped.Entries);
        Assert.Equal(("traits", "account"), (entry.Type, entry.SubjectType));
        Assert.Equal("""{"anonymous_id":"planhat:c1","external_id":"acme","domain":"acme.io"}""", entry.AccountClaims!.ToJsonString());
        Assert.Equal("c1", entry.Body["planhat/id"]!.ToString());
        Assert.Equal("2024-01-01", entry.Body["planhat/last_updated_at"]!.ToString());
        Assert.Equal(1.5, entry.Body["planhat/nrr_30"]!.GetValue<double>());
        Assert.Equal("gold", entry.Body["planhat/custom"]!["Tier"]!.ToString());
        Assert.Equal("""{"value":"Acme","operation":"setIfNull"}""", entry.Body["name"]!.ToJsonString());
        Assert.Equal("Acme", entry.Body["planhat/name"]!.ToString());
        Assert.False(entry.Body.ContainsKey("planhat/shareable"));
        Assert.DoesNotContain(entry.Body, p => p.Key.Contains("__v") || p.Key == "planhat/v" || p.Key == "planhat/");
    }

    [Fact]
    public void Company_domain_is_a_claim_only_when_it_has_exactly_one()
    {
        Assert.Null(IncomingMapper.CompanyClaims(Parse("""{"_id":"c1","domains":["a.io","b.io"]}"""))!["domain"]);
        Assert.Null(IncomingMapper.CompanyClaims(Parse("""{"_id":"c1","domains":[],"externalId":""}"""))!["domain"]);
        Assert.Equal("""{"anonymous_id":"planhat:c1"}""", IncomingMapper.CompanyClaims(Parse("""{"_id":"c1","externalId":""}"""))!.ToJsonString());
    }

    [Fact]
    public void Enduser_maps_to_user_claims_and_keeps_updated_at_and_shareable()
    {
        var enduser = Parse("""{"_id":"u1","email":"a@b.io","externalId":"ext-1","updatedAt":"2024-02-02","shareable":false,"companyId":"c1"}""");

        var mapped = IncomingMapper.MapEnduser(enduser, companyClaims: null)!;

        var entry = Assert.Single(mapped.Entries);
        Assert.Equal(("traits", "user"), (entry.Type, entry.SubjectType));
        Assert.Equal("""{"anonymous_id":"planhat:u1","external_id":"ext-1","email":"a@b.io"}""", entry.UserClaims!.ToJsonString());
        Assert.Null(entry.AccountClaims);
        Assert.Equal("2024-02-02", entry.Body["planhat/updated_at"]!.ToString());
        Assert.False(entry.Body["planhat/shareable"]!.GetValue<bool>());
        Assert.Equal("c1", entry.Body["planhat/company_id"]!.ToString());
        Assert.False(entry.Body.ContainsKey("name"));
    }

    [Fact]
    public void Enduser_with_a_known_company_is_linked_to_its_account_in_the_same_object()
    {
        var enduser = Parse("""{"_id":"u1","email":"a@b.io","companyId":"c1"}""");
        var account = Parse("""{"anonymous_id":"planhat:c1","external_id":"acme"}""");

        var mapped = IncomingMapper.MapEnduser(enduser, account)!;

        Assert.Equal(2, mapped.Entries.Count);
        var link = mapped.Entries[1];
        Assert.Equal("account", link.SubjectType);
        Assert.Equal("acme", link.AccountClaims!["external_id"]!.ToString());
        Assert.Equal("a@b.io", link.UserClaims!["email"]!.ToString());
        Assert.Empty(link.Body);
        Assert.NotEqual(IncomingMapper.MapEnduser(enduser, null)!.Hash, mapped.Hash);
    }

    [Fact]
    public void Objects_without_id_are_not_mapped()
    {
        Assert.Null(IncomingMapper.MapCompany(Parse("""{"name":"x"}""")));
        Assert.Null(IncomingMapper.MapEnduser(Parse("""{"email":"x@y.z"}"""), null));
    }

    [Fact]
    public void Hash_ignores_updatedAt_and_key_order_but_sees_every_other_change()
    {
        var a = IncomingMapper.MapEnduser(Parse("""{"_id":"u1","name":"Ann","updatedAt":"2024-01-01","__v":1}"""), null)!.Hash;
        var bumped = IncomingMapper.MapEnduser(Parse("""{"__v":2,"updatedAt":"2024-05-05","name":"Ann","_id":"u1"}"""), null)!.Hash;
        var renamed = IncomingMapper.MapEnduser(Parse("""{"_id":"u1","name":"Anne","updatedAt":"2024-01-01"}"""), null)!.Hash;

        Assert.Equal(a, bumped);
        Assert.NotEqual(a, renamed);
    }

    private static JsonObject Parse(string json) => JsonNode.Parse(json)!.AsObject();
}
