using System.Net;
using System.Text.Json.Nodes;
using HullPlanhat.Sandbox.Planhat;
using static HullPlanhat.Sandbox.Tests.SandboxFixture;

namespace HullPlanhat.Sandbox.Tests;

[Collection(SandboxCollection.Name)]
public sealed class SingleObjectTests(SandboxFixture fx)
{
    [Fact]
    public async Task Create_get_and_update_validate_and_resolve_alternate_keys()
    {
        var tenant = await fx.Admin.CreateTenantAsync();
        using var http = fx.Planhat(tenant);

        var noName = await http.PostAsync("companies", Json(new JsonObject { ["externalId"] = "x" }));
        Assert.Equal(HttpStatusCode.BadRequest, noName.StatusCode);
        Assert.Equal("name is required", (await ReadJson(noName))["error"]!.GetValue<string>());

        var created = await ReadJson(await http.PostAsync("companies", Json(new JsonObject { ["name"] = "Acme", ["sourceId"] = "sf1" })));
        var id = created["_id"]!.GetValue<string>();
        Assert.Equal(0, created["__v"]!.GetValue<int>());
        Assert.NotNull(created["createDate"]);

        var updated = await ReadJson(await http.PutAsync("companies/srcid-sf1", Json(new JsonObject { ["phase"] = "onboarding" })));
        Assert.Equal(id, updated["_id"]!.GetValue<string>());
        Assert.Equal("onboarding", (await ReadJson(await http.GetAsync($"companies/{id}")))["phase"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NotFound, (await http.PutAsync("companies/extid-none", Json(new JsonObject { ["phase"] = "x" }))).StatusCode);

        Assert.Equal(HttpStatusCode.BadRequest, (await http.PostAsync("endusers", Json(new JsonObject { ["email"] = "a@b.c", ["companyId"] = "missing" }))).StatusCode);
        var user = await ReadJson(await http.PostAsync("endusers", Json(new JsonObject { ["email"] = "a@b.c", ["companyId"] = id })));
        Assert.Equal("Acme", user["companyName"]!.GetValue<string>());

        Assert.Equal(HttpStatusCode.BadRequest, (await http.PostAsync("users", Json(new JsonObject { ["firstName"] = "No" }))).StatusCode);
        var member = await ReadJson(await http.PostAsync("users", Json(new JsonObject { ["email"] = "cs@example.com", ["nickName"] = "cs" })));
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync($"users/{member["_id"]}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("users/0123456789abcdef01234567")).StatusCode);

        var modified = await fx.Admin.ModifyAsync(tenant.Token, ObjectKind.Companies, id, new JsonObject { ["name"] = "Acme Renamed" });
        Assert.Equal("Acme Renamed", modified["name"]!.GetValue<string>());
        Assert.Equal(11, (await fx.Admin.GetCallsAsync(tenant.Token)).Count);
    }
}
