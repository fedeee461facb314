#!/usr/bin/env bash
# Starts the bot locally in standalone mode: installs Azurite (npm ci, pinned), starts it on its default ports
# (in memory, or in .azurite/ with AZURITE_PERSIST=disk), builds the bot and runs it on 127.0.0.1:7071.
# Ctrl-C stops the bot and Azurite.
set -euo pipefail
cd "$(dirname "$0")/.."

PERSIST="${AZURITE_PERSIST:-memory}"   # memory | disk
PORT="${BOT_PORT:-7071}"

# A node_modules symlink is a shared install (git worktrees): npm ci would empty its target, so leave it alone.
if [[ -L node_modules ]]; then
  [[ -x node_modules/.bin/azurite ]] || { echo "node_modules is a symlink without Azurite; run npm ci where it points" >&2; exit 1; }
else
  npm ci --no-audit --no-fund --loglevel=error
fi
mkdir -p .azurite

azurite_args=(--skipApiVersionCheck --silent
  --blobHost 127.0.0.1 --blobPort 10000 --queueHost 127.0.0.1 --queuePort 10001 --tableHost 127.0.0.1 --tablePort 10002)
if [[ "$PERSIST" == "disk" ]]; then azurite_args+=(--location .azurite/data); else azurite_args+=(--inMemoryPersistence); fi
node_modules/.bin/azurite "${azurite_args[@]}" >.azurite/azurite.log 2>&1 &
AZURITE_PID=$!
BOT_PID=""
cleanup() {
  [[ -n "$BOT_PID" ]] && kill "$BOT_PID" 2>/dev/null && wait "$BOT_PID" 2>/dev/null || true
  kill "$AZURITE_PID" 2>/dev/null && wait "$AZURITE_PID" 2>/dev/null || true
}
trap cleanup EXIT INT TERM

for _ in $(seq 1 100); do
  if (exec 3<>/dev/tcp/127.0.0.1/10001) 2>/dev/null; then break; fi
  kill -0 "$AZURITE_PID" 2>/dev/null || { echo "Azurite failed to start (ports 10000-10002 busy?):" >&2; cat .azurite/azurite.log >&2; exit 1; }
  sleep 0.2
done

# local.settings.json (git-ignored) from the sample, with a fresh API key, the first time.
if [[ ! -f local.settings.json ]]; then
  key="$(node -e 'console.log(require("crypto").randomBytes(24).toString("hex"))')"
  pagekey="$(node -e 'console.log(require("crypto").randomBytes(32).toString("hex"))')"
  sed -e "s/replace-with-32-random-characters/$key/" -e "s/replace-with-64-random-hex-characters-from-openssl-rand-hex-32/$pagekey/" \
    local.settings.sample.json >local.settings.json
  echo "created local.settings.json (API key name: local-dev, page link key: k1)"
fi
# A demo service when no central config folder exists yet.
if [[ ! -d config/services ]]; then
  mkdir -p .azurite/config
  cat >.azurite/config/demo-api.yaml <<'YAML'
service: demo-api
namespace: demo
route: {virtualService: demo-api, name: primary}
deployments: {canary: demo-api-canary, stable: demo-api, image: "registry.example.com/demo-api:{version}"}
steps:
  - setWeight: 10
  - approval: {}
  - setWeight: 50
  - pause: 30s
  - setWeight: 100
  - promote: {}
policy: {distinctApprover: false}
YAML
  export ReleaseConfig__Directory="$PWD/.azurite/config"
fi

dotnet build functions/Bot.Functions -c Release --nologo -v quiet
export Bot__Port="$PORT"
unset Functions__Worker__HostEndpoint
dotnet functions/Bot.Functions/bin/Release/net10.0/Bot.Functions.dll &
BOT_PID=$!

for _ in $(seq 1 150); do
  if curl -fsS "http://127.0.0.1:$PORT/api/health" >/dev/null 2>&1; then break; fi
  kill -0 "$BOT_PID" 2>/dev/null || { echo "the bot exited during start-up (see above)" >&2; exit 1; }
  sleep 0.2
done
echo
echo "release bot: http://127.0.0.1:$PORT/api   (health: http://127.0.0.1:$PORT/api/health)"
echo "API key: CommandApi__Keys__0__Key in local.settings.json; Azurite log: .azurite/azurite.log. Ctrl-C stops both."
wait "$BOT_PID"
