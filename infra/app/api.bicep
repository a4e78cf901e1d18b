// Flex Consumption plan + the Functions app (dotnet-isolated 10.0). App settings mirror
// local.settings.sample.json, except that storage is identity-based (AzureWebJobsStorage__*)
// and FUNCTIONS_WORKER_RUNTIME / FUNCTIONS_EXTENSION_VERSION are absent: on Flex Consumption the
// runtime is functionAppConfig.runtime and those settings are not allowed.
param name string
param planName string
param location string
param tags object = {}
param storageAccountName string
param deploymentContainerName string
param applicationInsightsName string
param identityId string
param identityClientId string
param maximumInstanceCount int = 40
param instanceMemoryMB int = 2048
param planhatRequestsPerMinute int = 200

@description('Key Vault key that wraps the Data Protection key ring (secrets at rest).')
param dataProtectionKeyUri string

@description('Six-field cron expressions (seconds first).')
param schedules object = {
  flushOutbox: '*/10 * * * * *'
  fetchCompanies: '0 */5 * * * *'
  fetchEndusers: '0 */5 * * * *'
  housekeeping: '0 17 * * * *'
}

@description('Optional overrides; empty means the product default (see docs/deploy.md).')
param planhatApiBaseUrl string = ''
param planhatAnalyticsBaseUrl string = ''
param hullFirehoseUrl string = ''

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    reserved: true
  }
}

var storageSettings = [
  // Identity-based host storage: the Functions host (queue triggers, timer leases) and Core read these.
  { name: 'AzureWebJobsStorage__credential', value: 'managedidentity' }
  { name: 'AzureWebJobsStorage__clientId', value: identityClientId }
  { name: 'AzureWebJobsStorage__accountName', value: storage.name }
  { name: 'AzureWebJobsStorage__blobServiceUri', value: storage.properties.primaryEndpoints.blob }
  { name: 'AzureWebJobsStorage__queueServiceUri', value: storage.properties.primaryEndpoints.queue }
  { name: 'AzureWebJobsStorage__tableServiceUri', value: storage.properties.primaryEndpoints.table }
  // DefaultAzureCredential in the worker picks the user-assigned identity from this.
  { name: 'AZURE_CLIENT_ID', value: identityClientId }
]

var telemetrySettings = [
  { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', value: applicationInsights.properties.ConnectionString }
  { name: 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING', value: 'ClientId=${identityClientId};Authorization=AAD' }
]

var productSettings = [
  { name: 'Planhat__RequestsPerMinute', value: string(planhatRequestsPerMinute) }
  { name: 'DataProtection__KeyVaultKeyId', value: dataProtectionKeyUri }
  { name: 'Hull__VerifySignature', value: 'true' }
  { name: 'Hull__TrustedKeyHosts', value: 'hullapp.io,hull.io' }
  { name: 'Hull__TrustedOrganizationHosts', value: 'hullapp.io,hull.io' }
  { name: 'Hull__MaxBodyBytes', value: '20971520' }
  { name: 'Schedules__FlushOutbox', value: schedules.flushOutbox }
  { name: 'Schedules__FetchCompanies', value: schedules.fetchCompanies }
  { name: 'Schedules__FetchEndusers', value: schedules.fetchEndusers }
  { name: 'Schedules__Housekeeping', value: schedules.housekeeping }
  { name: 'Outbox__MaxAttempts', value: '5' }
]

var overrideSettings = concat(
  empty(planhatApiBaseUrl) ? [] : [ { name: 'Planhat__ApiBaseUrl', value: planhatApiBaseUrl } ],
  empty(planhatAnalyticsBaseUrl) ? [] : [ { name: 'Planhat__AnalyticsBaseUrl', value: planhatAnalyticsBaseUrl } ],
  empty(hullFirehoseUrl) ? [] : [ { name: 'Hull__FirehoseUrl', value: hullFirehoseUrl } ]
)

resource functionApp 'Microsoft.Web/sites@2024-04-01' = {
  name: name
  location: location
  tags: union(tags, { 'azd-service-name': 'api' })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storage.properties.primaryEndpoints.blob}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
      }
      runtime: {
        name: 'dotnet-isolated'
        version: '10.0'
      }
    }
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      appSettings: concat(storageSettings, telemetrySettings, productSettings, overrideSettings)
    }
  }
}

output name string = functionApp.name
output id string = functionApp.id
output uri string = 'https://${functionApp.properties.defaultHostName}'
