using System.Net;
using System.Text.Json.Nodes;
using HullPlanhat.Tests.Infrastructure;
using static HullPlanhat.Tests.EndToEnd.InternalApiClient;

namespace HullPlanhat.Tests.EndToEnd;

/// <summary>Basic auth + <c>org</c> on the internal API and on <c>/status</c>; <c>/health</c> is open.</summary>
[Collection(ProductCollection.Name)]
public sealed class InternalApiAuthTests(ProductFixture product)
{
    public static TheoryData<string> Routes => new() { "api/internal/users", "status" };

    private static string Message(string body) => JsonNode.Parse(body)!["message"]!.ToString();

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task Missing_org_is_400(string route)
    {
        var connector = await RegisteredConnectorAsync(product);
        var (response, body) = await SendAsync(product, HttpMethod.Get, route, connector, org: "");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("'org'", Message(body));
    }

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task Missing_credentials_are_400(string route)
    {
        var (response, body) = await SendAsync(product, HttpMethod.Get, route + "?org=sandbox.hullapp.io", null);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("Basic", Message(body));
    }

    [Fact]
    public async Task Malformed_credentials_are_400()
    {
        var connector = await RegisteredConnectorAsync(product);
        var (response, body) = await SendAsync(product, HttpMethod.Get, "api/internal/users", connector, authorization: "Basic %%%");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("not valid HTTP Basic", Message(body));
    }

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task Wrong_secret_is_401_with_a_Basic_challenge_and_no_secret_echoed(string route)
    {
        var connector = await RegisteredConnectorAsync(product);
        var (response, body) = await SendAsync(product, HttpMethod.Get, route, connector, secret: "wrong-secret-123");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Basic", Assert.Single(response.Headers.WwwAuthenticate).Scheme);
        Assert.Contains("realm=\"hull-planhat\"", response.Headers.WwwAuthenticate.ToString());
        Assert.DoesNotContain("wrong-secret-123", body);
        Assert.DoesNotContain(connector.Hull.Secret, body);
        Assert.Empty(await connector.PlanhatCallsAsync());
    }

    [Fact]
    public async Task Unknown_connector_is_401()
    {
        var connector = await product.CreateConnectorAsync(); // never notified, so never registered
        var (response, _) = await SendAsync(product, HttpMethod.Get, "api/internal/users", connector);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.NotEmpty(response.Headers.WwwAuthenticate);
    }

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task Valid_connector_of_another_organization_is_403(string route)
    {
        var connector = await RegisteredConnectorAsync(product);
        var (response, body) = await SendAsync(product, HttpMethod.Get, route, connector, org: "other.hullapp.io");
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.DoesNotContain(connector.Hull.Secret, body);
        Assert.Empty(await connector.PlanhatCallsAsync());
    }

    [Fact]
    public async Task Health_needs_no_credentials_and_reports_storage()
    {
        using var response = await product.Http.GetAsync("health");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("""{"status":"healthy","storage":"reachable"}""", await response.Content.ReadAsStringAsync());
    }
}
