using System.Net;
using System.Text.Json.Nodes;
using HullPlanhat.Sandbox.Planhat;
using static HullPlanhat.Sandbox.Tests.SandboxFixture;

namespace HullPlanhat.Sandbox.Tests;

[Collection(SandboxCollection.Name)]
public sealed class BulkUpsertTests(SandboxFixture fx)
{
    [Fact]
    public async Task Insert_update_and_nonupdate_are_counted_with_keys()
    {
        var tenant = await fx.Admin.CreateTenantAsync();
        using var http = fx.Planhat(tenant);

        var first = await http.PutAsync("companies", Json(new JsonArray(
            new JsonObject { ["name"] = "Acme", ["externalId"] = "acme" },
            new JsonObject { ["name"] = "Beta", ["sourceId"] = "sf-beta" })));
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var created = await ReadJson(first);
        Assert.Equal(2, created["created"]!.GetValue<int>());
        var insertsKeys = created["insertsKeys"]!.AsArray();
        Assert.Equal("acme", insertsKeys[0]!["externalId"]!.GetValue<string>());
        Assert.Equal("sf-beta", insertsKeys[1]!["sourceId"]!.GetValue<string>());
        Assert.Equal(2, created["upsertedIds"]!.AsArray().Count);
        var acmeId = insertsKeys[0]!["_id"]!.GetValue<string>();
        Assert.Matches("^[0-9a-f]{24}$", acmeId);

        var before = (await fx.Admin.GetObjectsAsync(tenant.Token, ObjectKind.Companies))[1]["updatedAt"]!.GetValue<string>();
        await Task.Delay(5);
        var second = await http.PutAsync("companies", Json(new JsonArray(
            new JsonObject { ["name"] = "Acme Inc", ["externalId"] = "acme", ["custom"] = new JsonObject { ["tier"] = "gold" } },
            new JsonObject { ["name"] = "Beta", ["sourceId"] = "sf-beta" },
            new JsonObject { ["name"] = "Gamma" })));
        var result = await ReadJson(second);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(1, result["created"]!.GetValue<int>());
        Assert.Equal(1, result["updated"]!.GetValue<int>());
        Assert.Equal(1, result["nonupdates"]!.GetValue<int>());
        var updatesKeys = result["updatesKeys"]!.AsArray();
        Assert.Single(updatesKeys);
        Assert.Equal(acmeId, updatesKeys[0]!["_id"]!.GetValue<string>());
        Assert.Equal(acmeId, result["modified"]![0]!.GetValue<string>());

        var stored = await fx.Admin.GetObjectsAsync(tenant.Token, ObjectKind.Companies);
        Assert.Equal(["Acme Inc", "Beta", "Gamma"], stored.Select(c => c["name"]!.GetValue<string>()));
        Assert.Equal("gold", stored[0]["custom"]!["tier"]!.GetValue<string>());
        Assert.Equal(before, stored[1]["updatedAt"]!.GetValue<string>());
    }

