using System.Net;
using System.Text.Json.Nodes;
using HullPlanhat.Tests.Infrastructure;

namespace HullPlanhat.Tests.EndToEnd;

/// <summary>A seeded subset of the fuzz mutations through the real handler: signed, over HTTP, against Azurite.</summary>
[Collection(ProductCollection.Name)]
public sealed class NotificationFuzzEndToEndTests(ProductFixture product)
{
    private const int Cases = 120;

    [Fact]
    public async Task Mutated_signed_notifications_never_get_a_5xx_and_every_rejection_is_logged()
    {
        var connector = await product.CreateConnectorAsync();
        (await connector.SendAccountsAsync([TestConnector.AccountMessage(new JsonObject { ["id"] = "first", ["name"] = "First" })])).EnsureSuccessStatusCode();
        var fixtures = new[] { "account-update-message.json", "user-update-message.json" }
            .Select((f, i) => new NotificationMutator(NotificationMutator.LoadFixture(f), 4200 + i)).ToArray();
        var elementLevel = 0;
        var answeredErrors = 0;
        for (var i = 0; i < Cases; i++)
        {
            var mutation = fixtures[i % 2].Next(envelope =>
            {
                envelope["notification_id"] = Guid.NewGuid().ToString();
                envelope["configuration"] = new JsonObject { ["id"] = connector.Id, ["organization"] = connector.Hull.Organization, ["secret"] = connector.Hull.Secret };
            });
            var notificationId = NotificationId(mutation.Body);
            var request = product.Sender.CreateRequest(product.SmartNotifierUrl, "{}", new(JtiOverride: notificationId));
            request.Content = new ByteArrayContent(mutation.Body);
            request.Content.Headers.ContentType = new("application/json");
            using var response = await product.Http.SendAsync(request);

            Assert.True((int)response.StatusCode < 500, $"case {i} ({mutation.Description}): {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            if (mutation.IsElementLevel)
            {
                Assert.True(response.StatusCode == HttpStatusCode.OK, $"case {i} ({mutation.Description}): {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                elementLevel++;
                answeredErrors += JsonNode.Parse(await response.Content.ReadAsStringAsync())!["errors"]!.AsArray().Count;
            }
        }

        // Two valid elements of every element-level case were enqueued; each refused element has its skip line with a reason.
        var enqueued = product.Logs.For(connector.Id, "connector.notification.accepted").Sum(l => int.Parse(l["Enqueued"]!));
        Assert.True(enqueued >= 2 * elementLevel, $"{enqueued} enqueued for {elementLevel} element-level cases");
        var intakeSkips = product.Logs.For(connector.Id, "outgoing.account.skip").Concat(product.Logs.For(connector.Id, "outgoing.user.skip"))
            .Count(l => l.Message.Contains("Message #", StringComparison.Ordinal));
        Assert.True(intakeSkips >= answeredErrors, $"{intakeSkips} skip lines for {answeredErrors} refused elements");
    }

    private static string? NotificationId(byte[] body)
    {
        try
        {
            return JsonNode.Parse(System.Text.Encoding.UTF8.GetString(body), documentOptions: new() { MaxDepth = 512 })?["notification_id"] is JsonValue v && v.TryGetValue<string>(out var id) ? id : null;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }
}
