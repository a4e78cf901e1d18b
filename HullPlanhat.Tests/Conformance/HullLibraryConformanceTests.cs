using System.Net;
using System.Text.Json.Nodes;
using HullPlanhat.Core.Hull;
using HullPlanhat.Core.Storage;
using HullPlanhat.Core.Telemetry;
using HullPlanhat.Sandbox.Hull;
using HullPlanhat.Tests.Infrastructure;
using FirehoseEntry = HullPlanhat.Core.Hull.FirehoseEntry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace HullPlanhat.Tests.Conformance;

/// <summary>Starts <see cref="HullLibraryServer"/> once for the conformance tests.</summary>
public sealed class HullLibraryFixture : IAsyncLifetime
{
    public HullLibraryServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await HullLibraryServer.StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

/// <summary>
/// The product against Hull's own Node libraries: its firehose tokens verify with jwt-simple (as Hull
/// verifies them) for every secret length, its firehose POSTs are shaped as hull-client's field by
/// field, and its answer to a badly signed notification is hull-node's.
/// </summary>
[Collection(ProductCollection.Name)]
public sealed class HullLibraryConformanceTests(ProductFixture product, HullLibraryFixture hull) : IClassFixture<HullLibraryFixture>
{
    private const string Organization = "conformance.hullapp.io";
    private const string SecretAlphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.~!";

    public static TheoryData<int> SecretLengths => [1, 8, 22, 32, 64];

    [Theory]
    [MemberData(nameof(SecretLengths))]
    public async Task Firehose_tokens_verify_with_hulls_jwt_code_and_match_hull_client_field_by_field(int secretLength)
    {
        var connector = new ConnectorRecord(Guid.NewGuid().ToString("N")[..24], Organization, Secret(secretLength), "conformance", [], DateTimeOffset.UtcNow);
        var account = new JsonObject { ["external_id"] = "acme", ["anonymous_id"] = "planhat:c1" };
        var user = new JsonObject { ["email"] = "ada@acme.example", ["anonymous_id"] = "planhat:e1" };
        var accountTraits = new JsonObject { ["planhat/id"] = "c1", ["name"] = new JsonObject { ["operation"] = "setIfNull", ["value"] = "Acme" } };
        var userTraits = new JsonObject { ["planhat/id"] = "e1", ["planhat/position"] = "CTO" };

        await ProductFirehose().SendAsync(connector,
            [FirehoseEntry.AccountTraits(account, accountTraits), FirehoseEntry.UserTraits(user, userTraits), FirehoseEntry.Link(user, account)],
            CancellationToken.None);
        var ours = Assert.Single(await hull.Server.VerifyProductPostsAsync(new Dictionary<string, string> { [connector.Id] = connector.Secret }))!.AsObject();

        var theirs = Assert.Single(await hull.Server.ClientPostsAsync(connector.Id, connector.Secret, Organization, new JsonArray(
            new JsonObject { ["asAccount"] = account.DeepClone(), ["traits"] = accountTraits.DeepClone() },
            new JsonObject { ["asUser"] = user.DeepClone(), ["traits"] = userTraits.DeepClone() },
            new JsonObject { ["asUser"] = user.DeepClone(), ["asAccount"] = account.DeepClone(), ["traits"] = new JsonObject() })))!.AsObject();

        // (a) every token's signature checked by jwt-simple with the raw secret
        var messages = ours["messages"]!.AsArray();
        Assert.Equal(3, messages.Count);
        Assert.All(messages, m => Assert.True(m!["error"] is null, $"jwt-simple rejected a token: {m!["error"]}"));
        Assert.True(ours["headers"]!["hull-access-token-matches"]!.GetValue<bool>());

        // (b) the same POST as hull-client's, field by field (iat is the clock)
        Assert.True(JsonNode.DeepEquals(theirs["headers"], ours["headers"]), $"outer headers: hull-client {theirs["headers"]} vs ours {ours["headers"]}");
        Assert.Equal(Sorted(theirs["keys"]), Sorted(ours["keys"]));
        var theirMessages = theirs["messages"]!.AsArray();
        Assert.Equal(theirMessages.Count, messages.Count);
        for (var i = 0; i < messages.Count; i++)
        {
            var (mine, reference) = (messages[i]!.AsObject(), theirMessages[i]!.AsObject());
            Assert.Equal(reference["type"]!.GetValue<string>(), mine["type"]!.GetValue<string>());
            Assert.Equal(Sorted(reference["keys"]), Sorted(mine["keys"]));
            Assert.True(JsonNode.DeepEquals(reference["body"], mine["body"]), $"message {i} body: hull-client {reference["body"]} vs ours {mine["body"]}");
            var (myClaims, theirClaims) = (WithoutIat(mine["claims"]), WithoutIat(reference["claims"]));
            Assert.True(JsonNode.DeepEquals(theirClaims, myClaims), $"message {i} claims: hull-client {theirClaims} vs ours {myClaims}");
        }
    }

    [Theory]
    [InlineData("forged key")]
    [InlineData("no signature headers")]
    public async Task A_badly_signed_notification_gets_hull_nodes_answer(string tampering)
    {
        var connector = await product.CreateConnectorAsync();
        var notification = NotificationBuilder.AccountUpdate(connector.Hull, [TestConnector.AccountMessage(new JsonObject { ["external_id"] = "x" })]);
        var options = tampering == "forged key" ? new SignatureOptions(ForgedKey: true) : new SignatureOptions(OmitSignatureHeaders: true);

        using var reference = await hull.Server.Http.SendAsync(product.Sender.CreateRequest(new Uri(hull.Server.BaseAddress, "smart-notifier"), notification, options));
        using var ours = await product.Http.SendAsync(product.Sender.CreateRequest(product.SmartNotifierUrl, notification, options));
        var (theirBody, ourBody) = (JsonNode.Parse(await reference.Content.ReadAsStringAsync())!, JsonNode.Parse(await ours.Content.ReadAsStringAsync())!);

        Assert.Equal(HttpStatusCode.BadRequest, reference.StatusCode);
        Assert.Equal(reference.StatusCode, ours.StatusCode);
        foreach (var field in new[] { "type", "in" })
        {
            Assert.Equal(theirBody["flow_control"]![field]!.ToJsonString(), ourBody["flow_control"]![field]!.ToJsonString());
        }

        Assert.Empty(ourBody["metrics"]!.AsArray());
        Assert.NotEmpty(theirBody["errors"]!.AsArray());
        Assert.NotEmpty(ourBody["errors"]!.AsArray());
    }

    private HullFirehoseClient ProductFirehose() => new(
        new HttpClient(),
        new FirehoseTokenFactory(TimeProvider.System),
        Options.Create(new HullOptions { FirehoseUrl = new Uri(hull.Server.BaseAddress, "firehose") }),
        TimeProvider.System,
        product.Services.GetRequiredService<ProductMetrics>());

    private static string Secret(int length) =>
        new([.. Enumerable.Range(0, length).Select(_ => SecretAlphabet[Random.Shared.Next(SecretAlphabet.Length)])]);

    private static string[] Sorted(JsonNode? keys) => [.. keys!.AsArray().Select(k => k!.GetValue<string>()).Order(StringComparer.Ordinal)];

    private static JsonNode? WithoutIat(JsonNode? claims)
    {
        var copy = claims!.DeepClone().AsObject();
        Assert.True(copy.Remove("iat"), "the token has no iat");
        return copy;
    }
}
