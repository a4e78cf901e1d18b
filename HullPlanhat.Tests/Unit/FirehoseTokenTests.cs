using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using HullPlanhat.Core.Hull;

namespace HullPlanhat.Tests.Unit;

/// <summary>Firehose tokens are HS256 over the raw connector secret, whatever its length (jwt-simple's rule).</summary>
public sealed class FirehoseTokenTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(8)]
    [InlineData(22)]
    [InlineData(32)]
    [InlineData(64)]
    [InlineData(100)]
    public void The_signature_is_hmac_sha256_of_header_and_payload_with_the_secret_as_is(int length)
    {
        var secret = new string([.. Enumerable.Range(0, length).Select(i => (char)('a' + i % 26))]);
        var token = new FirehoseTokenFactory(TimeProvider.System)
            .Create("5c0fd68e0000000000000001", secret, FirehoseEntry.AccountTraits(new JsonObject { ["external_id"] = "acme" }, []));

        var parts = token.Split('.');
        Assert.Equal(3, parts.Length);
        var expected = Base64Url.EncodeToString(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.ASCII.GetBytes(parts[0] + "." + parts[1])));
        Assert.Equal(expected, parts[2]);
        Assert.Equal("HS256", JsonNode.Parse(Base64Url.DecodeFromChars(parts[0]))!["alg"]!.GetValue<string>());
    }

    [Fact]
    public void A_connector_whose_secret_changed_gets_tokens_signed_with_the_new_secret()
    {
        var factory = new FirehoseTokenFactory(TimeProvider.System);
        var entry = FirehoseEntry.AccountTraits(new JsonObject { ["external_id"] = "acme" }, []);

        foreach (var secret in new[] { "first-secret", "first-secret", "second-secret", "first-secret" })
        {
            var parts = factory.Create("5c0fd68e0000000000000001", secret, entry).Split('.');
            Assert.Equal(Base64Url.EncodeToString(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]))), parts[2]);
        }
    }
}
