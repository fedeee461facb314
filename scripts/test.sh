#!/usr/bin/env bash
# Runs every test on a fresh machine: installs Azurite (npm, pinned in package-lock.json) and, when missing, Debian's
# prometheus (the analysis tests' real server) and chromium (the page tests' real browser, driven by PuppeteerSharp with
# no download), then runs the .NET tests. Tests start Azurite, Prometheus and Chromium themselves and stop them.
set -euo pipefail
cd "$(dirname "$0")/.."
# In a git worktree whose node_modules is a link to another checkout's, `npm ci` would empty that checkout's copy.
if [ ! -L node_modules ]; then npm ci --no-audit --no-fund --loglevel=error; fi
missing=()
if [ -z "${PROMETHEUS_BIN:-}" ] && [ ! -x /usr/bin/prometheus ]; then missing+=(prometheus); fi
if [ -z "${CHROMIUM_BIN:-}" ] && [ ! -x /usr/bin/chromium ]; then missing+=(chromium fonts-dejavu-core); fi
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
log=$(mktemp)
trap 'rm -f "$log"' EXIT
set +e
dotnet test Bot.sln -c Release --logger "console;verbosity=normal" "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
# One closing line for the whole run, summed over the test assemblies.
awk '/^ +Passed: [0-9]+$/ {p += $2} /^ +Failed: [0-9]+$/ {f += $2} END {printf "tests: %d passed, %d failed\n", p, f}' "$log"
exit "$status"
