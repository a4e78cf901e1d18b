using System.Net;
using System.Text.Json.Nodes;
using HullPlanhat.Core.Hosting;
using HullPlanhat.Core.Outgoing.Outbox;
using HullPlanhat.Tests.EndToEnd;
using HullPlanhat.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace HullPlanhat.Tests.Operations;

/// <summary>Calls the operator routes as an operator (or the status page) would: Basic auth + <c>org</c>.</summary>
internal static class OperationsClient
{
    public static async Task<JsonNode> CallAsync(this ProductFixture product, TestConnector connector, HttpMethod method, string path, string? body = null,
        HttpStatusCode expected = HttpStatusCode.OK)
    {
        var (response, text) = await InternalApiClient.SendAsync(product, method, path, connector, body: body);
        Assert.True(response.StatusCode == expected, $"{method} {path}: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!;
    }

    /// <summary>A connector the product knows (a notification registered it).</summary>
    public static async Task<TestConnector> KnownConnectorAsync(this ProductFixture product, JsonObject? settings = null)
    {
        var connector = await product.CreateConnectorAsync(settings);
        (await connector.SendAccountsAsync([])).EnsureSuccessStatusCode();
        return connector;
    }

    /// <summary>Sends accounts through the real path and flushes them into Planhat.</summary>
    public static async Task SyncAccountsAsync(this ProductFixture product, TestConnector connector, params JsonObject[] accounts)
    {
        var before = connector.AccountDecisions;
        (await connector.SendAccountsAsync(accounts.Select(TestConnector.AccountMessage))).EnsureSuccessStatusCode();
        await connector.WaitForAccountDecisionsAsync(before + accounts.Length);
        await product.RunFunctionAsync(TriggerTable.FlushOutbox);
    }

    public static async Task<long> OutboxDepthAsync(this ProductFixture product, TestConnector connector) =>
        (await product.Services.GetRequiredService<OutboxStore>().MeasureAsync(connector.Id, 1000, CancellationToken.None)).Depth;
}
