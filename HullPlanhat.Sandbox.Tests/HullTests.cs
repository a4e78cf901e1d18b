using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using HullPlanhat.Sandbox.Faults;
using HullPlanhat.Sandbox.Hull;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using static HullPlanhat.Sandbox.Tests.SandboxFixture;

namespace HullPlanhat.Sandbox.Tests;

[Collection(SandboxCollection.Name)]
public sealed class HullTests(SandboxFixture fx)
{
    [Fact]
    public async Task Firehose_rejects_a_bad_jwt_and_records_a_good_batch()
    {
        var connector = SandboxConnector.Create() with { Secret = "short-secret" };
        await fx.Admin.RegisterConnectorAsync(connector);
        using var http = new HttpClient();

        var forged = await PostFirehose(http, connector, Token(connector.Id, "another-secret", "user", asUser: new JsonObject { ["email"] = "a@b.c" }));
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        var wrongIssuer = await PostFirehose(http, connector, Token("someone-else", connector.Secret, "user", asUser: new JsonObject { ["email"] = "a@b.c" }));
        Assert.Equal(HttpStatusCode.BadRequest, wrongIssuer.StatusCode);
        var noClaim = await PostFirehose(http, connector, Token(connector.Id, connector.Secret, "account", asUser: new JsonObject { ["email"] = "a@b.c" }));
        Assert.Equal(HttpStatusCode.BadRequest, noClaim.StatusCode);
        Assert.Empty(await fx.Admin.GetFirehoseAsync(connector.Id));

        var good = await PostFirehose(http, connector,
            Token(connector.Id, connector.Secret, "account", asUser: null, asAccount: new JsonObject { ["external_id"] = "acme" }));
        Assert.Equal(HttpStatusCode.OK, good.StatusCode);
        var entry = Assert.Single(await fx.Admin.GetFirehoseAsync(connector.Id));
        Assert.Equal("account", entry.SubjectType);
        Assert.Equal("acme", entry.AsAccount!["external_id"]!.GetValue<string>());
        Assert.Equal("Acme", entry.Body["name"]!.GetValue<string>());

        using var wrongSecret = new HttpRequestMessage(HttpMethod.Post, fx.Server.FirehoseUrl) { Content = Json(new JsonObject { ["batch"] = new JsonArray() }) };
        wrongSecret.Headers.Add("Hull-App-Id", connector.Id);
        wrongSecret.Headers.Add("Hull-Access-Token", "nope");
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.SendAsync(wrongSecret)).StatusCode);

        await fx.Admin.SetFirehoseFaultsAsync(connector.Id, new FaultConfig(FailureRate: 1, Statuses: [503]));
        var faulted = await PostFirehose(http, connector,
            Token(connector.Id, connector.Secret, "account", asUser: null, asAccount: new JsonObject { ["external_id"] = "acme" }));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, faulted.StatusCode);
        Assert.Single(await fx.Admin.GetFirehoseAsync(connector.Id));
    }

    [Fact]
    public async Task Sender_signature_verifies_with_the_served_pem_and_carries_the_notification_id()
    {
        var connector = SandboxConnector.Create(new JsonObject { ["personal_acccess_token"] = "t" });
        var json = NotificationBuilder.AccountUpdate(connector, [new JsonObject { ["id"] = "a1", ["name"] = "Acme", ["external_id"] = "acme" }]);
        var notification = JsonNode.Parse(json)!;
        var notificationId = notification["notification_id"]!.GetValue<string>();
        Assert.Equal("account:update", notification["channel"]!.GetValue<string>());
        Assert.Equal("Acme", notification["messages"]![0]!["account"]!["name"]!.GetValue<string>());

        var sender = fx.Server.CreateSender();
        using var request = sender.CreateRequest(new Uri(fx.Server.BaseAddress, "nowhere"), json);
        Assert.Equal("true", request.Headers.GetValues("x-hull-smart-notifier").Single());
        Assert.Equal("v1", request.Headers.GetValues("x-hull-smart-notifier-signature-version").Single());
        var keyUrl = request.Headers.GetValues("x-hull-smart-notifier-signature-public-key-url").Single();
        var signature = request.Headers.GetValues("x-hull-smart-notifier-signature").Single();

        var callsBefore = await fx.Admin.GetPublicKeyCallCountAsync();
        using var http = new HttpClient();
        var pem = await (await http.PostAsync(keyUrl, new StringContent(signature))).Content.ReadAsStringAsync();
        Assert.StartsWith("-----BEGIN PUBLIC KEY-----", pem);
        Assert.Equal(callsBefore + 1, await fx.Admin.GetPublicKeyCallCountAsync());

        var valid = await Verify(signature, pem);
        Assert.True(valid.IsValid, valid.Exception?.Message);
        Assert.Equal(notificationId, ((JsonWebToken)valid.SecurityToken).Id);

        var forged = await Verify(sender.CreateSignature(notificationId, forged: true), pem);
        Assert.False(forged.IsValid);

        // Sending also registered the notification's connector with the firehose.
        var ok = await PostFirehose(http, connector,
            Token(connector.Id, connector.Secret, "user", asUser: new JsonObject { ["email"] = "a@b.c" }));
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
    }

    [Fact]
    public async Task Firehose_accepts_a_raw_hmac_token_with_a_short_secret_like_jwt_simple_makes()
    {
        var connector = SandboxConnector.Create() with { Secret = "abc" };
        await fx.Admin.RegisterConnectorAsync(connector);
        static string B64(string s) => Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(s));
        var unsigned = B64("{\"typ\":\"JWT\",\"alg\":\"HS256\"}") + "." +
            B64($"{{\"iss\":\"{connector.Id}\",\"iat\":1,\"io.hull.asUser\":{{\"email\":\"a@b.c\"}},\"io.hull.subjectType\":\"user\"}}");
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes("abc"), Encoding.UTF8.GetBytes(unsigned));
        using var http = new HttpClient();

        var response = await PostFirehose(http, connector, unsigned + "." + Base64UrlEncoder.Encode(mac));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("a@b.c", Assert.Single(await fx.Admin.GetFirehoseAsync(connector.Id)).AsUser!["email"]!.GetValue<string>());
    }

    [Fact]
    public async Task Tampered_notifications_and_the_sign_endpoint()
    {
        var connector = SandboxConnector.Create();
        var json = NotificationBuilder.UserUpdate(connector, [new JsonObject { ["email"] = "a@b.c", ["id"] = "u1" }]);
        var sender = fx.Server.CreateSender();

        using var bare = sender.CreateRequest(fx.Server.PublicKeyUrl, json, new SignatureOptions(OmitSignatureHeaders: true));
        Assert.False(bare.Headers.Contains("x-hull-smart-notifier-signature"));
        using var wrongJti = sender.CreateRequest(fx.Server.PublicKeyUrl, json, new SignatureOptions(JtiOverride: "other"));
        Assert.Equal("other", new JsonWebToken(wrongJti.Headers.GetValues("x-hull-smart-notifier-signature").Single()).Id);

        var message = JsonNode.Parse(json)!["messages"]![0]!;
        Assert.Equal("a@b.c", message["user"]!["email"]!.GetValue<string>());
        Assert.NotNull(message["changes"]);

        var signed = await fx.Admin.SignAsync("n-1");
        Assert.Equal(fx.Server.PublicKeyUrl.ToString(), signed.PublicKeyUrl);
        Assert.Equal("n-1", new JsonWebToken(signed.Signature).Id);

        using var response = await sender.SendAsync(fx.Server.PublicKeyUrl, json);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private static async Task<TokenValidationResult> Verify(string jwt, string pem)
    {
        using var rsa = RSA.Create();
        rsa.ImportFromPem(pem);
        return await new JsonWebTokenHandler().ValidateTokenAsync(jwt, new TokenValidationParameters
        {
            IssuerSigningKey = new RsaSecurityKey(rsa.ExportParameters(false)),
            ValidAlgorithms = [SecurityAlgorithms.RsaSha256],
            ValidateIssuer = false,
            ValidateAudience = false,
        });
    }

    private Task<HttpResponseMessage> PostFirehose(HttpClient http, SandboxConnector connector, string entityToken)
    {
        var body = new JsonObject
        {
            ["batch"] = new JsonArray(new JsonObject
            {
                ["type"] = "traits",
                ["headers"] = new JsonObject { ["Hull-Access-Token"] = entityToken },
                ["body"] = new JsonObject { ["name"] = "Acme", ["planhat/id"] = "p1" },
                ["timestamp"] = DateTimeOffset.UtcNow.ToString("O"),
            }),
            ["timestamp"] = DateTimeOffset.UtcNow.ToString("O"),
            ["sentAt"] = DateTimeOffset.UtcNow.ToString("O"),
        };
        var request = new HttpRequestMessage(HttpMethod.Post, fx.Server.FirehoseUrl) { Content = Json(body) };
        request.Headers.Add("Hull-App-Id", connector.Id);
        request.Headers.Add("Hull-Access-Token", connector.Secret);
        request.Headers.Add("Hull-Organization", connector.Organization);
        return http.SendAsync(request);
    }

    /// <summary>An HS256 entity token built the way hull-client does (short secrets padded: same HMAC).</summary>
    private static string Token(string issuer, string secret, string subjectType, JsonObject? asUser, JsonObject? asAccount = null)
    {
        var key = Encoding.UTF8.GetBytes(secret);
        if (key.Length < 32)
        {
            Array.Resize(ref key, 32);
        }

        var claims = new Dictionary<string, object>
        {
            ["iss"] = issuer,
            ["iat"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            ["io.hull.subjectType"] = subjectType,
        };
        if (asUser is not null)
        {
            claims["io.hull.asUser"] = System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, object>>(asUser.ToJsonString())!;
        }

        if (asAccount is not null)
        {
            claims["io.hull.asAccount"] = System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, object>>(asAccount.ToJsonString())!;
        }

        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Claims = claims,
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(key), SecurityAlgorithms.HmacSha256),
        });
    }
}
