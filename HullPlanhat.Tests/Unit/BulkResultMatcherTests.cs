using System.Text.Json;
using System.Text.Json.Nodes;
using HullPlanhat.Core.Planhat;

namespace HullPlanhat.Tests.Unit;

public sealed class BulkResultMatcherTests
{
    private static JsonObject Row(string json) => JsonNode.Parse(json)!.AsObject();

    private static BulkUpsertResult Result(string json) => JsonSerializer.Deserialize<BulkUpsertResult>(json)!;

    [Fact]
    public void Inserted_and_updated_rows_get_their_ids_and_errors_their_messages()
    {
        var rows = new[] { Row("""{"externalId":"a"}"""), Row("""{"_id":"id-b","externalId":"b"}"""), Row("""{"externalId":"c"}""") };
        var result = Result("""
            {"created":1,"insertsKeys":[{"_id":"id-a","externalId":"a"}],"updated":1,"updatesKeys":[{"_id":"id-b"}],
             "createdErrors":[{"externalId":"c","error":"name is required"}],"updatedErrors":[]}
            """);

        var outcomes = BulkResultMatcher.Match(rows, result);

        Assert.Equal(new BulkRowOutcome(true, "id-a", null), outcomes[0]);
        Assert.Equal(new BulkRowOutcome(true, "id-b", null), outcomes[1]);
        Assert.Equal(new BulkRowOutcome(false, null, "name is required"), outcomes[2]);
    }

    [Fact]
    public void An_unchanged_row_succeeds_without_a_known_id()
    {
        var outcomes = BulkResultMatcher.Match([Row("""{"externalId":"a"}""")], Result("""{"nonupdates":1}"""));
        Assert.Equal(new BulkRowOutcome(true, null, null), outcomes[0]);
    }

    [Fact]
    public void Unattributed_errors_fail_every_row_planhat_did_not_confirm()
    {
        var rows = new[] { Row("""{"externalId":"a"}"""), Row("""{"externalId":"b"}""") };
        var outcomes = BulkResultMatcher.Match(rows, Result("""{"insertsKeys":[{"_id":"id-a","externalId":"a"}],"createdErrors":["boom"]}"""));
        Assert.True(outcomes[0].Succeeded);
        Assert.False(outcomes[1].Succeeded);
        Assert.Contains("boom", outcomes[1].Error);
    }

    [Fact]
    public void License_errors_match_on_external_id_within_the_company()
    {
        var rows = new[] { Row("""{"externalId":"L1","companyId":"c1"}"""), Row("""{"externalId":"L1","companyId":"c2"}""") };
        var outcomes = BulkResultMatcher.Match(rows, Result("""{"createdErrors":[{"externalId":"L1","companyId":"c2","error":"bad"}],"insertsKeys":[{"_id":"x","externalId":"L1"}]}"""), "companyId");
        Assert.True(outcomes[0].Succeeded);
        Assert.False(outcomes[1].Succeeded);
    }
}
