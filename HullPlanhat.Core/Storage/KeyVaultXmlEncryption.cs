using System.Security.Cryptography;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;

namespace HullPlanhat.Core.Storage;

/// <summary>Data Protection's encryptor: wraps new keys with <see cref="KeyVaultKeyWrapping"/>.</summary>
public sealed class KeyVaultXmlEncryptor(KeyVaultKeyWrapping wrapping) : IXmlEncryptor
{
    public EncryptedXmlInfo Encrypt(XElement plaintextElement) => new(wrapping.Encrypt(plaintextElement), typeof(KeyVaultXmlDecryptor));
}

/// <summary>Data Protection's decryptor, created by type from DI when the key ring is read.</summary>
public sealed class KeyVaultXmlDecryptor(IServiceProvider services) : IXmlDecryptor
{
    public XElement Decrypt(XElement encryptedElement) =>
        (services.GetService(typeof(KeyVaultKeyWrapping)) as KeyVaultKeyWrapping
            ?? throw new CryptographicException("The key ring is wrapped by Key Vault but DataProtection:KeyVaultKeyId is not set."))
        .Decrypt(encryptedElement);
}
