using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using Azure.Core;
using Azure.Core.Pipeline;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;

namespace HullPlanhat.Core.Storage;

/// <summary>
/// Wraps each Data Protection key with a Key Vault key (envelope encryption): the key's XML is
/// encrypted with a fresh AES-256-GCM key, and that key is wrapped by Key Vault (<c>wrapKey</c>,
/// RSA-OAEP-256), so the key ring in blob storage is useless without the vault. Key Vault's REST
/// API is called through Azure.Core with the app's managed identity.
/// </summary>
public sealed class KeyVaultKeyWrapping(HttpPipeline pipeline, Uri keyId)
{
    private const string ApiVersion = "7.4";
    private const string Algorithm = "RSA-OAEP-256";

    /// <summary>A pipeline that authenticates to Key Vault with <paramref name="credential"/>.</summary>
    public static HttpPipeline CreatePipeline(TokenCredential credential, ClientOptions? options = null) =>
        HttpPipelineBuilder.Build(options ?? new KeyVaultOptions(), new BearerTokenAuthenticationPolicy(credential, "https://vault.azure.net/.default"));

    public XElement Encrypt(XElement plaintext)
    {
        var dataKey = RandomNumberGenerator.GetBytes(32);
        var nonce = RandomNumberGenerator.GetBytes(AesGcm.NonceByteSizes.MaxSize);
        var data = Encoding.UTF8.GetBytes(plaintext.ToString(SaveOptions.DisableFormatting));
        var cipher = new byte[data.Length];
        var tag = new byte[AesGcm.TagByteSizes.MaxSize];
        using (var aes = new AesGcm(dataKey, tag.Length))
        {
            aes.Encrypt(nonce, data, cipher, tag);
        }

        var (kid, wrapped) = Call(new Uri(keyId.ToString().TrimEnd('/') + "/wrapkey"), dataKey);
        CryptographicOperations.ZeroMemory(dataKey);
        return new XElement("keyVaultWrapped",
            new XElement("kid", kid),
            new XElement("wrappedKey", Convert.ToBase64String(wrapped)),
            new XElement("nonce", Convert.ToBase64String(nonce)),
            new XElement("tag", Convert.ToBase64String(tag)),
            new XElement("value", Convert.ToBase64String(cipher)));
    }

    public XElement Decrypt(XElement encrypted)
    {
        string Part(string name) => encrypted.Element(name)?.Value ?? throw new CryptographicException($"The wrapped key has no {name}.");
        var (_, dataKey) = Call(new Uri(Part("kid").TrimEnd('/') + "/unwrapkey"), Convert.FromBase64String(Part("wrappedKey")));
        var cipher = Convert.FromBase64String(Part("value"));
        var tag = Convert.FromBase64String(Part("tag"));
        var plain = new byte[cipher.Length];
        using (var aes = new AesGcm(dataKey, tag.Length))
        {
            aes.Decrypt(Convert.FromBase64String(Part("nonce")), cipher, tag, plain);
        }

        CryptographicOperations.ZeroMemory(dataKey);
        return XElement.Parse(Encoding.UTF8.GetString(plain));
    }

    // Data Protection's encryptor interfaces are synchronous; keys are wrapped rarely (new key every 90 days, ring cached).
    private (string Kid, byte[] Value) Call(Uri operation, byte[] value)
    {
        using var message = pipeline.CreateMessage();
        message.Request.Method = RequestMethod.Post;
        message.Request.Uri.Reset(new Uri($"{operation}?api-version={ApiVersion}"));
        message.Request.Headers.Add("Content-Type", "application/json");
        var body = new JsonObject { ["alg"] = Algorithm, ["value"] = Base64Url.EncodeToString(value) };
        message.Request.Content = RequestContent.Create(Encoding.UTF8.GetBytes(body.ToJsonString()));
        pipeline.Send(message, CancellationToken.None);
        var response = message.Response;
        if (response.Status != 200)
        {
            throw new CryptographicException($"Key Vault answered {response.Status} to {operation.AbsolutePath}.");
        }

        using var json = JsonDocument.Parse(response.Content.ToMemory());
        return (json.RootElement.GetProperty("kid").GetString() ?? keyId.ToString(), Base64Url.DecodeFromChars(json.RootElement.GetProperty("value").GetString() ?? ""));
    }

    private sealed class KeyVaultOptions : ClientOptions;
}
