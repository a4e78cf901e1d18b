using Azure.Core;
using Azure.Identity;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace HullPlanhat.Core.Storage;

/// <summary>
/// Secrets at rest: Data Protection with its key ring in the storage account (shared by every
/// instance and both hosts) and, when <c>DataProtection:KeyVaultKeyId</c> is set (the Bicep sets
/// it), every key wrapped by that Key Vault key.
/// </summary>
public static class SecretProtectionServiceCollectionExtensions
{
    public const string ApplicationName = "HullPlanhat";

    public static IServiceCollection AddConnectorSecretProtection(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddDataProtection().SetApplicationName(ApplicationName);
        services.AddSingleton<ConnectorSecretProtector>();
        if (configuration["DataProtection:KeyVaultKeyId"] is { Length: > 0 } keyId)
        {
            var clientId = configuration["DataProtection:ClientId"] is { Length: > 0 } own ? own : configuration["AzureWebJobsStorage:clientId"];
            TokenCredential credential = clientId is { Length: > 0 }
                ? new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(clientId))
                : new DefaultAzureCredential();
            services.AddSingleton(new KeyVaultKeyWrapping(KeyVaultKeyWrapping.CreatePipeline(credential), new Uri(keyId)));
        }

        services.AddOptions<KeyManagementOptions>().Configure<IServiceProvider>((options, provider) =>
        {
            options.XmlRepository = new BlobXmlRepository(provider.GetRequiredService<StorageClients>());
            if (provider.GetService<KeyVaultKeyWrapping>() is { } wrapping)
            {
                options.XmlEncryptor = new KeyVaultXmlEncryptor(wrapping);
            }
        });
        return services;
    }
}
