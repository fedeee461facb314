#!/usr/bin/env bash
# Builds the Functions package: host.json and the function folders at the root, the self-contained bot in bin/
# (host.json's defaultExecutablePath is bin/Bot.Functions), and the central release configs when present.
# Usage: bash infra/azure/package.sh [out-dir]   then: cd out && zip -r ../bot.zip . && az functionapp deployment source config-zip ...
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT="${1:-out/package}"
rm -rf "$OUT" && mkdir -p "$OUT"
dotnet publish functions/Bot.Functions -c Release -r linux-x64 --self-contained true -o "$OUT/bin" --nologo -v quiet
cp host.json "$OUT/"
for f in functions/*/function.json; do mkdir -p "$OUT/$(basename "$(dirname "$f")")"; cp "$f" "$OUT/$(basename "$(dirname "$f")")/"; done
[[ -d config/services ]] && mkdir -p "$OUT/config" && cp -r config/services "$OUT/config/"
echo "package ready in $OUT"
