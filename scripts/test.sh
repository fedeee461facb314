#!/usr/bin/env bash
# Runs every test on a fresh machine: installs Azurite (npm, pinned in package-lock.json), then runs the
# .NET tests. Tests start Azurite themselves on free ports, in memory, and stop it.
set -euo pipefail
cd "$(dirname "$0")/.."
npm ci --no-audit --no-fund --loglevel=error
dotnet test Bot.sln -c Release --logger "console;verbosity=normal" "$@"
