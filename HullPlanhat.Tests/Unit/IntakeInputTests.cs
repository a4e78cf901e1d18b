using System.Text;
using System.Text.Json.Nodes;
using HullPlanhat.Core.Hull;
using HullPlanhat.Core.Intake;
using HullPlanhat.Core.Outgoing;
using HullPlanhat.Core.Outgoing.Users;

namespace HullPlanhat.Tests.Unit;

public sealed class IntakeInputTests
{
    [Theory]
    [InlineData("\"abc\"", "abc")]
    [InlineData("42", "42")]
    [InlineData("12345678901234567890", "12345678901234567890")]
    [InlineData("1.5", null)]
    [InlineData("\"\"", null)]
    [InlineData("true", null)]
    [InlineData("{}", null)]
    public void Ids_are_strings_or_integers(string json, string? expected) =>
        Assert.Equal(expected, HullMessages.Id(JsonNode.Parse(json)));

    [Fact]
    public void Segment_ids_may_be_numbers_and_odd_entries_are_ignored()
    {
        var message = JsonNode.Parse("""{"segments":[{"id":7},{"id":"s"},{"id":null},3,{"id":{}}]}""")!.AsObject();
        Assert.Equal(["7", "s"], HullMessages.SegmentIds(message, "segments"));
    }

    [Theory]
    [InlineData("\"12.5\"", 12.5)]
    [InlineData("3", 3.0)]
    public void Numeric_license_fields_accept_numbers_and_numeric_text(string json, double expected)
    {
        var license = new JsonObject { ["externalId"] = "l", ["mrr"] = JsonNode.Parse(json) };
        Assert.Null(LicenseNumbers.Normalize(license));
        Assert.Equal(expected, license["mrr"]!.GetValue<double>());
    }

    [Theory]
    [InlineData("\"NaN\"")]
    [InlineData("\"Infinity\"")]
    [InlineData("\"-Infinity\"")]
    [InlineData("\"lots\"")]
    [InlineData("{}")]
    [InlineData("true")]
    public void Non_finite_or_non_numeric_license_amounts_leave_the_license_out(string json)
    {
        var reason = LicenseNumbers.Normalize(new JsonObject { ["externalId"] = "l", ["value"] = JsonNode.Parse(json) });
        Assert.Contains("value is not a finite number", reason);
    }

    [Fact]
    public void A_license_with_NaN_is_skipped_with_its_reason_and_the_others_are_kept()
    {
        var settings = ConnectorSettingsParser.Parse(JsonNode.Parse("""
            {"account_licenses_attribute":"licenses","account_licenses_attributes_outbound":[
              {"hull_field_name":"id","service_field_name":"externalId"},{"hull_field_name":"mrr","service_field_name":"mrr"}]}
            """)!.AsObject());
        var account = JsonNode.Parse("""{"licenses":[{"id":1,"mrr":"NaN"},{"id":2,"mrr":"10"}]}""")!.AsObject();
        var mapping = LicenseMapper.Map(account, settings);
        var license = Assert.Single(mapping.Licenses!)!;
        Assert.Equal("2", license["externalId"]!.GetValue<string>());
        Assert.Equal(10.0, license["mrr"]!.GetValue<double>());
        Assert.Contains("mrr is not a finite number", Assert.Single(mapping.Problems));
    }

    [Theory]
    [InlineData("  ada@example.com ", "ada@example.com", true)]
    [InlineData("ada@example", "ada@example", false)]
    [InlineData("not an email", "not an email", false)]
    [InlineData("Ada <ada@example.com>", "Ada <ada@example.com>", false)]
    public void Emails_are_trimmed_and_invalid_ones_are_skipped(string email, string sent, bool valid)
    {
        var settings = ConnectorSettingsParser.Parse(JsonNode.Parse("""{"contact_attributes_outbound":[{"hull_field_name":"email","service_field_name":"email"}]}""")!.AsObject());
        var enduser = EnduserMapper.Map(new JsonObject { ["email"] = email }, null, settings);
        Assert.Equal(sent, enduser["email"]!.GetValue<string>());
        var reasons = EnduserValidator.Validate(enduser, new CompanyReference("c", null));
        Assert.Equal(!valid, reasons.Contains(SkipReasons.InvalidEmail));
    }

    [Fact]
    public void A_numeric_external_id_is_sent_as_a_string()
    {
        var settings = ConnectorSettingsParser.Parse(JsonNode.Parse("""{"contact_attributes_outbound":[{"hull_field_name":"external_id","service_field_name":"externalId"}]}""")!.AsObject());
        var enduser = EnduserMapper.Map(new JsonObject { ["external_id"] = 987 }, null, settings);
        Assert.Equal("987", enduser["externalId"]!.GetValue<string>());
        Assert.DoesNotContain(SkipReasons.NoEmailOrExternalId, EnduserValidator.Validate(enduser, new CompanyReference("c", null)));
    }

    [Fact]
    public void Every_bad_element_is_rejected_with_a_reason_and_the_good_ones_are_split()
    {
        var body = """
            {"notification_id":"n","channel":"user:update","configuration":{"id":"c","organization":"o.hullapp.io","secret":"s"},
             "is_export":"yes","segments":[{"id":1}],
             "messages":[{"user":{"id":"u1","email":"a@b.co"},"segments":[{"id":5}]}, 3, "x", null, [], {"user":{}}, {"user":"u"}, {"user":{"id":"u2"}}]}
            """;
        var parsed = NotificationParser.Parse(Encoding.UTF8.GetBytes(body));
        var split = NotificationSplitter.Split(parsed.Notification!, "c");
        Assert.Equal(2, split.Messages.Count);
        Assert.Equal([1, 2, 3, 4, 5, 6], split.Rejected.Select(r => r.Index));
        Assert.All(split.Rejected, r => Assert.False(string.IsNullOrWhiteSpace(r.Reason)));
        Assert.Contains("\"segmentIds\":[\"5\"]", split.Messages[0].Json);
    }

    [Fact]
    public void Invalid_utf8_is_repaired_so_the_batch_is_still_read()
    {
        var body = Encoding.UTF8.GetBytes("""{"channel":"account:update","messages":[{"account":{"id":"a","name":"BROKEN"}}]}""");
        var at = Encoding.UTF8.GetString(body).IndexOf("BROKEN", StringComparison.Ordinal);
        body[at] = 0xC3;
        body[at + 1] = 0x28;
        var parsed = NotificationParser.Parse(body);
        Assert.True(parsed.Repaired);
        Assert.Single(NotificationSplitter.Split(parsed.Notification!, "c").Messages);
    }
}
