#!/usr/bin/env bash
# The project's entry points. On a fresh machine:
#   ./build.sh run     Azurite + Sandbox (fake Planhat & Hull) + SelfHost, then replays samples/account-update.json
#   ./build.sh test    every test (starts its own in-memory Azurite), then the Functions build check
#   ./build.sh bench   the figures of HullPlanhat.Benchmarks
#   ./build.sh functions [publish]   build (or publish) the Azure Functions app where its packages restore
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

cmd_test() {
  npm_deps
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
  eng/build-functions.sh
  return "$status"
}

cmd_run() {
  npm_deps
  dotnet build HullPlanhat.sln --nologo -v quiet -clp:ErrorsOnly
  mkdir -p .run
  local pids=()
  trap 'kill "${pids[@]}" 2>/dev/null; wait 2>/dev/null; echo; echo "Stopped."' EXIT INT TERM
  if ! (exec 3<>/dev/tcp/127.0.0.1/10001) 2>/dev/null; then
    node_modules/.bin/azurite --silent --skipApiVersionCheck --disableTelemetry --location .run/azurite > .run/azurite.log 2>&1 &
    pids+=($!)
  fi
  dotnet run --no-build --project HullPlanhat.Sandbox -- --port "$SANDBOX_PORT" > .run/sandbox.log 2>&1 &
  pids+=($!)
  wait_for "http://127.0.0.1:$SANDBOX_PORT/hull/public-key" "the Sandbox"

  AzureWebJobsStorage=UseDevelopmentStorage=true \
  Planhat__ApiBaseUrl="http://127.0.0.1:$SANDBOX_PORT/planhat" \
  Planhat__AnalyticsBaseUrl="http://127.0.0.1:$SANDBOX_PORT/planhat-analytics" \
  Hull__FirehoseUrl="http://127.0.0.1:$SANDBOX_PORT/hull/firehose" \
  Hull__ApiBaseUrl="http://127.0.0.1:$SANDBOX_PORT/hull/api/v1" \
  Hull__TrustedKeyHosts="127.0.0.1,hullapp.io,hull.io" \
  Hull__TrustedExtractHosts="127.0.0.1,hullapp.io,hull.io" \
  SelfHost__MasterKey="$MASTER_KEY" \
    dotnet run --no-build --project HullPlanhat.SelfHost -- --urls "http://127.0.0.1:$SELFHOST_PORT" > .run/selfhost.log 2>&1 &
  pids+=($!)
  wait_for "http://127.0.0.1:$SELFHOST_PORT/health" "the SelfHost"

  echo "Sandbox  http://127.0.0.1:$SANDBOX_PORT   (logs: .run/sandbox.log)"
  echo "SelfHost http://127.0.0.1:$SELFHOST_PORT  (JSON logs: .run/selfhost.log, admin key: $MASTER_KEY)"
  echo "Replaying samples/account-update.json; the outbox flushes every 10 s…"
  dotnet run --no-build --project HullPlanhat.Sandbox -- replay --sandbox "http://127.0.0.1:$SANDBOX_PORT" \
    --connector-url "http://127.0.0.1:$SELFHOST_PORT" --token sandbox-token --file "$PWD/samples/account-update.json"
  echo "Running. Send more with the replay command above, or Ctrl+C to stop."
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
  *) sed -n '2,7p' "$0"; exit 2 ;;
esac
