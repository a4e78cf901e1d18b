using System.Net;
using System.Text.Json.Nodes;
using HullPlanhat.Sandbox.Planhat;
using HullPlanhat.Tests.Infrastructure;

namespace HullPlanhat.Tests.EndToEnd;

/// <summary><c>POST /fetch/accounts</c>, <c>/fetch/users</c>: Hull's schedules start an import now; never two at once.</summary>
[Collection(ProductCollection.Name)]
public sealed class FetchNowTests(ProductFixture product)
{
    [Theory]
    [InlineData("fetch/accounts", ObjectKind.Companies, "account")]
    [InlineData("fetch/users", ObjectKind.Endusers, "user")]
    public async Task A_fetch_request_answers_at_once_and_imports_into_hull(string route, ObjectKind kind, string subjectType)
    {
        var connector = await RegisteredConnectorAsync();
        await product.SandboxAdmin.SeedAsync(connector.PlanhatToken, kind, [new JsonObject { ["name"] = "Fetched", ["email"] = "fetched@example.com", ["externalId"] = "fetched-1" }]);

        using var response = await PostAsync(connector, route);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(JsonNode.Parse(await response.Content.ReadAsStringAsync())!["ok"]!.GetValue<bool>());
        await ProductFixture.WaitUntilAsync(() => Task.FromResult(connector.Logs("incoming.job.success").Count == 1), "the job ended");
        Assert.Contains(await product.SandboxAdmin.GetFirehoseAsync(connector.Id), e => e.SubjectType == subjectType);
    }

    [Fact]
    public async Task Concurrent_fetch_requests_start_one_run()
    {
        var connector = await RegisteredConnectorAsync();
        await product.SandboxAdmin.SeedAsync(connector.PlanhatToken, ObjectKind.Companies,
            Enumerable.Range(0, 50).Select(i => new JsonObject { ["name"] = $"Concurrent {i}", ["externalId"] = $"concurrent-{i}" }));

        var responses = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => PostAsync(connector, "fetch/accounts")));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        await ProductFixture.WaitUntilAsync(() => Task.FromResult(
            connector.Logs("incoming.job.success").Count + connector.Logs("incoming.job.skip").Count >= 4), "every request ran or skipped");
        Assert.Single(connector.Logs("incoming.job.start"));
        Assert.Single(connector.Logs("incoming.job.success"));
        Assert.Equal(3, connector.Logs("incoming.job.skip").Count);
        Assert.Equal(50, (await product.SandboxAdmin.GetFirehoseAsync(connector.Id)).Count(e => e.SubjectType == "account"));
    }

    [Fact]
    public async Task A_wrong_secret_is_a_401()
    {
        var connector = await RegisteredConnectorAsync();
        using var response = await PostAsync(connector, "fetch/users", secret: "wrong");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    private Task<TestConnector> RegisteredConnectorAsync() => InternalApiClient.RegisteredConnectorAsync(product);

    private Task<HttpResponseMessage> PostAsync(TestConnector connector, string route, string? secret = null) =>
        product.Http.PostAsync($"{route}?{connector.HullQuery(secret)}", null);
}
