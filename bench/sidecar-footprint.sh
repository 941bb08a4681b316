#!/usr/bin/env bash
# Sidecar footprint (issue 7, "Small and quick"): time from process start to /ready, the CPU time
# the sidecar used by then (/proc/PID/stat: user + system), and resident memory when idle, with the
# launcher's footprint JVM settings (docs/sidecar.md, "Footprint"). Starts a policy engine (not
# measured), creates a join token, then starts a sidecar RUNS times in a row.
#
#   bench/sidecar-footprint.sh [RUNS]           (default 5; needs the CLI built: ./crossgate --help)
#   JAVA_OPTS="..." bench/sidecar-footprint.sh  (extra JVM flags for the sidecars, e.g. an A/B run)
#   FOOTPRINT_IDLE_SECONDS=10                   (how long after ready the idle RSS is read)
#   FOOTPRINT_STATE=fresh                       (every run starts without kept state; default:
#                                                run 1 starts without, later runs are restarts
#                                                with the kept certificate and snapshot)
#   FOOTPRINT_DETAIL=1                          (also: classes loaded, metaspace, heap, via jcmd)
#   FOOTPRINT_DIR=DIR                           (keep per run: NMT summary (the JVM is started with
#                                                -XX:NativeMemoryTracking=summary), smaps_rollup,
#                                                smaps (per mapping), per-thread CPU at ready, classes loaded by source,
#                                                and the sidecar's output)
#
# "wall" counts from the launcher's start (so it includes the launcher script), "CPU" is the
# sidecar JVM's own; on a loaded machine wall is mostly waiting for a core, CPU is not.
set -euo pipefail

home="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BENCH_TAG=sidecar-footprint
# cleanup of `pids` and `work` on exit, free_port, now_ms, cpu_ms
source "$home/bench/lib.sh"
runs="${1:-5}"
idle="${FOOTPRINT_IDLE_SECONDS:-10}"
work="$(mktemp -d)"
ticks="$(getconf CLK_TCK)"

api=$(free_port); dist=$(free_port)
CROSSGATE_NO_BUILD=1 "$home/crossgate" policy-engine --data-dir "$work/engine" \
  --api-port "$api" --distribution-port "$dist" >"$work/engine.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 600); do
  curl -sf "http://127.0.0.1:$api/api/v1/schemas" >/dev/null 2>&1 && break
  sleep 0.1
done
[ -f "$work/engine/tokens/admin.token" ] || { echo "the engine did not start; log:"; cat "$work/engine.log"; exit 1; }
admin_token="$(cat "$work/engine/tokens/admin.token")"
join_token="$(CROSSGATE_NO_BUILD=1 "$home/crossgate" token create --server "http://127.0.0.1:$api" \
  --token "$admin_token" --namespace bench --service-account app --ttl 1h 2>"$work/token.err")" || true
[ -n "$join_token" ] || { echo "no join token; crossgate token create said:"; cat "$work/token.err"; exit 1; }

cds="no"
[ -f "$home/cli/target/sidecar.jsa" ] && [ "$home/cli/target/sidecar.jsa" -nt "$home/cli/target/crossgate-sidecar.jar" ] && cds="yes"
echo "Sidecar footprint, $(date -u +%FT%TZ), load average $(cut -d' ' -f1-3 /proc/loadavg), class-data archive: $cds, JAVA_OPTS: ${JAVA_OPTS:-none}"
echo
if [ "${FOOTPRINT_DETAIL:-0}" = 1 ]; then
  echo "| run | kept state | wall to ready (ms) | CPU to ready (ms) | VmRSS idle (MiB) | PSS idle (MiB) | classes | metaspace used (KiB) | heap used / committed (KiB) |"
  echo "|---|---|---:|---:|---:|---:|---:|---:|---:|"
else
  echo "| run | kept state | wall to ready (ms) | CPU to ready (ms) | VmRSS idle (MiB) | PSS idle (MiB) |"
  echo "|---|---|---:|---:|---:|---:|"
