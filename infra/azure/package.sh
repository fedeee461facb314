#!/usr/bin/env bash
# Builds the Functions package: `dotnet publish` of the isolated worker (ReadyToRun for linux-x64), whose output holds
# Bot.Functions.dll, functions.metadata, worker.config.json, extensions.json and host.json at the root, plus the
# central release configs when present.
# Usage: bash infra/azure/package.sh [out-dir]   then: cd out/package && zip -r ../bot.zip . && az functionapp deployment source config-zip ...
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT="${1:-out/package}"
rm -rf "$OUT" && mkdir -p "$OUT"
dotnet publish functions/Bot.Functions -c Release -r linux-x64 --self-contained false -o "$OUT" --nologo -v quiet
[[ -d config/services ]] && mkdir -p "$OUT/config" && cp -r config/services "$OUT/config/"
echo "package ready in $OUT"
