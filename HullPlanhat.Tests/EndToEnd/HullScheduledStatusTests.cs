using System.Net;
using System.Text.Json.Nodes;
using HullPlanhat.Tests.Infrastructure;

namespace HullPlanhat.Tests.EndToEnd;

/// <summary>Hull's own 30-minute schedule reaches <c>/status</c> with its query-string credentials.</summary>
[Collection(ProductCollection.Name)]
public sealed class HullScheduledStatusTests(ProductFixture product)
{
    [Fact]
    public async Task Hulls_scheduled_post_with_query_credentials_gets_the_status_and_never_logs_the_secret()
    {
        var connector = await product.CreateConnectorAsync();
        (await connector.SendAccountsAsync([])).EnsureSuccessStatusCode();
        var hull = connector.Hull;

        using var response = await product.Http.PostAsync($"status?{connector.HullQuery()}", null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.NotNull(JsonNode.Parse(await response.Content.ReadAsStringAsync())!["status"]);
        Assert.DoesNotContain(product.Logs.All, l => l.Message.Contains(hull.Secret, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_wrong_secret_in_the_query_is_a_401()
    {
        var connector = await product.CreateConnectorAsync();
        (await connector.SendAccountsAsync([])).EnsureSuccessStatusCode();
        using var response = await product.Http.PostAsync($"status?organization={connector.Hull.Organization}&ship={connector.Id}&secret=wrong", null);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}
