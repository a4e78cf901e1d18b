using System.Text.Json.Nodes;
using HullPlanhat.Core.Operations.Preview;
using HullPlanhat.Core.Operations.Runs;

namespace HullPlanhat.Tests.Unit;

public sealed class FieldDiffTests
{
    [Fact]
    public void Changed_fields_are_named_custom_fields_one_by_one_and_equal_values_are_not()
    {
        var payload = JsonNode.Parse("""{"name":"Acme","phone":null,"mrr":10,"tags":["a","b"],"custom":{"Tier":"Gold","Seats":5}}""")!.AsObject();
        var held = JsonNode.Parse("""{"_id":"1","name":"Acme Inc","mrr":10.0,"tags":["a","b"],"custom":{"Tier":"Gold","Seats":4}}""")!.AsObject();
        Assert.Equal(["name", "custom.Seats"], FieldDiff.Changed(payload, held));
    }

    [Fact]
    public void A_date_Planhat_spells_with_a_time_is_the_same_date()
    {
        var payload = JsonNode.Parse("""{"renewalDate":"2026-01-31T00:00:00Z","name":"2024"}""")!.AsObject();
        var held = JsonNode.Parse("""{"renewalDate":"2026-01-31T00:00:00.000Z","name":"2024"}""")!.AsObject();
        Assert.Empty(FieldDiff.Changed(payload, held));
        Assert.Equal(["renewalDate"], FieldDiff.Changed(payload, JsonNode.Parse("""{"renewalDate":"2026-02-01T00:00:00.000Z","name":"2024"}""")!.AsObject()));
    }

    [Fact]
    public void Run_ids_sort_newest_first()
    {
        var older = RunStore.NewId(DateTimeOffset.Parse("2026-12-01T10:00:00Z"));
        var newer = RunStore.NewId(DateTimeOffset.Parse("2026-12-01T10:00:01Z"));
        Assert.True(string.CompareOrdinal(newer, older) < 0);
        Assert.Equal(28, newer.Length);
    }
}
