using System.Text.Json.Nodes;
using HullPlanhat.Core.Json;
using HullPlanhat.Core.Storage;

namespace HullPlanhat.Tests.Unit;

public sealed class JsonTests
{
    [Fact]
    public void Canonical_hash_ignores_key_order_but_not_values()
    {
        var a = JsonNode.Parse("""{"b":1,"a":{"y":[1,2],"x":false}}""");
        var b = JsonNode.Parse("""{"a":{"x":false,"y":[1,2]},"b":1}""");
        var c = JsonNode.Parse("""{"a":{"x":false,"y":[2,1]},"b":1}""");
        Assert.Equal(CanonicalJson.Hash(a), CanonicalJson.Hash(b));
        Assert.NotEqual(CanonicalJson.Hash(a), CanonicalJson.Hash(c));
    }

    [Theory]
    [InlineData("planhat.id", "p1")]
    [InlineData("position", "CTO")]
    [InlineData("unified.ph_licenses", "nested")]
    [InlineData("email", "a@b.c")]
    public void Attribute_paths_find_flat_grouped_and_nested_values(string path, string expected)
    {
        var user = JsonNode.Parse("""{"email":"a@b.c","planhat/id":"p1","traits_position":"CTO","unified":{"ph_licenses":"nested"}}""")!.AsObject();
        Assert.Equal(expected, HullAttributePath.Read(user, path)!.ToString());
    }

    [Fact]
    public void Absent_and_null_attributes_read_as_null()
    {
        var user = JsonNode.Parse("""{"a":null}""")!.AsObject();
        Assert.Null(HullAttributePath.Read(user, "a"));
        Assert.Null(HullAttributePath.Read(user, "b.c"));
    }

    [Theory]
    [InlineData("abc-123_x.y@z:1", "abc-123_x.y@z:1")]
    [InlineData("a/b", "~YS9i")]
    [InlineData("", "~")]
    public void Table_keys_encode_forbidden_characters(string value, string expected) => Assert.Equal(expected, TableKeys.Encode(value));
}
