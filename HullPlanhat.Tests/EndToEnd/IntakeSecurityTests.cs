using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using HullPlanhat.Core.Hosting;
using HullPlanhat.Core.Storage;
using HullPlanhat.Sandbox.Hull;
using HullPlanhat.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using ConnectorRegistry = HullPlanhat.Core.Storage.ConnectorRegistry;

namespace HullPlanhat.Tests.EndToEnd;

/// <summary>The attacks and sloppy inputs of issue 12, against SelfHost + Azurite + Sandbox.</summary>
[Collection(ProductCollection.Name)]
public sealed class IntakeSecurityTests(ProductFixture product)
{
    private ConnectorRegistry Registry => product.Services.GetRequiredService<ConnectorRegistry>();

    private async Task<int> QueuedAsync(string queue = TriggerTable.AccountsQueue)
    {
        var storage = product.Services.GetRequiredService<StorageClients>();
        return (await storage.Queue(queue).GetPropertiesAsync()).Value.ApproximateMessagesCount;
    }

    private static async Task<JsonNode> BodyAsync(HttpResponseMessage response) => JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

    private static JsonObject Account(string id) => TestConnector.AccountMessage(new JsonObject { ["id"] = id, ["external_id"] = "e-" + id, ["name"] = "N " + id });

    [Fact]
    public async Task A_signed_notification_with_another_connectors_id_cannot_change_its_credentials()
    {
        var victim = await product.CreateConnectorAsync();
        (await victim.SendAccountsAsync([Account("v1")])).EnsureSuccessStatusCode();
        var before = await Registry.FindAsync(victim.Id, CancellationToken.None);
        Assert.NotNull(before);

        // The attacker holds a valid Hull signature (for its own notification id) and puts the victim's id in the body.
        var attacker = victim.Hull with { Secret = "attacker-secret", Organization = "attacker.hullapp.io" };
        var body = NotificationBuilder.AccountUpdate(attacker, [Account("a1")]);
        using var response = await product.Sender.SendAsync(product.SmartNotifierUrl, body, new SignatureOptions(RegisterConnector: false));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("next", (await BodyAsync(response))["flow_control"]!["type"]!.ToString());
        var after = await Registry.FindAsync(victim.Id, CancellationToken.None);
        Assert.Equal((before!.Secret, before.Organization, before.VerifiedCredentialsHash), (after!.Secret, after.Organization, after.VerifiedCredentialsHash));
        var refused = Assert.Single(product.Logs.For(victim.Id, "connector.credentials.refused"));
        Assert.Contains(victim.Id, refused.Message);

        // The stored row in the table, not only the cache, still holds the victim's credentials.
        var storage = product.Services.GetRequiredService<StorageClients>();
        var row = await storage.Table(StorageNames.ConnectorsTable).GetEntityAsync<Azure.Data.Tables.TableEntity>("connector", victim.Id);
        var protector = product.Services.GetRequiredService<ConnectorSecretProtector>();
        Assert.Equal(victim.Hull.Secret, protector.Unprotect(row.Value.GetString("Secret")));
        Assert.Equal(victim.Hull.Organization, row.Value.GetString("Organization"));
    }

    [Fact]
    public async Task An_organization_outside_the_Hull_domains_is_refused_without_asking_it()
    {
        var connector = await product.CreateConnectorAsync();
        var evil = connector.Hull with { Organization = "evil.example" };
        using var response = await product.Sender.SendAsync(product.SmartNotifierUrl, NotificationBuilder.AccountUpdate(evil, [Account("x")]));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Null(await Registry.FindAsync(connector.Id, CancellationToken.None));
        Assert.Equal(0, product.Sandbox.HullConnector(connector.Id)!.CredentialReads);
        Assert.Contains("trusted Hull domains", Assert.Single(product.Logs.For(connector.Id, "connector.credentials.refused")).Message);
    }

    [Fact]
    public async Task Credentials_are_checked_with_Hull_once_and_again_only_when_they_change()
    {
        var connector = await product.CreateConnectorAsync();
        (await connector.SendAccountsAsync([Account("c1")])).EnsureSuccessStatusCode();
        (await connector.SendAccountsAsync([Account("c2")])).EnsureSuccessStatusCode();
        var hull = product.Sandbox.HullConnector(connector.Id)!;
        Assert.Equal(1, hull.CredentialReads);

        // Hull rotated the secret: the new one is confirmed once and replaces the stored one.
        var rotated = connector.Hull with { Secret = "rotated-" + Guid.NewGuid().ToString("N") };
        (await product.Sender.SendAsync(product.SmartNotifierUrl, NotificationBuilder.AccountUpdate(rotated, [Account("c3")]))).EnsureSuccessStatusCode();
        Assert.Equal(2, hull.CredentialReads);
        Assert.Equal(rotated.Secret, (await Registry.FindAsync(connector.Id, CancellationToken.None))!.Secret);
    }

    [Fact]
    public async Task A_replayed_notification_is_a_no_op_200()
    {
        var connector = await product.CreateConnectorAsync();
        var body = NotificationBuilder.AccountUpdate(connector.Hull, [Account("r1")]);
        (await product.Sender.SendAsync(product.SmartNotifierUrl, body)).EnsureSuccessStatusCode();
        await connector.WaitForAccountDecisionsAsync(1);

        using var replay = await product.Sender.SendAsync(product.SmartNotifierUrl, body);
        Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
        Assert.Contains("already accepted", (await BodyAsync(replay))["errors"]![0]!.ToString());
        Assert.Single(product.Logs.For(connector.Id, "connector.notification.replayed"));
        Assert.Single(product.Logs.For(connector.Id, "connector.notification.accepted"));
        await Task.Delay(500);
        Assert.Equal(1, connector.AccountDecisions);
    }

