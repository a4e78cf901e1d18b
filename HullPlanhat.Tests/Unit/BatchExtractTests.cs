using System.Text.Json;
using HullPlanhat.Core.Batch;
using HullPlanhat.Core;
using HullPlanhat.Core.Hosting;
using HullPlanhat.Core.Storage;

namespace HullPlanhat.Tests.Unit;

/// <summary>Extract URLs that may be fetched, and extract lines as queue messages.</summary>
public sealed class BatchExtractTests
{
    private static readonly string[] Hosts = ["hullapp.io", "127.0.0.1"];

    [Theory]
    [InlineData("https://extracts.hullapp.io/abc.json")]
    [InlineData("https://hullapp.io/abc.json")]
    [InlineData("http://127.0.0.1:5100/hull/extracts/1")]
    public void Trusted_urls_may_be_fetched(string url) => Assert.Null(ExtractUrlPolicy.Check(url, Hosts));

    [Theory]
    [InlineData("http://extracts.hullapp.io/abc.json", "HTTPS")]
    [InlineData("https://evil.example/abc.json", "not one of")]
    [InlineData("https://hullapp.io.evil.example/abc.json", "not one of")]
    [InlineData("https://evilhullapp.io/abc.json", "not one of")]
    [InlineData("http://169.254.169.254/latest/meta-data", "HTTPS")]
    [InlineData("file:///etc/passwd", "absolute HTTPS")]
    [InlineData("/relative", "absolute HTTPS")]
    [InlineData(null, "absolute HTTPS")]
    public void Other_urls_are_refused_with_the_reason(string? url, string reason) =>
        Assert.Contains(reason, ExtractUrlPolicy.Check(url, Hosts));

    [Fact]
    public void A_user_line_becomes_an_export_user_message_with_its_account_and_segments()
    {
        var line = """{"id":"u1","email":"a@b.c","segment_ids":["s1"],"account":{"id":"a1","external_id":"acme","segment_ids":["as1"]}}""";
        var mapped = ExtractLineMapper.Map(line, 1, ExtractKind.Users, "c1", segmentId: "s2");

        Assert.Equal(TriggerTable.UsersQueue, mapped.Message!.Value.Queue);
        var message = JsonSerializer.Deserialize(mapped.Message.Value.Json, CoreJsonContext.Default.OutgoingUserMessage)!;
        Assert.True(message.IsExport);
        Assert.Equal("c1", message.ConnectorId);
        Assert.Equal(["s1", "s2"], message.SegmentIds);
        Assert.Equal(["as1"], message.AccountSegmentIds);
        Assert.Equal("acme", message.Account!["external_id"]!.GetValue<string>());
        Assert.False(message.User.ContainsKey("account"));
        Assert.False(message.User.ContainsKey("segment_ids"));
    }

    [Fact]
    public void An_account_line_becomes_an_export_account_message()
    {
        var mapped = ExtractLineMapper.Map("""{"id":"a1","external_id":"acme","segment_ids":["s1"]}""", 1, ExtractKind.Accounts, "c1", null);

        Assert.Equal(TriggerTable.AccountsQueue, mapped.Message!.Value.Queue);
        var message = JsonSerializer.Deserialize(mapped.Message.Value.Json, CoreJsonContext.Default.OutgoingAccountMessage)!;
        Assert.True(message.IsExport);
        Assert.Equal(["s1"], message.AccountSegmentIds);
        Assert.Equal("acme", message.Account["external_id"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("{not json", "line 7 of the extract is not valid JSON")]
    [InlineData("[1,2]", "line 7 of the extract is not a JSON object")]
    [InlineData("{}", "line 7 of the extract is not a JSON object")]
    [InlineData("42", "line 7 of the extract is not a JSON object")]
    public void A_line_that_is_not_a_report_is_skipped_with_its_reason(string line, string reason)
    {
        var mapped = ExtractLineMapper.Map(line, 7, ExtractKind.Users, "c1", null);
        Assert.Null(mapped.Message);
        Assert.Contains(reason, mapped.SkipReason, StringComparison.OrdinalIgnoreCase);
    }
}
