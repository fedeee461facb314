// The release bot on Azure Functions (Linux, .NET 10 isolated worker). Flat on purpose: one storage account (state, audit,
// step queue, and the Functions host's own use), one plan, one function app, one Application Insights.
// App setting names match the bot's options sections (Section__Key), so a missing or wrong one fails start-up
// with a message naming it. Deploy the package built by infra/azure/package.sh (the ReadyToRun `dotnet publish` output:
// Bot.Functions.dll, functions.metadata, worker.config.json, extensions.json and host.json at the root).

@description('Name prefix for every resource, e.g. releasebot-prod.')
@minLength(3)
param name string

param location string = resourceGroup().location

@description('traffic router: istio (production) or recording (dry run, moves no traffic).')
@allowed([ 'istio', 'recording' ])
param trafficMode string = 'istio'

@description('Central release config folder inside the package, relative to the app root.')
param releaseConfigDirectory string = 'config/services'

@description('Command API keys: [{ name: "alice", key: "...", identity: "U0123ABCD" }]. Each name is an actor in audit; deployers/approvers match the name or the optional identity (Slack user ID, GitHub login or @group).')
@secure()
param commandApiKeys object = { items: [] }

@description('Signing keys of the rollout page links, newest first (the first signs, every one opens its own links): [{ id: "k2", secret: "<openssl rand -hex 32>" }]. Empty: no links in Slack or check runs; the pages open with a command API key only.')
@secure()
param pageKeys object = { items: [] }

@description('How long a page link opens its page (d.hh:mm:ss, 1 minute to 90 days).')
param pageLinkLifetime string = '7.00:00:00'

@description('Extra app settings from integrations (Slack__*, GitHub__*, Kubernetes__*, Ci__*).')
param extraSettings object = {}

var storageName = take(toLower(replace('${name}st', '-', '')), 24)

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: storageName
  location: location
  sku: { name: 'Standard_LRS' }
  kind: 'StorageV2'
  properties: {
    minimumTlsVersion: 'TLS1_2'
    allowBlobPublicAccess: false
    supportsHttpsTrafficOnly: true
  }
}

resource insights 'Microsoft.Insights/components@2020-02-02' = {
  name: '${name}-ai'
  location: location
  kind: 'web'
  properties: { Application_Type: 'web' }
}

resource plan 'Microsoft.Web/serverfarms@2023-12-01' = {
  name: '${name}-plan'
  location: location
  sku: { name: 'Y1', tier: 'Dynamic' }
  kind: 'functionapp'
  properties: { reserved: true }
}

var storageConnection = 'DefaultEndpointsProtocol=https;AccountName=${storage.name};AccountKey=${storage.listKeys().keys[0].value};EndpointSuffix=${environment().suffixes.storage}'

var keySettings = reduce(range(0, length(commandApiKeys.items)), {}, (acc, i) => union(acc, {
  'CommandApi__Keys__${i}__Name': commandApiKeys.items[i].name
  'CommandApi__Keys__${i}__Key': commandApiKeys.items[i].key
  'CommandApi__Keys__${i}__Identity': commandApiKeys.items[i].?identity ?? ''
}))

var pageKeySettings = reduce(range(0, length(pageKeys.items)), {}, (acc, i) => union(acc, {
  'Pages__Keys__${i}__Id': pageKeys.items[i].id
  'Pages__Keys__${i}__Secret': pageKeys.items[i].secret
}))

// Page links point at the app itself; without keys there are none.
var pageSettings = length(pageKeys.items) == 0 ? {} : {
  Pages__BaseUrl: 'https://${name}-func.azurewebsites.net'
  Pages__LinkLifetime: pageLinkLifetime
}

var baseSettings = {
  FUNCTIONS_EXTENSION_VERSION: '~4'
  FUNCTIONS_WORKER_RUNTIME: 'dotnet-isolated'
  AzureWebJobsStorage: storageConnection
  APPLICATIONINSIGHTS_CONNECTION_STRING: insights.properties.ConnectionString
  ReleaseConfig__Directory: releaseConfigDirectory
  Traffic__Mode: trafficMode
  CommandApi__Enabled: string(length(commandApiKeys.items) > 0)
  Executor__MaxConflictRetries: '20'
  Executor__MaxFeedbackRounds: '8'
  // The Sweep timer's schedule (%Sweep:Schedule% in its trigger): the host cannot index the function without it.
  Sweep__Schedule: '*/30 * * * * *'
  Sweep__OverdueGrace: '00:02:00'
  Sweep__OrphanScanInterval: '00:05:00'
  Notifications__MaxDeferral: '00:15:00'
}

resource app 'Microsoft.Web/sites@2023-12-01' = {
  name: '${name}-func'
  location: location
  kind: 'functionapp,linux'
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    siteConfig: {
      linuxFxVersion: 'DOTNET-ISOLATED|10.0'
      ftpsState: 'Disabled'
      minTlsVersion: '1.2'
      appSettings: [for s in items(union(baseSettings, keySettings, pageSettings, pageKeySettings, extraSettings)): { name: s.key, value: s.value }]
    }
  }
}

output functionAppName string = app.name
output apiBaseUrl string = 'https://${app.properties.defaultHostName}/api'
