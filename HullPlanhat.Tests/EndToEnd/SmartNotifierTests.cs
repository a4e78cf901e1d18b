using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using HullPlanhat.Core.Storage;
using ConnectorRegistry = HullPlanhat.Core.Storage.ConnectorRegistry;
using HullPlanhat.Core.Hosting;
using HullPlanhat.Sandbox.Hull;
using HullPlanhat.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace HullPlanhat.Tests.EndToEnd;

[Collection(ProductCollection.Name)]
public sealed class SmartNotifierTests(ProductFixture product)
{
    private async Task<(TestConnector Connector, string Body)> NotificationAsync(int accounts = 1)
    {
        var connector = await product.CreateConnectorAsync();
        var messages = Enumerable.Range(0, accounts).Select(i => TestConnector.AccountMessage(new JsonObject { ["id"] = $"h{i}", ["external_id"] = $"e{i}", ["name"] = "N" }));
        return (connector, NotificationBuilder.AccountUpdate(connector.Hull, messages));
    }

    private async Task<int> QueuedAsync()
    {
        var storage = product.Services.GetRequiredService<StorageClients>();
        var properties = await storage.Queue(TriggerTable.AccountsQueue).GetPropertiesAsync();
        return properties.Value.ApproximateMessagesCount;
    }

    /// <param name="flow">Permanent problems are answered <c>next</c> (a resend would fail alike); a bad signature asks for a retry as Hull's own middleware does, "too large" a retry in batches of one.</param>
    private async Task AssertRejectedAsync(HttpResponseMessage response, HttpStatusCode status, string messagePart, TestConnector connector, string flow = "next")
    {
        Assert.Equal(status, response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Contains(messagePart, body["errors"]![0]!.ToString(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(flow, body["flow_control"]!["type"]!.ToString());
        Assert.Null(await product.Services.GetRequiredService<ConnectorRegistry>().FindAsync(connector.Id, CancellationToken.None));
    }

    [Fact]
    public async Task A_forged_signature_is_a_400_and_nothing_is_enqueued()
    {
        var (connector, body) = await NotificationAsync();
        using var response = await product.Sender.SendAsync(product.SmartNotifierUrl, body, new SignatureOptions(ForgedKey: true));
        await AssertRejectedAsync(response, HttpStatusCode.BadRequest, "Invalid signature", connector, flow: "retry");
        // Not the shared queue's length: other tests' workers drain it concurrently.
        Assert.Empty(product.Logs.For(connector.Id, "connector.notification.accepted"));
    }

    [Fact]
    public async Task A_signature_for_another_notification_is_a_400()
    {
        var (connector, body) = await NotificationAsync();
        using var response = await product.Sender.SendAsync(product.SmartNotifierUrl, body, new SignatureOptions(JtiOverride: Guid.NewGuid().ToString()));
        await AssertRejectedAsync(response, HttpStatusCode.BadRequest, "jti", connector, flow: "retry");
    }

    [Fact]
    public async Task Missing_signature_headers_are_a_400()
    {
        var (connector, body) = await NotificationAsync();
        using var response = await product.Sender.SendAsync(product.SmartNotifierUrl, body, new SignatureOptions(OmitSignatureHeaders: true));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(await product.Services.GetRequiredService<ConnectorRegistry>().FindAsync(connector.Id, CancellationToken.None));
    }

    [Fact]
    public async Task Truncated_json_is_a_400_with_the_parse_error()
    {
        var (connector, body) = await NotificationAsync();
        using var response = await product.Sender.SendAsync(product.SmartNotifierUrl, body[..(body.Length / 2)]);
        await AssertRejectedAsync(response, HttpStatusCode.BadRequest, "Malformed JSON", connector);
    }

    [Fact]
    public async Task A_body_over_the_limit_is_a_413_asking_for_smaller_batches()
    {
        var (connector, body) = await NotificationAsync();
        var huge = body.Insert(1, $"\"padding\":\"{new string('x', 21 * 1024 * 1024)}\",");
        using var response = await product.Sender.SendAsync(product.SmartNotifierUrl, huge);
        await AssertRejectedAsync(response, HttpStatusCode.RequestEntityTooLarge, "larger than", connector, flow: "retry");
        var flow = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["flow_control"]!;
        Assert.Equal(1, flow["size"]!.GetValue<int>());
    }

    [Fact]
    public async Task An_unknown_channel_is_acknowledged_and_nothing_is_enqueued()
    {
        var (connector, _) = await NotificationAsync();
        var notification = NotificationBuilder.Notification(connector.Hull, "segment:update", [new JsonObject { ["segment"] = new JsonObject { ["id"] = "s" } }]);
        var before = await QueuedAsync();
        using var response = await product.Sender.SendAsync(product.SmartNotifierUrl, notification.ToJsonString());
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var flow = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["flow_control"]!;
        Assert.Equal("next", flow["type"]!.ToString());
        Assert.Equal(10, flow["size"]!.GetValue<int>());
        Assert.Equal(before, await QueuedAsync());
    }

    [Fact]
    public async Task The_signing_key_is_fetched_once_and_cached()
    {
        var (first, body) = await NotificationAsync();
        (await product.Sender.SendAsync(product.SmartNotifierUrl, body)).EnsureSuccessStatusCode();
        var fetched = await product.SandboxAdmin.GetPublicKeyCallCountAsync();
        var (_, second) = await NotificationAsync();
        (await product.Sender.SendAsync(product.SmartNotifierUrl, second)).EnsureSuccessStatusCode();
        Assert.Equal(fetched, await product.SandboxAdmin.GetPublicKeyCallCountAsync());
        await first.WaitForAccountDecisionsAsync(1);
    }

    [Fact]
    public async Task A_key_url_on_an_untrusted_host_is_never_fetched()
    {
        var (connector, body) = await NotificationAsync();
        var request = product.Sender.CreateRequest(product.SmartNotifierUrl, body);
        request.Headers.Remove("x-hull-smart-notifier-signature-public-key-url");
        request.Headers.TryAddWithoutValidation("x-hull-smart-notifier-signature-public-key-url", "http://evil.example/key");
        using var response = await product.Http.SendAsync(request);
        await AssertRejectedAsync(response, HttpStatusCode.BadRequest, "trusted", connector, flow: "retry");
    }

    [Fact]
    public async Task A_message_larger_than_a_queue_message_travels_through_a_blob()
    {
        var connector = await product.CreateConnectorAsync();
        var account = new JsonObject { ["id"] = "big", ["external_id"] = "big-1", ["name"] = "Big", ["notes"] = new string('n', 120_000) };
        (await connector.SendAccountsAsync([TestConnector.AccountMessage(account)])).EnsureSuccessStatusCode();
        await connector.WaitForAccountDecisionsAsync(1);
        Assert.Single(connector.Logs("outgoing.account.staged"));
    }
}
