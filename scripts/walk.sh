#!/usr/bin/env bash
# The walk of a Slack Approve click, measured: runs OneHopTests' Slack click test without and with the click under
# coverage (coverlet) and lists every file of Bot.Core, Bot.Adapters and Bot.Functions whose code ran more often with the
# click, from the HTTP endpoint through the VirtualService PATCH and what follows it (commit, audit, notices, reply).
# Needs Azurite installed (npm ci) and a Release build. Background work (queue polls, the start's tail) runs alike in
# both runs, but can add a line now and then: read the list, not only the count.
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for click in False True; do
  dotnet test tests/Bot.Functions.Tests -c Release --no-build --nologo \
    --filter "FullyQualifiedName~OneHopTests.SlackApproveClick&DisplayName~click: $click" \
    --collect "XPlat Code Coverage" --results-directory "$out/$click" \
    -- "DataCollectionRunSettings.DataCollectors.DataCollector.Configuration.Include=[Bot.Core]*,[Bot.Adapters]*,[Bot.Functions]*" >"$out/$click.log" \
    || { cat "$out/$click.log"; exit 1; }
  grep -q "Passed: *1" "$out/$click.log" || grep -q "Passed!.*Passed: *1," "$out/$click.log" || { cat "$out/$click.log"; echo "walk: the click=$click test did not run once" >&2; exit 1; }
done
node scripts/walk.mjs "$(find "$out/False" -name coverage.cobertura.xml)" "$(find "$out/True" -name coverage.cobertura.xml)"