    [Fact]
    public async Task A_token_without_exp_is_refused()
    {
        var connector = await product.CreateConnectorAsync();
        using var response = await product.Sender.SendAsync(product.SmartNotifierUrl, NotificationBuilder.AccountUpdate(connector.Hull, [Account("x")]), new SignatureOptions(OmitExpiry: true));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("Invalid signature", (await BodyAsync(response))["errors"]![0]!.ToString());
        Assert.Null(await Registry.FindAsync(connector.Id, CancellationToken.None));
    }

    [Fact]
    public async Task Numeric_segment_ids_and_external_ids_are_read_as_strings()
    {
        var connector = await product.CreateConnectorAsync(new JsonObject { ["account_synchronized_segments"] = new JsonArray("42") });
        var message = NotificationBuilder.AccountMessage(
            new JsonObject { ["id"] = "n1", ["external_id"] = 1234, ["name"] = "Numeric" },
            accountSegments: [new JsonObject { ["id"] = 42, ["name"] = "Numbers" }]);
        using var response = await connector.SendAccountsAsync([message]);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await connector.WaitForAccountDecisionsAsync(1);
        Assert.Single(connector.Logs("outgoing.account.staged"));
    }

    [Fact]
    public async Task A_non_object_element_is_skipped_and_the_rest_of_the_batch_is_enqueued()
    {
        var connector = await product.CreateConnectorAsync();
        var notification = NotificationBuilder.Notification(connector.Hull, "account:update", [Account("ok1"), Account("ok2")]);
        var messages = notification["messages"]!.AsArray();
        messages.Insert(1, 17);
        messages.Add(null);
        messages.Add(new JsonObject { ["account"] = "not an object" });
        using var response = await product.Sender.SendAsync(product.SmartNotifierUrl, notification.ToJsonString());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var answer = await BodyAsync(response);
        Assert.Equal("next", answer["flow_control"]!["type"]!.ToString());
        Assert.Equal(3, answer["errors"]!.AsArray().Count);
        var skips = connector.Logs("outgoing.account.skip");
        Assert.Equal(3, skips.Count);
        Assert.Contains(skips, s => s.Message.Contains("Message #1 is a number", StringComparison.Ordinal));
        await connector.WaitForAccountDecisionsAsync(5);
        Assert.Equal(2, connector.Logs("outgoing.account.staged").Count);
    }

    [Fact]
    public async Task A_chunked_body_over_the_limit_is_a_413_asking_for_batches_of_one()
    {
        var connector = await product.CreateConnectorAsync();
        var body = NotificationBuilder.AccountUpdate(connector.Hull, [Account("big")]);
        var huge = Encoding.UTF8.GetBytes(body.Insert(1, $"\"padding\":\"{new string('x', 21 * 1024 * 1024)}\","));
        var request = product.Sender.CreateRequest(product.SmartNotifierUrl, body);
        var content = new StreamContent(new MemoryStream(huge));
        content.Headers.ContentType = new("application/json");
        request.Content = content;
        request.Headers.TransferEncodingChunked = true;
        using var response = await product.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        var flow = (await BodyAsync(response))["flow_control"]!;
        Assert.Equal(1, flow["size"]!.GetValue<int>());
    }

    [Fact]
    public async Task Forged_signatures_do_not_make_the_key_be_fetched_again_and_again()
    {
        var connector = await product.CreateConnectorAsync();
        (await connector.SendAccountsAsync([Account("k")])).EnsureSuccessStatusCode();
        var before = await product.SandboxAdmin.GetPublicKeyCallCountAsync();
        for (var i = 0; i < 50; i++)
        {
            using var response = await product.Sender.SendAsync(product.SmartNotifierUrl, NotificationBuilder.AccountUpdate(connector.Hull, [Account("f")]), new SignatureOptions(ForgedKey: true));
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        }

        Assert.True(await product.SandboxAdmin.GetPublicKeyCallCountAsync() - before <= 1, "at most one refetch per minute for a key URL");
    }

    [Fact]
    public async Task A_large_notification_is_answered_at_once_and_every_object_is_enqueued_once()
    {
        var connector = await product.CreateConnectorAsync();
        var count = HullPlanhat.Core.Hull.HullOptions.DefaultInlineSplitLimit + 50;
        var body = NotificationBuilder.AccountUpdate(connector.Hull, Enumerable.Range(0, count).Select(i => Account($"L{i}")));
        using var response = await product.Sender.SendAsync(product.SmartNotifierUrl, body);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Single(connector.Logs("connector.notification.deferred"));

        // Hull resends the same notification: nothing is queued twice.
        (await product.Sender.SendAsync(product.SmartNotifierUrl, body)).EnsureSuccessStatusCode();
        await connector.WaitForAccountDecisionsAsync(count);
        await Task.Delay(1000);
        Assert.Equal(count, connector.AccountDecisions);
        Assert.Single(product.Logs.For(connector.Id, "connector.notification.split"));
    }
}
