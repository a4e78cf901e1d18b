using System.Buffers.Text;
using System.Net;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using Azure.Core.Pipeline;
using HullPlanhat.Core.Storage;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.Extensions.DependencyInjection;

namespace HullPlanhat.Tests.Unit;

/// <summary>
/// The Data Protection key ring wrapped by Key Vault, against a stand-in for Key Vault's REST API
/// (wrapkey/unwrapkey with a local RSA key): Key Vault itself cannot run in a test.
/// </summary>
public sealed class KeyVaultKeyWrappingTests
{
    private const string KeyId = "https://kv-test.vault.azure.net/keys/dataprotection";

    [Fact]
    public void Keys_at_rest_are_wrapped_by_the_vault_and_a_new_process_unwraps_them_to_read_old_secrets()
    {
        using var vault = new FakeKeyVault();
        var ring = new MemoryXmlRepository();

        var protectedText = Provider(ring, vault).CreateProtector("test").Protect("planhat-token-abc");

        var stored = Assert.Single(ring.GetAllElements()).ToString();
        Assert.Contains("keyVaultWrapped", stored, StringComparison.Ordinal);
        Assert.DoesNotContain("<masterKey", stored, StringComparison.Ordinal);
        Assert.Equal(1, vault.Wraps);

        // Another instance: same ring, no cached key, must ask the vault to unwrap.
        Assert.Equal("planhat-token-abc", Provider(ring, vault).CreateProtector("test").Unprotect(protectedText));
        Assert.Equal(1, vault.Unwraps);
    }

    [Fact]
    public void Without_the_vault_the_wrapped_ring_is_useless()
    {
        using var vault = new FakeKeyVault();
        var ring = new MemoryXmlRepository();
        var protectedText = Provider(ring, vault).CreateProtector("test").Protect("secret");

        vault.Deny = true;
        Assert.ThrowsAny<CryptographicException>(() => Provider(ring, vault).CreateProtector("test").Unprotect(protectedText));
    }

    private static IDataProtectionProvider Provider(MemoryXmlRepository ring, FakeKeyVault vault)
    {
        var options = new TestOptions { Transport = new HttpClientTransport(new HttpClient(vault, disposeHandler: false)) };
        options.Retry.MaxRetries = 0;
        var wrapping = new KeyVaultKeyWrapping(HttpPipelineBuilder.Build(options), new Uri(KeyId));
        var services = new ServiceCollection();
        services.AddSingleton(wrapping);
        services.AddDataProtection().SetApplicationName("HullPlanhat");
        services.Configure<KeyManagementOptions>(o =>
        {
            o.XmlRepository = ring;
            o.XmlEncryptor = new KeyVaultXmlEncryptor(wrapping);
        });
        return services.BuildServiceProvider().GetRequiredService<IDataProtectionProvider>();
    }

    private sealed class TestOptions : Azure.Core.ClientOptions;

    private sealed class MemoryXmlRepository : IXmlRepository
    {
        private readonly List<XElement> elements = [];

        public IReadOnlyCollection<XElement> GetAllElements()
        {
            lock (elements)
            {
                return [.. elements.Select(e => new XElement(e))];
            }
        }

        public void StoreElement(XElement element, string friendlyName)
        {
            lock (elements)
            {
                elements.Add(new XElement(element));
            }
        }
    }

    /// <summary>Key Vault's wrapkey/unwrapkey (RSA-OAEP-256) over a local key.</summary>
    private sealed class FakeKeyVault : HttpMessageHandler
    {
        private readonly RSA key = RSA.Create(3072);

        public int Wraps { get; private set; }
        public int Unwraps { get; private set; }
        public bool Deny { get; set; }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (Deny)
            {
                return new HttpResponseMessage(HttpStatusCode.Forbidden);
            }

            var body = JsonNode.Parse(await request.Content!.ReadAsStringAsync(cancellationToken))!;
            Assert.Equal("RSA-OAEP-256", body["alg"]!.ToString());
            Assert.Equal("7.4", System.Web.HttpUtility.ParseQueryString(request.RequestUri!.Query)["api-version"]);
            var value = Base64Url.DecodeFromChars(body["value"]!.ToString());
            var path = request.RequestUri.AbsolutePath;
            byte[] result;
            if (path == "/keys/dataprotection/wrapkey")
            {
                Wraps++;
                result = key.Encrypt(value, RSAEncryptionPadding.OaepSHA256);
            }
            else if (path == "/keys/dataprotection/v1/unwrapkey")
            {
                Unwraps++;
                result = key.Decrypt(value, RSAEncryptionPadding.OaepSHA256);
            }
            else
            {
                return new HttpResponseMessage(HttpStatusCode.NotFound);
            }

            var answer = new JsonObject { ["kid"] = KeyId + "/v1", ["value"] = Base64Url.EncodeToString(result) };
            return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(answer.ToJsonString()) };
        }

        // Data Protection wraps keys synchronously, so the product sends synchronously.
        protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken) =>
            SendAsync(request, cancellationToken).GetAwaiter().GetResult();

        protected override void Dispose(bool disposing)
        {
            key.Dispose();
            base.Dispose(disposing);
        }
    }
}