    [Fact]
    public async Task Custom_fields_merge_key_wise()
    {
        var tenant = await fx.Admin.CreateTenantAsync();
        using var http = fx.Planhat(tenant);
        await http.PutAsync("companies", Json(new JsonArray(
            new JsonObject { ["name"] = "A", ["externalId"] = "a", ["custom"] = new JsonObject { ["x"] = 1, ["y"] = 2 } })));
        var response = await http.PutAsync("companies/extid-a", Json(new JsonObject { ["custom"] = new JsonObject { ["y"] = 3 } }));
        var body = await ReadJson(response);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, body["custom"]!["x"]!.GetValue<int>());
        Assert.Equal(3, body["custom"]!["y"]!.GetValue<int>());
    }

    [Fact]
    public async Task Matching_uses_id_then_sourceId_then_externalId()
    {
        var tenant = await fx.Admin.CreateTenantAsync();
        var ids = await fx.Admin.SeedAsync(tenant.Token, ObjectKind.Companies,
        [
            new JsonObject { ["name"] = "ById", ["externalId"] = "e1", ["sourceId"] = "s1" },
            new JsonObject { ["name"] = "BySource", ["externalId"] = "e2", ["sourceId"] = "s2" },
            new JsonObject { ["name"] = "ByExternal", ["externalId"] = "e3" },
        ]);
        using var http = fx.Planhat(tenant);

        var response = await http.PutAsync("companies", Json(new JsonArray(
            new JsonObject { ["sourceId"] = "s2", ["externalId"] = "e1", ["phase"] = "two" },
            new JsonObject { ["sourceId"] = "unknown", ["externalId"] = "e3", ["name"] = "New", ["phase"] = "three" },
            new JsonObject { ["_id"] = ids[0], ["sourceId"] = "s2", ["externalId"] = "e3", ["phase"] = "one" },
            new JsonObject { ["_id"] = "0123456789abcdef01234567", ["externalId"] = "e3", ["phase"] = "x" })));
        var body = await ReadJson(response);

        Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
        Assert.Equal(2, body["updated"]!.GetValue<int>());
        Assert.Equal(1, body["created"]!.GetValue<int>());
        var error = body["updatedErrors"]!.AsArray().Single()!;
        Assert.Equal("0123456789abcdef01234567", error["_id"]!.GetValue<string>());
        Assert.Equal("e3", error["externalId"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(error["error"]!.GetValue<string>()));

        var stored = await fx.Admin.GetObjectsAsync(tenant.Token, ObjectKind.Companies);
        Assert.Equal(["one", "two", null, "three"], stored.Select(c => c["phase"]?.GetValue<string>()));
        Assert.Equal("s2", stored[0]["sourceId"]!.GetValue<string>());
    }

    [Fact]
    public async Task More_than_5000_items_is_rejected_and_all_failed_is_400()
    {
        var tenant = await fx.Admin.CreateTenantAsync();
        using var http = fx.Planhat(tenant);
        var items = new JsonArray([.. Enumerable.Range(0, 5001).Select(i => (JsonNode)new JsonObject { ["name"] = $"c{i}" })]);

        var tooMany = await http.PutAsync("companies", Json(items));
        Assert.Equal(HttpStatusCode.BadRequest, tooMany.StatusCode);
        Assert.Equal("Max 5000 items per request", (await ReadJson(tooMany))["error"]!.GetValue<string>());

        var allBad = await http.PutAsync("endusers", Json(new JsonArray(new JsonObject { ["email"] = "a@b.c", ["companyId"] = "nope" })));
        Assert.Equal(HttpStatusCode.BadRequest, allBad.StatusCode);
        Assert.Single((await ReadJson(allBad))["createdErrors"]!.AsArray());
        Assert.Empty(await fx.Admin.GetObjectsAsync(tenant.Token, ObjectKind.Companies));
        Assert.Equal(5001, (await fx.Admin.GetCallsAsync(tenant.Token))[0].ItemCount);
    }

    [Fact]
    public async Task Endusers_need_a_company_and_get_its_name_and_licenses_scope_externalId_by_company()
    {
        var tenant = await fx.Admin.CreateTenantAsync();
        var companyIds = await fx.Admin.SeedAsync(tenant.Token, ObjectKind.Companies,
            [new JsonObject { ["name"] = "One" }, new JsonObject { ["name"] = "Two" }]);
        using var http = fx.Planhat(tenant);

        var users = await http.PutAsync("endusers", Json(new JsonArray(
            new JsonObject { ["email"] = "Ann@Example.com", ["companyId"] = companyIds[0] },
            new JsonObject { ["email"] = "bob@example.com" })));
        Assert.Equal(HttpStatusCode.PartialContent, users.StatusCode);
        var found = await ReadJson(await http.GetAsync("endusers?email=ann%40example.com"));
        Assert.Equal("One", found[0]!["companyName"]!.GetValue<string>());

        var licenses = await http.PutAsync("licenses", Json(new JsonArray(
            new JsonObject { ["externalId"] = "L1", ["companyId"] = companyIds[0], ["mrr"] = 1 },
            new JsonObject { ["externalId"] = "L1", ["companyId"] = companyIds[1], ["mrr"] = 2 },
            new JsonObject { ["externalId"] = "L1", ["companyId"] = companyIds[0], ["mrr"] = 3 })));
        var body = await ReadJson(licenses);
        Assert.Equal(2, body["created"]!.GetValue<int>());
        Assert.Equal(1, body["updated"]!.GetValue<int>());
        var ofOne = await ReadJson(await http.GetAsync($"licenses?companyId={companyIds[0]}"));
        Assert.Equal(3, ofOne[0]!["mrr"]!.GetValue<int>());
    }
}
