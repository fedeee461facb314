using './main.bicep'

param name = 'releasebot-prod'
param trafficMode = 'istio'
param releaseConfigDirectory = 'config/services'
// Keys come from the pipeline's secret store, never from this file:
// az deployment group create ... --parameters commandApiKeys='{"items":[{"name":"ci-pipeline","key":"<secret>"},{"name":"alice","key":"<secret>","identity":"U0123ABCD"}]}'
// Page link keys likewise (newest first; keep the old one second until its links expired):
// --parameters pageKeys='{"items":[{"id":"k2","secret":"<openssl rand -hex 32>"},{"id":"k1","secret":"<old secret>"}]}'
