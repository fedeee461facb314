using './main.bicep'

param name = 'releasebot-prod'
param trafficMode = 'istio'
param releaseConfigDirectory = 'config/services'
// Keys come from the pipeline's secret store, never from this file:
// az deployment group create ... --parameters commandApiKeys='{"items":[{"name":"ci-pipeline","key":"<secret>"},{"name":"alice","key":"<secret>","identity":"U0123ABCD"}]}'
