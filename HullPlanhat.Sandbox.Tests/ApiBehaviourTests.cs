using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using HullPlanhat.Sandbox.Faults;
using HullPlanhat.Sandbox.Planhat;
using static HullPlanhat.Sandbox.Tests.SandboxFixture;

namespace HullPlanhat.Sandbox.Tests;

[Collection(SandboxCollection.Name)]
public sealed class ApiBehaviourTests(SandboxFixture fx)
{
    [Fact]
    public async Task Unknown_or_missing_token_is_401_and_basic_auth_works()
    {
        var tenant = await fx.Admin.CreateTenantAsync();
        using var anonymous = new HttpClient { BaseAddress = new Uri(fx.Server.PlanhatApiBaseUrl + "/") };

        var missing = await anonymous.GetAsync("companies");
        Assert.Equal(HttpStatusCode.Unauthorized, missing.StatusCode);
        Assert.Equal("Unauthorized", (await ReadJson(missing))["error"]!.GetValue<string>());

        using var basic = new HttpRequestMessage(HttpMethod.Get, "companies");
        basic.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(tenant.Token + ":")));
        var ok = await anonymous.SendAsync(basic);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal("200", ok.Headers.GetValues("X-Rate-Limit-Limit").Single());
    }

    [Fact]
    public async Task Paging_follows_creation_order_and_lean_list_filters()
    {
        var tenant = await fx.Admin.CreateTenantAsync();
        await fx.Admin.SeedAsync(tenant.Token, ObjectKind.Companies,
            Enumerable.Range(0, 250).Select(i => new JsonObject { ["name"] = $"c{i:000}", ["externalId"] = $"x{i}" }));
        using var http = fx.Planhat(tenant);

        var firstPage = (await ReadJson(await http.GetAsync("companies"))).AsArray();
        Assert.Equal(100, firstPage.Count);
        Assert.Equal("c000", firstPage[0]!["name"]!.GetValue<string>());
        var last = (await ReadJson(await http.GetAsync("companies?limit=100&offset=200"))).AsArray();
        Assert.Equal(50, last.Count);
        Assert.Equal("c200", last[0]!["name"]!.GetValue<string>());
        Assert.Empty((await ReadJson(await http.GetAsync("companies?limit=100&offset=300"))).AsArray());

        var lean = (await ReadJson(await http.GetAsync("leancompanies?externalId=x7"))).AsArray();
        Assert.Equal("c007", lean.Single()!["name"]!.GetValue<string>());
        Assert.Empty((await ReadJson(await http.GetAsync("leancompanies?externalId=nope"))).AsArray());
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("companies/extid-nope")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("companies/extid-x3")).StatusCode);
    }

    [Fact]
    public async Task Requests_above_the_limit_get_429_and_are_logged()
    {
        var tenant = await fx.Admin.CreateTenantAsync("t-" + Guid.NewGuid(), "id-" + Guid.NewGuid(), rpm: 3);
        using var http = fx.Planhat(tenant);

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++)
        {
            statuses.Add((await http.GetAsync("users")).StatusCode);
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, (HttpStatusCode)429, (HttpStatusCode)429], statuses);
        var limited = await http.GetAsync("users");
        Assert.Equal("Too many requests", await limited.Content.ReadAsStringAsync());
        Assert.Equal("0", limited.Headers.GetValues("X-Rate-Limit-Remaining").Single());
        var calls = await fx.Admin.GetCallsAsync(tenant.Token);
        Assert.Equal([200, 200, 200, 429, 429, 429], calls.Select(c => c.Status));
        Assert.All(calls, c => Assert.Equal("/users", c.Path));

        await fx.Admin.SetRateLimitAsync(tenant.Token, 10);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("users")).StatusCode);
    }

    [Fact]
    public async Task Injected_faults_fail_before_any_state_change()
    {
        var tenant = await fx.Admin.CreateTenantAsync();
        await fx.Admin.SetFaultsAsync(tenant.Token, new FaultConfig(FailureRate: 1, Statuses: [500, 503], Seed: 7, AfterCalls: 1));
        using var http = fx.Planhat(tenant);

        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("companies")).StatusCode);
        for (var i = 0; i < 5; i++)
        {
            var response = await http.PutAsync("companies", Json(new JsonArray(new JsonObject { ["name"] = "X" })));
            Assert.Contains((int)response.StatusCode, new[] { 500, 503 });
        }

        Assert.Empty(await fx.Admin.GetObjectsAsync(tenant.Token, ObjectKind.Companies));
        var calls = await fx.Admin.GetCallsAsync(tenant.Token);
        Assert.Equal(6, calls.Count);
        Assert.All(calls.Skip(1), c => Assert.Equal(1, c.ItemCount));

        await fx.Admin.SetFaultsAsync(tenant.Token, new FaultConfig(FailureRate: 0));
        Assert.Equal(HttpStatusCode.OK, (await http.PutAsync("companies", Json(new JsonArray(new JsonObject { ["name"] = "X" })))).StatusCode);
        Assert.Single(await fx.Admin.GetObjectsAsync(tenant.Token, ObjectKind.Companies));
    }

    [Fact]
    public async Task Analytics_are_recorded_per_tenant_without_auth()
    {
        var tenant = await fx.Admin.CreateTenantAsync();
        using var http = new HttpClient();
        var bulk = await http.PostAsync(new Uri(fx.Server.AnalyticsBaseUrl + "/analytics/bulk/" + tenant.TenantId),
            Json(new JsonArray(new JsonObject { ["email"] = "a@b.c", ["action"] = "login" }, new JsonObject { ["externalId"] = "u2", ["action"] = "x" })));
        var unknown = await http.PostAsync(new Uri(fx.Server.AnalyticsBaseUrl + "/analytics/nobody"), Json(new JsonObject { ["action"] = "x" }));

        Assert.Equal(HttpStatusCode.OK, bulk.StatusCode);
        Assert.Equal(HttpStatusCode.OK, unknown.StatusCode);
        Assert.Equal(2, (await fx.Admin.GetAnalyticsAsync(tenant.Token)).Count);
        var call = (await fx.Admin.GetCallsAsync(tenant.Token)).Single();
        Assert.Equal($"/analytics/bulk/{tenant.TenantId}", call.Path);
        Assert.Equal(2, call.ItemCount);
    }

    [Fact]
    public async Task After_seeding_100k_endusers_lookups_and_deep_pages_find_the_right_rows()
    {
        var tenant = await fx.Admin.CreateTenantAsync();
        var company = (await fx.Admin.SeedAsync(tenant.Token, ObjectKind.Companies, [new JsonObject { ["name"] = "Big" }]))[0];
        // Speed is a benchmark figure, not asserted here (a loaded CI machine must not fail it).
        await fx.Admin.SeedAsync(tenant.Token, ObjectKind.Endusers,
            Enumerable.Range(0, 100_000).Select(i => new JsonObject { ["email"] = $"user{i}@big.example", ["externalId"] = $"u{i}", ["companyId"] = company }));

        using var http = fx.Planhat(tenant);
        var found = (await ReadJson(await http.GetAsync("endusers?externalId=u99999"))).AsArray();
        Assert.Equal("user99999@big.example", found.Single()!["email"]!.GetValue<string>());
        var page = (await ReadJson(await http.GetAsync($"endusers?companyId={company}&limit=5000&offset=95000"))).AsArray();
        Assert.Equal(5000, page.Count);
    }
}
