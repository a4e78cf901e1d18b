#!/usr/bin/env bash
# The project's entry points. On a fresh machine:
#   ./build.sh run     Azurite + Sandbox (fake Planhat & Hull) + SelfHost, then replays samples/account-update.json
#   ./build.sh test    builds the solution (the Functions app included) and runs every test (own in-memory Azurite)
#   ./build.sh bench   the figures of HullPlanhat.Benchmarks
#   ./build.sh functions [publish]   build the Azure Functions app, or publish it to artifacts/functions + artifacts/functions.zip
#   ./build.sh ops <command>   operator commands against a running connector (eng/ops.sh: runs, preview, replay, resync...)
set -euo pipefail
cd "$(dirname "$0")"

SANDBOX_PORT=${SANDBOX_PORT:-5100}
SELFHOST_PORT=${SELFHOST_PORT:-7071}
MASTER_KEY=${MASTER_KEY:-local-master-key}

npm_deps() {
  if [ ! -x node_modules/.bin/azurite ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    npm ci --no-audit --no-fund --loglevel=error
  fi
}

wait_for() { # url, what
  for _ in $(seq 1 120); do
    if curl -s -o /dev/null "$1"; then return 0; fi
    sleep 1
  done
  echo "Timed out waiting for $2 at $1" >&2
  return 1
}

browser_deps() { # the status-page test drives Chromium from the OS packages
  if command -v chromium >/dev/null || command -v chromium-browser >/dev/null || [ -n "${HULLPLANHAT_CHROMIUM:-}" ]; then return 0; fi
  if command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium >/dev/null ||
      { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium >/dev/null; }
  else
    echo "Chromium is missing (apt-get install -y chromium, or set HULLPLANHAT_CHROMIUM): the status-page test will fail." >&2
  fi
}

cmd_test() {
  npm_deps
  browser_deps
  dotnet build HullPlanhat.sln --nologo -v quiet -clp:ErrorsOnly
  local log; log=$(mktemp)
  set +e
  dotnet test HullPlanhat.sln --no-build --nologo 2>&1 | grep -v "warning NU1603" | tee "$log"
  local status=${PIPESTATUS[0]}
  set -e
  # One plain summary line for every test assembly together.
  awk '/(Passed|Failed)!/ { for (i = 1; i <= NF; i++) { if ($i == "Failed:") f += $(i+1); if ($i == "Passed:") p += $(i+1) } }
       END { printf "%d passed, %d failed\n", p, f }' "$log" | tr -d ','
  rm -f "$log"
  return "$status"
}

# ---- run: each step named with the seconds since start, every wait bounded and explained ----
RUN_T0=$SECONDS
step() { printf '\n\033[1m==> [%3ds] %s\033[0m\n' "$((SECONDS - RUN_T0))" "$*"; }

wait_until() { # what, seconds, log, command...
  local what=$1 limit=$2 log=$3 t0=$SECONDS; shift 3
  printf '    waiting for %s ' "$what"
  until "$@" 2>/dev/null; do
    if ((SECONDS - t0 >= limit)); then
      printf 'timed out after %ds. Last lines of %s:\n' "$limit" "$log" >&2
      tail -n 20 "$log" >&2 || true
      return 1
    fi
    printf '.'; sleep 1
  done
  printf ' up (%ds)\n' "$((SECONDS - t0))"
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
http_ok() { curl -sf -o /dev/null "$1"; }

cmd_run() {
  local root=$PWD sandbox_url="http://127.0.0.1:$SANDBOX_PORT" selfhost_url="http://127.0.0.1:$SELFHOST_PORT"
  local replay=(dotnet "$root/HullPlanhat.Sandbox/bin/Debug/net10.0/HullPlanhat.Sandbox.dll" replay
    --sandbox "$sandbox_url" --connector-url "$selfhost_url")
  step "npm ci (the pinned Azurite storage emulator), only when node_modules is missing or stale"
  npm_deps
  step "Building the SelfHost and the Sandbox (the first build restores packages: a few minutes)"
  dotnet build HullPlanhat.SelfHost --nologo -v minimal -clp:NoSummary
  dotnet build HullPlanhat.Sandbox --nologo -v minimal -clp:NoSummary
  mkdir -p .run
  local pids=()
  trap 'kill "${pids[@]}" 2>/dev/null; wait 2>/dev/null; echo; echo "Stopped."' EXIT INT TERM

  # Nothing started by a run may answer already: health checks would reach the other processes.
  local port
  for port in "$SANDBOX_PORT" "$SELFHOST_PORT"; do
    if port_open "$port"; then
      echo "Port $port is in use (another ./build.sh run?). Stop it, or choose other ports: SANDBOX_PORT=$((SANDBOX_PORT + 100)) SELFHOST_PORT=$((SELFHOST_PORT + 100)) ./build.sh run" >&2
      exit 1
    fi
  done

  step "Starting Azurite (storage) on 127.0.0.1:10000-10002"
  if port_open 10001; then
    echo "    already running: using it (its state outlives this run, the Sandbox's does not: if the samples are refused as"
    echo "    already accepted or the connector reports unknown Planhat ids, stop that Azurite and run again)"
  else
    # In memory, as the Sandbox: every run starts from nothing, so the samples replay the same way each time.
    node_modules/.bin/azurite --silent --skipApiVersionCheck --disableTelemetry --inMemoryPersistence > .run/azurite.log 2>&1 &
    pids+=($!)
    wait_until "Azurite" 60 .run/azurite.log bash -c 'for p in 10000 10001 10002; do (exec 3<>"/dev/tcp/127.0.0.1/$p") || exit 1; done'
  fi

  step "Starting the Sandbox (fake Planhat and Hull) on $sandbox_url"
  dotnet "$root/HullPlanhat.Sandbox/bin/Debug/net10.0/HullPlanhat.Sandbox.dll" --port "$SANDBOX_PORT" > .run/sandbox.log 2>&1 &
  pids+=($!)
  wait_until "the Sandbox" 120 .run/sandbox.log http_ok "$sandbox_url/hull/public-key"

  step "Starting the SelfHost (the connector) on $selfhost_url"
  (cd HullPlanhat.SelfHost && \
  AzureWebJobsStorage=UseDevelopmentStorage=true \
  Planhat__ApiBaseUrl="$sandbox_url/planhat" \
  Planhat__AnalyticsBaseUrl="$sandbox_url/planhat-analytics" \
  Hull__FirehoseUrl="$sandbox_url/hull/firehose" \
  Hull__ApiBaseUrl="$sandbox_url/hull/api/v1" \
  Hull__TrustedKeyHosts="127.0.0.1,hullapp.io,hull.io" \
  Hull__TrustedExtractHosts="127.0.0.1,hullapp.io,hull.io" \
  SelfHost__MasterKey="$MASTER_KEY" \
    exec dotnet bin/Debug/net10.0/HullPlanhat.SelfHost.dll --urls "$selfhost_url") > .run/selfhost.log 2>&1 &
  pids+=($!)
  wait_until "the SelfHost (/health: storage reachable)" 120 .run/selfhost.log http_ok "$selfhost_url/health"

  step "Replaying samples/account-update.json (3 accounts; the outbox flushes every 10 s)"
  "${replay[@]}" --file "$root/samples/account-update.json" || true
  step "Replaying samples/user-update.json (2 users of those accounts, 2 whitelisted events)"
  "${replay[@]}" --file "$root/samples/user-update.json" || true

  step "Running (Ctrl+C stops everything)"
  cat <<SUMMARY
    SelfHost   $selfhost_url   (health: $selfhost_url/health, admin key: $MASTER_KEY)
    Connector  id 5f00000000000000000000c0, org sample.hullapp.io, secret sample-connector-secret-0123456789abcdef (samples/*.json)
               status page: $selfhost_url/dashboard?organization=sample.hullapp.io&ship=5f00000000000000000000c0&secret=sample-connector-secret-0123456789abcdef
    Sandbox    $sandbox_url   (Planhat: $sandbox_url/planhat, token sandbox-token; what it holds: $sandbox_url/_sandbox/tenants/sandbox-token/objects/companies)
    Logs       $root/.run/selfhost.log   (one JSON line each: jq -c 'select(.level != "debug")' $root/.run/selfhost.log)
               $root/.run/sandbox.log, $root/.run/azurite.log
    Send again (any notification file; relative paths work too):
      $(printf '%q ' "${replay[@]}")--file $(printf '%q' "$root/samples/account-update.json")
      $(printf '%q ' "${replay[@]}")--file $(printf '%q' "$root/samples/user-update.json")
SUMMARY
  wait
}

cmd_bench() {
  npm_deps
  dotnet run -c Release --project HullPlanhat.Benchmarks -- "$@"
}

case "${1:-}" in
  test) cmd_test ;;
  run) cmd_run ;;
  bench) shift; cmd_bench "$@" ;;
  functions) shift; eng/build-functions.sh "$@" ;;
  ops) shift; eng/ops.sh "$@" ;;
  *) sed -n '2,8p' "$0"; exit 2 ;;
esac
