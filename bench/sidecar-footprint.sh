#!/usr/bin/env bash
# Sidecar footprint: time from process start to /ready, and resident memory when idle, with the
# launcher's footprint JVM settings (docs/sidecar.md). Starts a policy engine (not measured),
# creates a join token, starts a sidecar RUNS times in a row.
#   bench/sidecar-footprint.sh [RUNS]      (needs cli/target/crossgate.jar: ./crossgate --help builds it)
set -euo pipefail

home="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runs="${1:-5}"
work="$(mktemp -d)"
engine_pid=""
sidecar_pid=""
cleanup() {
  [ -n "$sidecar_pid" ] && kill "$sidecar_pid" 2>/dev/null || true
  [ -n "$engine_pid" ] && kill "$engine_pid" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
now_ms() { date +%s%3N; }

api=$(free_port); dist=$(free_port)
CROSSGATE_NO_BUILD=1 "$home/crossgate" policy-engine --data-dir "$work/engine" \
  --api-port "$api" --distribution-port "$dist" >"$work/engine.log" 2>&1 &
engine_pid=$!
for _ in $(seq 1 600); do
  curl -sf "http://127.0.0.1:$api/api/v1/schemas" >/dev/null 2>&1 && break
  sleep 0.1
done
[ -f "$work/engine/tokens/admin.token" ] || { echo "the engine did not start; log:"; cat "$work/engine.log"; exit 1; }
admin_token="$(cat "$work/engine/tokens/admin.token")"
join_token="$(CROSSGATE_NO_BUILD=1 "$home/crossgate" token create --server "http://127.0.0.1:$api" \
  --token "$admin_token" --namespace bench --service-account app --ttl 1h 2>/dev/null)"

echo "| run | start to ready (ms) | RSS idle after 10 s (MiB) |"
echo "|---|---|---|"
for run in $(seq 1 "$runs"); do
  admin=$(free_port)
  start=$(now_ms)
  CROSSGATE_NO_BUILD=1 "$home/crossgate" sidecar --service app --namespace bench --app-port 9 \
    --control-plane "127.0.0.1:$dist" --join-token "$join_token" --inbound-port 0 \
    --outbound-port 0 --admin-port "$admin" >"$work/sidecar-$run.log" 2>&1 &
  sidecar_pid=$!
  ready=""
  for _ in $(seq 1 3000); do
    if curl -sf "http://127.0.0.1:$admin/ready" >/dev/null 2>&1; then ready=$(now_ms); break; fi
    sleep 0.01
  done
  [ -n "$ready" ] || { echo "run $run: not ready; log:"; cat "$work/sidecar-$run.log"; exit 1; }
  sleep 10
  rss_kb=$(awk '/VmRSS/ {print $2}' "/proc/$sidecar_pid/status")
  echo "| $run | $((ready - start)) | $((rss_kb / 1024)) |"
  curl -sf -X POST "http://127.0.0.1:$admin/shutdown" >/dev/null
  wait "$sidecar_pid" || true
  sidecar_pid=""
done
