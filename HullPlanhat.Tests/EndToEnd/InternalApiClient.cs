using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using HullPlanhat.Tests.Infrastructure;

namespace HullPlanhat.Tests.EndToEnd;

/// <summary>Calls the product's internal API as Hull's Processor would: Basic auth + <c>org</c>.</summary>
internal static class InternalApiClient
{
    public static async Task<TestConnector> RegisteredConnectorAsync(ProductFixture product, JsonObject? settings = null, IEnumerable<JsonObject>? users = null)
    {
        var connector = await product.CreateConnectorAsync(settings, users);
        using var response = await connector.SendAccountsAsync([]);
        response.EnsureSuccessStatusCode();
        return connector;
    }

    public static async Task<(HttpResponseMessage Response, string Body)> SendAsync(
        ProductFixture product, HttpMethod method, string path, TestConnector? connector,
        string? org = null, string? secret = null, string? body = null, string? authorization = null)
    {
        var query = (org ?? connector?.Hull.Organization) is { } o ? (path.Contains('?') ? "&" : "?") + "org=" + Uri.EscapeDataString(o) : string.Empty;
        using var request = new HttpRequestMessage(method, path + query);
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }
        else if (connector is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic",
                Convert.ToBase64String(Encoding.UTF8.GetBytes($"{connector.Id}:{secret ?? connector.Hull.Secret}")));
        }

        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        var response = await product.Http.SendAsync(request);
        return (response, await response.Content.ReadAsStringAsync());
    }

    public static JsonObject User(string email, string name) => new() { ["email"] = email, ["firstName"] = name, ["isActive"] = true };
}
