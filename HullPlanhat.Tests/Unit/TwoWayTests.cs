using System.Text;
using System.Text.Json.Nodes;
using HullPlanhat.Core.Incoming;
using HullPlanhat.Core.TwoWay;

namespace HullPlanhat.Tests.Unit;

public sealed class TwoWayTests
{
    private static readonly DateTimeOffset WrittenAt = new(2026, 5, 1, 10, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Skew = TimeSpan.FromMinutes(2);

    private static Dictionary<string, string> Imported(JsonObject company) => FieldFingerprints.OfImported(company, IncomingKind.Companies);

    private static WrittenFields Written(JsonObject item) => new(FieldFingerprints.OfWritten(item), WrittenAt);

    private static JsonObject Company(string name = "Acme", string phase = "Live", JsonObject? custom = null) => new()
    {
        ["_id"] = "5f3e2b1a9c8d7e6f5a4b3c2d", ["name"] = name, ["phase"] = phase, ["externalId"] = "acme",
        ["custom"] = custom ?? new JsonObject { ["Tier"] = "Gold" }, ["updatedAt"] = "2026-05-01T10:00:01Z", ["__v"] = 3,
    };

    [Fact]
    public void Only_our_written_fields_changed_is_an_echo()
    {
        var before = Imported(Company());
        var after = Company(name: "Acme Inc", custom: new JsonObject { ["Tier"] = "Gold", ["Seats"] = 12 });
        var written = Written(new JsonObject { ["name"] = "Acme Inc", ["externalId"] = "acme", ["custom"] = new JsonObject { ["Seats"] = 12 } });

        Assert.True(EchoCheck.IsEcho(Imported(after), before, written, "2026-05-01T10:00:01Z", Skew));
    }

    [Fact]
    public void A_field_we_did_not_write_that_changed_too_is_not_an_echo()
    {
        var before = Imported(Company());
        var after = Company(name: "Acme Inc", phase: "Churned");
        var written = Written(new JsonObject { ["name"] = "Acme Inc" });

        Assert.False(EchoCheck.IsEcho(Imported(after), before, written, null, Skew));
    }

    [Fact]
    public void A_field_we_wrote_that_Planhat_holds_differently_now_is_not_an_echo()
    {
        var written = Written(new JsonObject { ["name"] = "Acme Inc" });
        Assert.False(EchoCheck.IsEcho(Imported(Company(name: "Edited in Planhat")), Imported(Company()), written, null, Skew));
        Assert.False(EchoCheck.IsEcho(Imported(Company(name: "Acme Inc")), Imported(Company()), null, null, Skew));
    }

    [Fact]
    public void An_object_we_created_is_an_echo_until_Planhat_changes_it_after_our_write()
    {
        var created = Company(name: "Acme Inc");
        var written = Written(new JsonObject { ["name"] = "Acme Inc" });

        Assert.True(EchoCheck.IsEcho(Imported(created), null, written, "2026-05-01T10:01:30Z", Skew));
        Assert.False(EchoCheck.IsEcho(Imported(created), null, written, "2026-05-01T10:02:01Z", Skew));
        Assert.False(EchoCheck.IsEcho(Imported(created), null, written, null, Skew));
    }

    [Fact]
    public void Keys_Hull_never_receives_are_not_fingerprinted_and_custom_is_split()
    {
        var fields = Imported(Company());
        Assert.Contains("_id", fields.Keys);
        Assert.Contains("custom.Tier", fields.Keys);
        Assert.DoesNotContain("__v", fields.Keys);
        Assert.DoesNotContain("updatedAt", fields.Keys);
        Assert.DoesNotContain("custom", fields.Keys);
        Assert.Equal(fields, FieldFingerprints.Parse(FieldFingerprints.Serialize(fields)));
    }

    [Theory]
    [InlineData("""{"model":"company","_id":"5f3e2b1a9c8d7e6f5a4b3c2d"}""", null, "companies")]
    [InlineData("""{"type":"End User","id":"5f3e2b1a9c8d7e6f5a4b3c2d"}""", null, "endusers")]
    [InlineData("""{"model":"enduser","object":{"_id":"5f3e2b1a9c8d7e6f5a4b3c2d","email":"a@b.c"}}""", null, "endusers")]
    [InlineData("""{"data":{"_id":"5f3e2b1a9c8d7e6f5a4b3c2d","email":"a@b.c","companyId":"x"}}""", null, "endusers")]
    [InlineData("""{"_id":"5f3e2b1a9c8d7e6f5a4b3c2d","name":"Acme","phase":"Live"}""", null, "companies")]
    [InlineData("""{"_id":"5f3e2b1a9c8d7e6f5a4b3c2d"}""", "companies", "companies")]
    public void Planhat_webhook_bodies_of_every_documented_shape_name_the_record(string body, string? queryModel, string kind)
    {
        var (objects, error) = PlanhatWebhookPayload.Parse(Encoding.UTF8.GetBytes(body), queryModel);

        Assert.Null(error);
        var changed = Assert.Single(objects);
        Assert.Equal(("5f3e2b1a9c8d7e6f5a4b3c2d", kind), (changed.PlanhatId, changed.Kind.Name));
    }

    [Fact]
    public void An_array_names_each_record_once_and_is_capped()
    {
        var item = """{"model":"company","_id":"5f3e2b1a9c8d7e6f5a4b3c2d"}""";
        var (objects, error) = PlanhatWebhookPayload.Parse(Encoding.UTF8.GetBytes($"[{item},{item}]"), null);
        Assert.Null(error);
        Assert.Single(objects);

        var tooMany = "[" + string.Join(',', Enumerable.Repeat(item, PlanhatWebhookPayload.MaxItems + 1)) + "]";
        Assert.Contains("At most", PlanhatWebhookPayload.Parse(Encoding.UTF8.GetBytes(tooMany), null).Error);
        Assert.Contains("Unknown model", PlanhatWebhookPayload.Parse(Encoding.UTF8.GetBytes(item), "planet").Error);
    }

    [Fact]
    public void The_webhook_secret_must_match_exactly_and_a_connector_without_one_accepts_none()
    {
        Assert.True(WebhookSecret.Matches("s3cret-value", "s3cret-value"));
        Assert.False(WebhookSecret.Matches("s3cret-value", "s3cret-valuE"));
        Assert.False(WebhookSecret.Matches("s3cret-value", "s3cret-value "));
        Assert.False(WebhookSecret.Matches("s3cret-value", ""));
        Assert.False(WebhookSecret.Matches(null, "anything"));
        Assert.False(WebhookSecret.Matches("  ", "  "));
    }
}
