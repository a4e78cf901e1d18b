using System.Xml.Linq;
using Azure;
using Azure.Storage.Blobs;
using Microsoft.AspNetCore.DataProtection.Repositories;

namespace HullPlanhat.Core.Storage;

/// <summary>
/// The Data Protection key ring in the product's storage account (one blob per key), so every
/// instance and both hosts share it. Data Protection calls this synchronously and caches the ring.
/// </summary>
public sealed class BlobXmlRepository(StorageClients storage) : IXmlRepository
{
    public const string ContainerName = "data-protection";

    private BlobContainerClient Container => storage.Container(ContainerName);

    public IReadOnlyCollection<XElement> GetAllElements()
    {
        Container.CreateIfNotExists();
        return [.. Container.GetBlobs().Select(item =>
        {
            using var stream = Container.GetBlobClient(item.Name).OpenRead();
            return XElement.Load(stream);
        })];
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        Container.CreateIfNotExists();
        var name = $"{friendlyName}.xml";
        try
        {
            Container.GetBlobClient(name).Upload(BinaryData.FromString(element.ToString(SaveOptions.DisableFormatting)), overwrite: false);
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            // Key names are unique (key-{guid}); a 409 is our own retried write.
        }
    }
}
