using System.Text.Json.Nodes;
using HullPlanhat.Core.Hull;
using HullPlanhat.Core.Outgoing.Users;

namespace HullPlanhat.Tests.Unit;

public sealed class EnduserChangeAndEventTests
{
    private static readonly CompanyReference Acme = new(null, "acme");

    private static string Hash(string json, CompanyReference? company = null) => EnduserHash.Compute(JsonNode.Parse(json)!.AsObject(), company ?? Acme);

    [Fact]
    public void Equal_values_hash_equal_whatever_the_key_order_tag_order_name_case_and_createDate() =>
        Assert.Equal(
            Hash("""{"email":"a@b.c","name":"Ann Lee","tags":["x","y"],"createDate":"2024-01-01","custom":{"a":1,"b":[1,2]}}"""),
            Hash("""{"custom":{"b":[1,2],"a":1},"tags":["y","x"],"name":"ANN LEE","email":"a@b.c","createDate":"2025-05-05"}"""));

    [Theory]
    [InlineData("""{"email":"a@b.c","featured":true}""")]
    [InlineData("""{"email":"a@b.c","featured":false,"custom":{"n":1}}""")]
    [InlineData("""{"email":"A@b.c","featured":false}""")]
    [InlineData("""{"email":"a@b.c"}""")]
    public void A_changed_value_or_a_dropped_false_is_a_change(string changed) =>
        Assert.NotEqual(Hash("""{"email":"a@b.c","featured":false}"""), Hash(changed));

    [Fact]
    public void Another_company_is_a_change() =>
        Assert.NotEqual(Hash("""{"email":"a@b.c"}"""), Hash("""{"email":"a@b.c"}""", new CompanyReference(null, "globex")));

    [Fact]
    public void The_account_learning_its_Planhat_id_is_not_a_change() =>
        Assert.Equal(Hash("""{"email":"a@b.c"}"""), Hash("""{"email":"a@b.c"}""", new CompanyReference("p1", "acme")));

    [Fact]
    public void Only_whitelisted_events_become_activities_with_the_mapped_identity()
    {
        var settings = new ConnectorSettings { ContactEvents = ["Signed up"] };
        var events = JsonNode.Parse("""
            [{"event":"Signed up","event_id":"e1","properties":{"plan":"pro"},"created_at":"2024-05-01 10:00:00 UTC"},
             {"event":"Page viewed","event_id":"e2","properties":{}}]
            """)!.AsArray();
        var enduser = JsonNode.Parse("""{"email":"a@b.c","externalId":"u-1","name":"Ann","featured":false}""")!.AsObject();

        var staged = Assert.Single(EventMapper.Map(events, enduser, new JsonObject { ["external_id"] = "acme" }, settings));

        Assert.Equal("e1", staged.EventId);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""
            {"action":"Signed up","date":"2024-05-01 10:00:00 UTC","info":{"plan":"pro"},"name":"Ann","email":"a@b.c","externalId":"u-1","companyExternalId":"acme"}
            """), staged.Activity), staged.Activity.ToJsonString());
    }

    [Fact]
    public void No_events_are_selected_when_none_is_whitelisted()
    {
        var events = JsonNode.Parse("""[{"event":"Signed up","event_id":"e1"}]""")!.AsArray();
        Assert.Empty(EventMapper.Map(events, new JsonObject(), null, new ConnectorSettings()));
    }

    [Fact]
    public void Merging_staged_and_new_events_keeps_each_event_id_once()
    {
        var a = new StagedEvent("e1", new JsonObject { ["action"] = "A" });
        var b = new StagedEvent("e2", new JsonObject { ["action"] = "B" });
        var merged = EventMapper.Merge([a, b], [new StagedEvent("e1", new JsonObject { ["action"] = "A" }), new StagedEvent("e3", [])]);
        Assert.Equal(["e1", "e2", "e3"], merged.Select(e => e.EventId));
    }

    [Fact]
    public void Row_context_round_trips()
    {
        var context = new EnduserContext(false, new CompanyReference("p1", "acme"), new JsonObject { ["external_id"] = "acme" }, "ph-9");
        var back = EnduserContext.FromJson(JsonNode.Parse(context.ToJson().ToJsonString())!.AsObject());
        Assert.Equal((context.SendEnduser, context.Company, context.HullPlanhatId), (back.SendEnduser, back.Company, back.HullPlanhatId));
        Assert.Equal("acme", back.AccountClaims!["external_id"]!.ToString());
        Assert.True(EnduserContext.FromJson(null).SendEnduser);
    }
}
