using System.Net;
using System.Text.Json.Nodes;
using HullPlanhat.Sandbox.Faults;
using HullPlanhat.Sandbox.Planhat;
using HullPlanhat.Tests.Infrastructure;
using static HullPlanhat.Tests.EndToEnd.InternalApiClient;

namespace HullPlanhat.Tests.EndToEnd;

[Collection(ProductCollection.Name)]
public sealed class InternalUsersApiTests(ProductFixture product)
{
    private const string Users = "api/internal/users";

    private async Task<int> UserListCallsAsync(TestConnector connector) =>
        (await connector.PlanhatCallsAsync()).Count(c => c.Method == "GET" && c.Path == "/users");

    private static JsonArray Array(string body) => Assert.IsType<JsonArray>(JsonNode.Parse(body));

    [Fact]
    public async Task List_is_served_from_the_cache_within_ten_minutes_and_cacheclear_refreshes_it()
    {
        var connector = await RegisteredConnectorAsync(product, users: [User("ann@example.com", "Ann"), User("bob@example.com", "Bob")]);

        var (first, body) = await SendAsync(product, HttpMethod.Get, Users, connector);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(["ann@example.com", "bob@example.com"], Array(body).Select(u => u!["email"]!.ToString()).Order());
        Assert.Equal(1, await UserListCallsAsync(connector));

        var (second, secondBody) = await SendAsync(product, HttpMethod.Get, Users, connector);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(2, Array(secondBody).Count);
        Assert.Equal(1, await UserListCallsAsync(connector));

        var (refreshed, _) = await SendAsync(product, HttpMethod.Get, Users + "?cacheclear=1", connector);
        Assert.Equal(HttpStatusCode.OK, refreshed.StatusCode);
        Assert.Equal(2, await UserListCallsAsync(connector));
    }

    [Fact]
    public async Task Created_user_shows_in_the_next_list()
    {
        var connector = await RegisteredConnectorAsync(product, users: [User("ann@example.com", "Ann")]);
        Assert.Single(Array((await SendAsync(product, HttpMethod.Get, Users, connector)).Body));

        var (created, createdBody) = await SendAsync(product, HttpMethod.Post, Users, connector, body: """{"email":"cat@example.com","firstName":"Cat"}""");
        Assert.True(created.IsSuccessStatusCode, createdBody);
        var id = JsonNode.Parse(createdBody)!["_id"]!.ToString();

        var (_, listBody) = await SendAsync(product, HttpMethod.Get, Users, connector);
        var list = Array(listBody);
        Assert.Equal(2, list.Count);
        Assert.Contains(list, u => u!["_id"]!.ToString() == id && u["email"]!.ToString() == "cat@example.com");
    }

    [Fact]
    public async Task Get_returns_one_user_and_an_unknown_user_is_404()
    {
        var connector = await RegisteredConnectorAsync(product, users: [User("ann@example.com", "Ann")]);
        var id = (await connector.PlanhatAsync(ObjectKind.Users)).Single()["_id"]!.ToString();

        var (found, body) = await SendAsync(product, HttpMethod.Get, $"{Users}/{id}", connector);
        Assert.Equal(HttpStatusCode.OK, found.StatusCode);
        Assert.Equal("ann@example.com", JsonNode.Parse(body)!["email"]!.ToString());

        var (missing, _) = await SendAsync(product, HttpMethod.Get, $"{Users}/000000000000000000000000", connector);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task Update_changes_the_user_and_invalidates_the_cached_list()
    {
        var connector = await RegisteredConnectorAsync(product, users: [User("ann@example.com", "Ann")]);
        var id = (await connector.PlanhatAsync(ObjectKind.Users)).Single()["_id"]!.ToString();
        await SendAsync(product, HttpMethod.Get, Users, connector);

        var (updated, body) = await SendAsync(product, HttpMethod.Put, $"{Users}/{id}", connector, body: """{"firstName":"Anne"}""");
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        Assert.Equal("Anne", JsonNode.Parse(body)!["firstName"]!.ToString());

        var (_, listBody) = await SendAsync(product, HttpMethod.Get, Users, connector);
        Assert.Equal("Anne", Array(listBody).Single()!["firstName"]!.ToString());
        Assert.Equal(2, await UserListCallsAsync(connector));
    }

    [Fact]
    public async Task Updating_an_unknown_user_passes_Planhats_404_through()
    {
        var connector = await RegisteredConnectorAsync(product);
        var (response, _) = await SendAsync(product, HttpMethod.Put, $"{Users}/000000000000000000000000", connector, body: """{"firstName":"X"}""");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Theory]
    [InlineData("{\"email\":")]
    [InlineData("[1,2]")]
    [InlineData("")]
    public async Task Bad_json_body_is_400_and_reaches_no_Planhat(string body)
    {
        var connector = await RegisteredConnectorAsync(product);
        var (response, text) = await SendAsync(product, HttpMethod.Post, Users, connector, body: body);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotNull(JsonNode.Parse(text)!["message"]);
        Assert.Empty(await connector.PlanhatCallsAsync());
    }

    [Fact]
    public async Task Planhat_500_surfaces_as_a_5xx_with_its_message_and_is_not_cached()
    {
        var connector = await RegisteredConnectorAsync(product, users: [User("ann@example.com", "Ann")]);
        await product.SandboxAdmin.SetFaultsAsync(connector.PlanhatToken, new FaultConfig(1.0, [500]));

        var (failed, body) = await SendAsync(product, HttpMethod.Get, Users, connector);
        Assert.Equal(HttpStatusCode.InternalServerError, failed.StatusCode);
        Assert.Contains("Injected fault (500)", body);

        var (failedCreate, _) = await SendAsync(product, HttpMethod.Post, Users, connector, body: """{"email":"x@example.com"}""");
        Assert.Equal(HttpStatusCode.InternalServerError, failedCreate.StatusCode);

        await product.SandboxAdmin.SetFaultsAsync(connector.PlanhatToken, FaultConfig.None);
        var (recovered, recoveredBody) = await SendAsync(product, HttpMethod.Get, Users, connector);
        Assert.Equal(HttpStatusCode.OK, recovered.StatusCode);
        Assert.Contains(Array(recoveredBody), u => u!["email"]!.ToString() == "ann@example.com");
    }
}
