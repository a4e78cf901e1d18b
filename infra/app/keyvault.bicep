// Key Vault holding the key that wraps the app's Data Protection key ring (which encrypts the
// connector secrets and Planhat tokens in the `connectors` table). RBAC only; the app identity may
// wrap and unwrap with the key and nothing else.
param name string
param location string
param tags object = {}
param identityPrincipalId string

@description('Name of the key that wraps the Data Protection keys.')
param keyName string = 'dataprotection'

// Key Vault Crypto Service Encryption User: get the key, wrapKey, unwrapKey.
var cryptoServiceEncryptionUser = 'e147488a-f6f5-4113-8e2d-b22465e65bf6'

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: { family: 'A', name: 'standard' }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    enablePurgeProtection: true
    publicNetworkAccess: 'Enabled'
  }
}

resource key 'Microsoft.KeyVault/vaults/keys@2023-07-01' = {
  parent: vault
  name: keyName
  properties: {
    kty: 'RSA'
    keySize: 3072
    keyOps: [ 'wrapKey', 'unwrapKey' ]
  }
}

resource appWrapsKeys 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(key.id, identityPrincipalId, cryptoServiceEncryptionUser)
  scope: key
  properties: {
    principalId: identityPrincipalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', cryptoServiceEncryptionUser)
  }
}

output name string = vault.name
@description('Versionless key URI: the app always wraps with the current version; unwrapping names the version used.')
output keyUri string = key.properties.keyUri