fi
keep="${FOOTPRINT_DIR:-}"
[ -z "$keep" ] || mkdir -p "$keep"
for run in $(seq 1 "$runs"); do
  admin=$(free_port)
  start=$(now_ms)
  opts="${JAVA_OPTS:-}"
  [ "${FOOTPRINT_STATE:-}" != fresh ] || rm -rf "$work/state"
  kept=no; [ -d "$work/state/sidecar/bench.app" ] && kept=yes
  [ -z "$keep" ] || opts="$opts -XX:NativeMemoryTracking=summary -Xlog:class+load=info:file=$keep/class-load-$run.log"
  JAVA_OPTS="$opts" CROSSGATE_NO_BUILD=1 "$home/crossgate" sidecar --service app --namespace bench --app-port 9 \
    --control-plane "127.0.0.1:$dist" --join-token "$join_token" --inbound-port 0 \
    --outbound-port 0 --admin-port "$admin" --state-dir "$work/state" >"$work/sidecar-$run.log" 2>&1 &
  sidecar_pid=$!
  pids+=($sidecar_pid)
  ready=""
  for _ in $(seq 1 6000); do
    if curl -sf "http://127.0.0.1:$admin/ready" >/dev/null 2>&1; then
      ready=$(now_ms); cpu=$(cpu_ms "$sidecar_pid")
      if [ -n "$keep" ]; then
        for task in /proc/"$sidecar_pid"/task/*; do
          awk -v t="$ticks" '{ n = $0; sub(/^[^(]*\(/, "", n); sub(/\).*$/, "", n); sub(/^.*\) /, "");
            printf "%6d ms  %s\n", int(($12 + $13) * 1000 / t), n }' "$task/stat"
        done | sort -rn > "$keep/threads-at-ready-$run.txt"
      fi
      break
    fi
    sleep 0.01
  done
  [ -n "$ready" ] || { echo "run $run: not ready; log:"; cat "$work/sidecar-$run.log"; exit 1; }
  sleep "$idle"
  rss_kb=$(awk '/^VmRSS/ {print $2}' "/proc/$sidecar_pid/status")
  pss_kb=$(awk '/^Pss:/ {print $2}' "/proc/$sidecar_pid/smaps_rollup")
  if [ -n "$keep" ]; then
    cp "/proc/$sidecar_pid/smaps_rollup" "$keep/smaps-rollup-$run.txt"
    cp "/proc/$sidecar_pid/smaps" "$keep/smaps-$run.txt"
    jcmd "$sidecar_pid" VM.native_memory summary > "$keep/nmt-$run.txt" 2>&1 || true
    # Classes by where they came from: the archive ("shared objects file") or a jar / the JDK.
    sed -n 's/.* source: \(.*\)/\1/p' "$keep/class-load-$run.log" \
      | sed -e 's|^file:.*/||' -e 's|^jar:file:.*/\([^/!]*\)!.*|\1|' -e 's|^shared objects file.*|(archive)|' \
      | sort | uniq -c | sort -rn > "$keep/classes-by-source-$run.txt"
  fi
  if [ "${FOOTPRINT_DETAIL:-0}" = 1 ]; then
    classes=$(jcmd "$sidecar_pid" VM.classloader_stats 2>/dev/null | awk '/^Total = / {print $4}')
    meta=$(jcmd "$sidecar_pid" GC.heap_info 2>/dev/null | sed -n 's/.*Metaspace *used \([0-9]*\)K.*/\1/p')
    heap=$(jcmd "$sidecar_pid" GC.heap_info 2>/dev/null | awk '/total/ { for (i = 1; i <= NF; i++) { if ($i == "total") t = $(i + 1); if ($i == "used") u = $(i + 1) } ; tt += t + 0; uu += u + 0 } END { print uu "/" tt }')
    echo "| $run | $kept | $((ready - start)) | $cpu | $((rss_kb / 1024)) | $((pss_kb / 1024)) | ${classes:-?} | ${meta:-?} | ${heap:-?} |"
  else
    echo "| $run | $kept | $((ready - start)) | $cpu | $((rss_kb / 1024)) | $((pss_kb / 1024)) |"
  fi
  curl -sf -X POST "http://127.0.0.1:$admin/shutdown" >/dev/null || true
  wait "$sidecar_pid" || true
  unset 'pids[-1]'
  [ -z "$keep" ] || cp "$work/sidecar-$run.log" "$keep/sidecar-$run.log"
done
