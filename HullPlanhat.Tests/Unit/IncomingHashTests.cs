using System.Text.Json.Nodes;
using HullPlanhat.Core.Hull;
using HullPlanhat.Core.Incoming;
using HullPlanhat.Core.Json;

namespace HullPlanhat.Tests.Unit;

/// <summary>
/// <see cref="IncomingHash"/> writes its canonical JSON straight from the entries; the hashes stored
/// by earlier versions were taken over a copied node tree. Both must give the same hash, or every
/// object would be sent to Hull again after an upgrade.
/// </summary>
public sealed class IncomingHashTests
{
    private static readonly JsonObject Company = Parse("""
        {"_id":"c1","__v":3,"name":"Acmé \"quoted\" <b>","externalId":"acme","domains":["acme.io"],"lastUpdated":"2024-01-01",
         "updatedAt":"2024-05-05T10:00:00.000Z","shareable":true,"nrr30":1.5,"mrr":null,"tags":["b","a"],
         "custom":{"Zeta":{"y":2,"x":[1,{"b":1,"a":2}]},"Alpha":"😀","Tier":"gold"}}
        """);

    private static readonly JsonObject Enduser = Parse("""
        {"_id":"u1","email":"a@b.io","externalId":"ext-1","updatedAt":"2024-02-02","companyId":"c1","custom":{"b":true,"a":false},"lastActive":null}
        """);

    public static TheoryData<string> Objects => ["company", "enduser", "linked enduser", "bare enduser"];

    [Theory]
    [MemberData(nameof(Objects))]
    public void The_streamed_hash_equals_the_hash_of_the_copied_node_tree(string which)
    {
        var mapped = Map(which);

        Assert.Equal(NodeTreeHash(mapped.Entries), mapped.Hash);
    }

    // Taken with the node-tree definition before the hash was streamed.
    [Fact]
    public void The_hash_of_a_known_company_is_pinned() =>
        Assert.Equal("AC2B466D2236C42D6CB570528FBA0728ED283767112518265C4F1E4656ED27E6", Map("company").Hash);

    [Fact]
    public void Only_updated_at_of_the_traits_is_left_out()
    {
        var changedUpdatedAt = (JsonObject)Company.DeepClone();
        changedUpdatedAt["updatedAt"] = "2030-01-01T00:00:00.000Z";
        var changedCustom = (JsonObject)Company.DeepClone();
        changedCustom["custom"]!["Zeta"]!["y"] = 3;

        Assert.Equal(Map("company").Hash, IncomingMapper.MapCompany(changedUpdatedAt)!.Hash);
        Assert.NotEqual(Map("company").Hash, IncomingMapper.MapCompany(changedCustom)!.Hash);
    }

    [Fact]
    public void Field_fingerprints_are_computed_when_read_and_match_the_fingerprints_of_the_source()
    {
        var mapped = Map("linked enduser");

        Assert.Equal(Core.TwoWay.FieldFingerprints.OfImported(Enduser, IncomingKind.Endusers, IncomingMapper.CompanyClaims(Company)), mapped.Fields);
        Assert.Same(mapped.Fields, mapped.Fields);
    }

    private static IncomingObject Map(string which) => which switch
    {
        "company" => IncomingMapper.MapCompany(Company)!,
        "enduser" => IncomingMapper.MapEnduser(Enduser, null)!,
        "linked enduser" => IncomingMapper.MapEnduser(Enduser, IncomingMapper.CompanyClaims(Company))!,
        _ => IncomingMapper.MapEnduser(Parse("""{"_id":"u2"}"""), null)!,
    };

    // The definition the stored hashes were made with: entries copied into nodes, then hashed canonically.
    private static string NodeTreeHash(IReadOnlyList<FirehoseEntry> entries)
    {
        var canonical = new JsonArray();
        foreach (var entry in entries)
        {
            var body = new JsonObject();
            foreach (var (key, value) in entry.Body)
            {
                if (!IncomingHash.VolatileTraits.Contains(key))
                {
                    body[key] = value?.DeepClone();
                }
            }

            canonical.Add(new JsonObject
            {
                ["type"] = entry.Type,
                ["subject"] = entry.SubjectType,
                ["user"] = entry.UserClaims?.DeepClone(),
                ["account"] = entry.AccountClaims?.DeepClone(),
                ["body"] = body,
            });
        }

        return CanonicalJson.Hash(canonical);
    }

    private static JsonObject Parse(string json) => (JsonObject)JsonNode.Parse(json)!;
}
