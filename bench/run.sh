#!/usr/bin/env bash
# The load harness: Crossgate side by side with nginx and haproxy, one command.
#
#   bench/run.sh proxy    backend direct, Crossgate, nginx, haproxy: HTTP/1.1 saturation and
#                         fixed rate, h2c, 1 MB bodies; writes bench/results/<date>-proxy.md
#   bench/run.sh soak     Crossgate alone at a fixed rate for 10 minutes, RSS every 10 s;
#                         writes bench/results/<date>-soak.md
#   bench/run.sh smoke    starts everything, checks each target answers, stops (no load)
#   bench/run.sh policy   Crossgate with no policy beside Crossgate with RS256 JWT + one
#                         RoleBinding + one CEL AuthorizationPolicy + a local rate limit,
#                         interleaved round pairs (5 by default): saturation and fixed-rate p99
#                         (~5 min); writes bench/results/<date>-policy-overhead.md
#   bench/run.sh policy-jmh  the JWT-verification and CEL JMH benchmarks (AuthnAuthzBenchmark)
#   bench/run.sh propagation [routes=1000] [subscribers=100] [changes=200] [churn=1000] [rps=1000]
#                         the policy engine's propagation and churn bench (bench/propagation.sh)
#   bench/run.sh sidecar  two sidecars and a backend: start to ready, idle RSS, RSS/CPU at 1,000 req/s
#                         with mTLS, added p99 of a full mesh hop (bench/sidecar.sh, ~4 min);
#                         writes bench/results/<date>-sidecar-bench.md
#   bench/run.sh waf      Crossgate + OWASP CRS vs nginx + ModSecurity + CRS (bench/waf.sh);
#                         writes bench/results/<date>-waf.md
#
# Installs wrk, nginx, haproxy and nghttp2-client (h2load) from Debian when missing (needs root).
# Every server runs under this script and is stopped on exit; traffic goes to 127.0.0.1 only.
# Knobs (environment, defaults in brackets):
#   BENCH_PROXY_CPU [0]  core for the proxy under test
#   BENCH_LOAD_CPU [1]   core for the load generator and the backend
#   BENCH_SAT_SECONDS [10] BENCH_ROUNDS [3]   saturation point length, rounds (median reported)
#   BENCH_RATE_SECONDS [10] BENCH_RATE [1000] BENCH_RATE_ROUNDS [3]  fixed-rate points
#   BENCH_CONNECTIONS [64]  connections at saturation (HTTP/1.1)
#   BENCH_WARMUP_SECONDS [30]  untimed warm-up of each proxy before its first point
#                        (the JVM needs ~30 s on one core for C2 to finish the hot path)
#   BENCH_SOAK_SECONDS [600] BENCH_SOAK_SAMPLE [10]
#   BENCH_PORT_BASE [18080]  ports BASE..BASE+10 on 127.0.0.1
#   BENCH_KEEP=1  keep the temp dir (configs, logs, h2load request logs)
#   BENCH_OUT     report path (default bench/results/<YYYY-MM-DD>-<mode>.md)
#   JAVA_OPTS     JVM flags for Crossgate
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
mode="${1:-}"
if [ "$mode" = propagation ]; then  # the control plane's bench: see propagation.sh
  shift
  exec "$here/propagation.sh" "$@"
fi
case "$mode" in
  proxy|soak|smoke|policy|policy-jmh) ;;
  waf) exec "$here/waf.sh" ;;   # Crossgate + CRS vs nginx + ModSecurity + CRS; see bench/waf.sh
  sidecar) exec "$here/sidecar.sh" ;;   # footprint and mesh hop; see bench/sidecar.sh
  *) sed -n '2,35p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac

PROXY_CPU="${BENCH_PROXY_CPU:-0}"
LOAD_CPU="${BENCH_LOAD_CPU:-1}"
SAT_SECONDS="${BENCH_SAT_SECONDS:-10}"
ROUNDS="${BENCH_ROUNDS:-3}"
RATE_SECONDS="${BENCH_RATE_SECONDS:-10}"
RATE="${BENCH_RATE:-1000}"
RATE_CLIENTS=10
CONNS="${BENCH_CONNECTIONS:-64}"
H2_CLIENTS=8
H2_STREAMS=8
BIG_CONNS=8
WARMUP="${BENCH_WARMUP_SECONDS:-30}"
SOAK_SECONDS="${BENCH_SOAK_SECONDS:-600}"
SOAK_SAMPLE="${BENCH_SOAK_SAMPLE:-10}"
base="${BENCH_PORT_BASE:-18080}"
BACKEND_PORT=$base
BACKEND_H2C_PORT=$((base + 1))
CROSSGATE_PORT=$((base + 2))
CROSSGATE_ADMIN_PORT=$((base + 3))
NGINX_PORT=$((base + 4))
NGINX_H2C_PORT=$((base + 5))
HAPROXY_PORT=$((base + 6))
BACKEND_X_PORT=$((base + 7))      # the same backend on the proxy core: the cross-core floor
BACKEND_X_H2C_PORT=$((base + 8))
POLICY_PORT=$((base + 9))         # bench/run.sh policy: the gateway with the policy set
POLICY_ADMIN_PORT=$((base + 10))
TODAY="$(date +%F)"
report_name="$mode"; [ "$mode" = policy ] && report_name=policy-overhead
OUT="${BENCH_OUT:-$here/results/$TODAY-$report_name.md}"

BENCH_TAG=bench
source "$here/lib.sh"

# ---------------------------------------------------------------- tools
install_tools() {
  local missing=()
  command -v wrk >/dev/null || missing+=(wrk)
  command -v nginx >/dev/null || missing+=(nginx)
  command -v haproxy >/dev/null || missing+=(haproxy)
  command -v h2load >/dev/null || missing+=(nghttp2-client)
  command -v taskset >/dev/null || missing+=(util-linux)
  command -v curl >/dev/null || missing+=(curl)
  install_missing ${missing[@]+"${missing[@]}"}
  [ "$(nproc)" -ge 2 ] || log "warning: fewer than 2 cores; proxy and load generator share one"
}

# ---------------------------------------------------------------- processes

render() { # template output name
  sed -e "s|@DIR@|$work|g" -e "s|@NAME@|$3|g" -e "s|@BACKEND_PORT@|$BACKEND_PORT|g" \
      -e "s|@BACKEND_H2C_PORT@|$BACKEND_H2C_PORT|g" -e "s|@CROSSGATE_PORT@|$CROSSGATE_PORT|g" \
      -e "s|@NGINX_PORT@|$NGINX_PORT|g" -e "s|@NGINX_H2C_PORT@|$NGINX_H2C_PORT|g" \
      -e "s|@HAPROXY_PORT@|$HAPROXY_PORT|g" -e "s|@BODY_1K@|$body_1k|g" "$1" > "$2"
}



declare -A target_pid
start_backend() {
  taskset -c "$LOAD_CPU" nginx -p "$work/" -c "$work/nginx-backend.conf" -g 'daemon off;' \
    > "$work/nginx-backend.out" 2>&1 &
  pids+=($!); target_pid[direct]=$!
  wait_http "http://127.0.0.1:$BACKEND_PORT/" 10 backend
}
start_backend_x() { # the same backend, pinned where the proxies run
  taskset -c "$PROXY_CPU" nginx -p "$work/" -c "$work/nginx-backend-x.conf" -g 'daemon off;' \
    > "$work/nginx-backend-x.out" 2>&1 &
  pids+=($!); target_pid[direct-x]=$!
  wait_http "http://127.0.0.1:$BACKEND_X_PORT/" 10 backend-x
}
start_crossgate() {
  # JAVA_OPTS passes through the launcher; the JVM sees one CPU (ergonomics follow).
  CROSSGATE_NO_BUILD=1 taskset -c "$PROXY_CPU" "$root/crossgate" gateway \
    --config "$work/crossgate.yaml" --port "$CROSSGATE_PORT" \
    --admin-port "$CROSSGATE_ADMIN_PORT" --access-log off --event-loops 1 \
    --reload-interval 1h > "$work/crossgate.out" 2>&1 &
  pids+=($!); target_pid[crossgate]=$!
  wait_http "http://127.0.0.1:$CROSSGATE_ADMIN_PORT/ready" 60 crossgate
  wait_http "http://127.0.0.1:$CROSSGATE_PORT/" 10 crossgate
}
start_nginx() {
  taskset -c "$PROXY_CPU" nginx -p "$work/" -c "$work/nginx-proxy.conf" -g 'daemon off;' \
    > "$work/nginx-proxy.out" 2>&1 &
  pids+=($!); target_pid[nginx]=$!
  wait_http "http://127.0.0.1:$NGINX_PORT/" 10 nginx
}
start_haproxy() {
  taskset -c "$PROXY_CPU" haproxy -db -f "$work/haproxy.cfg" > "$work/haproxy.out" 2>&1 &
  pids+=($!); target_pid[haproxy]=$!
  wait_http "http://127.0.0.1:$HAPROXY_PORT/" 10 haproxy
}

prepare() {
  install_tools
  local p
  for p in $BACKEND_PORT $BACKEND_H2C_PORT $CROSSGATE_PORT $CROSSGATE_ADMIN_PORT $NGINX_PORT \
      $NGINX_H2C_PORT $HAPROXY_PORT $BACKEND_X_PORT $BACKEND_X_H2C_PORT; do
    port_free "$p" || die "port $p on 127.0.0.1 is in use (set BENCH_PORT_BASE)"
  done
  # Build the CLI unpinned if needed, before anything is measured.
  "$root/crossgate" --version >/dev/null
  work="$(mktemp -d /tmp/crossgate-bench.XXXXXX)"
  chmod 755 "$work"
  mkdir -p "$work/www"
  head -c 1048576 /dev/zero | tr '\0' 'x' > "$work/www/1m"
  # gRPC unary: a length-prefixed message (flag 0, 4-byte length 102) holding protobuf field 1
  # (bytes) of 100 'a's, as request body and as the backend's reply.
  { printf '\000\000\000\000\146\012\144'; head -c 100 /dev/zero | tr '\0' 'a'; } > "$work/grpc-req.bin"
  cp "$work/grpc-req.bin" "$work/www/grpc-reply"
  body_1k="$(head -c 1023 /dev/zero | tr '\0' 'a')"   # + the newline below = 1,024 bytes
  body_1k="$body_1k\\n"
  local t
  for t in nginx-backend.conf nginx-proxy.conf haproxy.cfg crossgate.yaml; do
    render "$here/load/$t.tmpl" "$work/$t" "${t%%.*}"
  done
  (BACKEND_PORT=$BACKEND_X_PORT BACKEND_H2C_PORT=$BACKEND_X_H2C_PORT
   render "$here/load/nginx-backend.conf.tmpl" "$work/nginx-backend-x.conf" nginx-backend-x)
}

declare -A url_h1 url_h2c
url_h1=([direct]="http://127.0.0.1:$BACKEND_PORT" [direct-x]="http://127.0.0.1:$BACKEND_X_PORT"
        [crossgate]="http://127.0.0.1:$CROSSGATE_PORT"
        [nginx]="http://127.0.0.1:$NGINX_PORT" [haproxy]="http://127.0.0.1:$HAPROXY_PORT")
url_h2c=([direct]="http://127.0.0.1:$BACKEND_H2C_PORT" [crossgate]="http://127.0.0.1:$CROSSGATE_PORT"
         [nginx]="http://127.0.0.1:$NGINX_H2C_PORT" [haproxy]="http://127.0.0.1:$HAPROXY_PORT")
TARGETS=(direct crossgate nginx haproxy)
RATE_TARGETS=(direct direct-x crossgate nginx haproxy)
RATE_ROUNDS="${BENCH_RATE_ROUNDS:-3}"

check_targets() {
  local t size
  for t in "${TARGETS[@]}"; do
    size="$(curl -fsS "${url_h1[$t]}/" | wc -c)"
    [ "$size" = 1024 ] || die "$t: / returned $size bytes (expected: 1024)"
    size="$(curl -fsS "${url_h1[$t]}/1m" | wc -c)"
    [ "$size" = 1048576 ] || die "$t: /1m returned $size bytes (expected: 1048576)"
  done
  log "every target serves 1 KB on / and 1 MB on /1m"
  local try
  for t in "${TARGETS[@]}"; do
    for try in 1 2 3; do
      size="$(grpc_call "${url_h2c[$t]}" 2>>"$work/grpc-check.err" | wc -c)"
      [ "$size" = 107 ] && break
    done
    [ "$size" = 107 ] || log "warning: $t: gRPC ${GRPC_PATH} returned $size bytes (expected: 107; $(tail -1 "$work/grpc-check.err"))"
  done
}

GRPC_PATH=/bench.Echo/Unary
grpc_call() { # base-url: one unary call over h2c, the reply body on stdout
  curl -fsS --http2-prior-knowledge -X POST -H 'content-type: application/grpc' \
    -H 'te: trailers' --data-binary "@$work/grpc-req.bin" "$1$GRPC_PATH"
}
grpc_args=() # h2load arguments of a gRPC unary call, once $work exists
set_grpc_args() {
  grpc_args=(-d "$work/grpc-req.bin" -H 'content-type: application/grpc' -H 'te: trailers')
}

# ---------------------------------------------------------------- measuring
rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }
tree_pids() { echo "$1"; pgrep -P "$1" || true; }
cpu_ticks() { # total utime+stime of a process and its children (nginx workers)
  local sum=0 p t
  for p in $(tree_pids "$1"); do
    t="$(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || echo 0)"
    sum=$((sum + t))
  done
  echo $sum
}
core_busy() { # prints "busy total" jiffies of one core
  awk -v c="cpu$1" '$1 == c {b = $2 + $3 + $4 + $7 + $8 + $9; print b, b + $5 + $6}' /proc/stat
}
HZ="$(getconf CLK_TCK)"

WRK_EXTRA=() # more wrk arguments for every point (headers)
results="" # TSV: scenario round target rps p50_us p99_us p999_us errors proxy_cpu% core_p% core_l% mbps note
commands=""
record_cmd() { commands+="$*"$'\n'; }

# Runs "$@" on the load core while accounting CPU; sets m_cpu m_corep m_corel.
measured() { # target cmd...
  local target="$1"; shift
  local pid="${target_pid[$target]}" c0 c1 p0 l0 p1 l1 t0 t1
  c0="$(cpu_ticks "$pid")"; read -r p0 pt0 <<<"$(core_busy "$PROXY_CPU")"
  read -r l0 lt0 <<<"$(core_busy "$LOAD_CPU")"; t0="$(date +%s%N)"
  taskset -c "$LOAD_CPU" "$@"
  t1="$(date +%s%N)"; c1="$(cpu_ticks "$pid")"; read -r p1 pt1 <<<"$(core_busy "$PROXY_CPU")"
  read -r l1 lt1 <<<"$(core_busy "$LOAD_CPU")"
  m_cpu="$(awk -v d=$((c1 - c0)) -v hz="$HZ" -v ns=$((t1 - t0)) 'BEGIN {printf "%.0f", 100 * d / hz / (ns / 1e9)}')"
  m_corep="$(awk -v b=$((p1 - p0)) -v t=$((pt1 - pt0)) 'BEGIN {printf "%.0f", t ? 100 * b / t : 0}')"
  m_corel="$(awk -v b=$((l1 - l0)) -v t=$((lt1 - lt0)) 'BEGIN {printf "%.0f", t ? 100 * b / t : 0}')"
  case "$target" in direct*) m_cpu="-" ;; esac
}

add_result() { results+="$(IFS=$'\t'; echo "$*")"$'\n'; }

wrk_point() { # scenario round target path conns seconds
  local scenario="$1" round="$2" target="$3" path="$4" conns="$5" secs="$6" out
  local cmd=(wrk -t1 -c"$conns" -d"${secs}s" --timeout 5s -s "$here/load/wrk-summary.lua"
             ${WRK_EXTRA[@]+"${WRK_EXTRA[@]}"} "${url_h1[$target]}$path")
  record_cmd "$scenario/$target: taskset -c $LOAD_CPU ${cmd[*]}"
  out="$(measured "$target" "${cmd[@]}" 2>&1; echo "CPU $m_cpu $m_corep $m_corel")" || true
  local line cpu; line="$(grep '^RESULT' <<<"$out" || true)"; cpu="$(grep '^CPU' <<<"$out")"
  if [ -z "$line" ]; then
    log "$scenario/$target: wrk failed: $out"
    add_result "$scenario" "$round" "$target" 0 0 0 0 "wrk failed" - - - - "wrk failed"
    return
  fi
  eval "$(sed 's/^RESULT //; s/ /;/g' <<<"$line")"
  read -r _ m_cpu m_corep m_corel <<<"$cpu"
  local rps mbps errs
  rps="$(awk -v r="$requests" -v d="$duration_us" 'BEGIN {printf "%.0f", r / (d / 1e6)}')"
  mbps="$(awk -v b="$bytes" -v d="$duration_us" 'BEGIN {printf "%.1f", b / 1048576 / (d / 1e6)}')"
  errs=$((err_connect + err_read + err_write + err_status + err_timeout))
  add_result "$scenario" "$round" "$target" "$rps" "$p50_us" "$p99_us" "$p999_us" "$errs" \
    "$m_cpu" "$m_corep" "$m_corel" "$mbps" ""
  log "$scenario/$target round $round: $rps req/s, p50 ${p50_us} us, p99 ${p99_us} us, p99.9 ${p999_us} us, errors $errs, proxy CPU ${m_cpu}%"
}

# h2load writes one line per request: start (us since epoch), status, duration (us).
h2load_point() { # scenario round target url h2load-args...
  local scenario="$1" round="$2" target="$3" url="$4"; shift 4
  local logf="$work/h2load-$scenario-$target-$round.log" out
  local cmd=(h2load "$@" --log-file "$logf" "$url")
  record_cmd "$scenario/$target: taskset -c $LOAD_CPU ${cmd[*]}"
  out="$(measured "$target" "${cmd[@]}" 2>&1; echo "CPU $m_cpu $m_corep $m_corel")" || true
  local cpu; cpu="$(grep '^CPU' <<<"$out")"; read -r _ m_cpu m_corep m_corel <<<"$cpu"
  local ok failed rps
  ok="$(sed -n 's/^requests: .* \([0-9]*\) succeeded.*/\1/p' <<<"$out")"
  failed="$(sed -n 's/^requests: .* \([0-9]*\) failed, \([0-9]*\) errored, \([0-9]*\) timeout.*/\1 \2 \3/p' <<<"$out")"
  rps="$(sed -n 's/^finished in [0-9.]*s, \([0-9.]*\) req\/s.*/\1/p' <<<"$out")"
  if [ -z "$ok" ] || [ "$ok" = 0 ] || [ ! -s "$logf" ]; then
    local why; why="$(grep -iE 'fail|error|refused|not|h2' <<<"$out" | head -3 | tr '\n' ' ')"
    log "$scenario/$target: no successful request ($why)"
    local note="no successful request: ${why:-see h2load output}"
    [ "$scenario" = h2c-sat ] && note="h2c not supported in this build (no successful request: ${why:-see h2load output})"
    add_result "$scenario" "$round" "$target" 0 0 0 0 "all" "$m_cpu" "$m_corep" "$m_corel" - \
      "$(tr '\t' ' ' <<<"$note")"
    return
  fi
  local errs; errs="$(awk '{s += $1 + $2 + $3} END {print s + 0}' <<<"$failed")"
  local pct; pct="$(awk -F'\t' '$2 >= 200 && $2 < 400 {print $3}' "$logf" | sort -n | awk '
    {a[NR] = $1} END {
      i50 = int(NR * 0.50); if (i50 < 1) i50 = 1
      i99 = int(NR * 0.99); if (i99 < 1) i99 = 1
      i999 = int(NR * 0.999); if (i999 < 1) i999 = 1
      print a[i50], a[i99], a[i999]}')"
  local p50 p99 p999; read -r p50 p99 p999 <<<"$pct"
  rps="$(printf '%.0f' "$rps")"
  add_result "$scenario" "$round" "$target" "$rps" "$p50" "$p99" "$p999" "$errs" \
    "$m_cpu" "$m_corep" "$m_corel" - ""
  log "$scenario/$target: $rps req/s, p50 $p50 us, p99 $p99 us, p99.9 $p999 us, errors $errs, proxy CPU ${m_cpu}%"
}

warm_up() { # target
  [ "$1" = direct ] && return 0
  log "warming up $1 (${WARMUP}s HTTP/1.1, 3s h2c, 3s 1 MB; not measured)"
  taskset -c "$LOAD_CPU" wrk -t1 -c"$CONNS" -d"${WARMUP}s" "${url_h1[$1]}/" >/dev/null 2>&1 || true
  taskset -c "$LOAD_CPU" h2load -c"$H2_CLIENTS" -m"$H2_STREAMS" -D3 "${url_h2c[$1]}/" >/dev/null 2>&1 || true
  taskset -c "$LOAD_CPU" wrk -t1 -c"$BIG_CONNS" -d3s "${url_h1[$1]}/1m" >/dev/null 2>&1 || true
}

# ---------------------------------------------------------------- report
fmt_ms() { awk -v u="$1" 'BEGIN {if (u == "" || u == "-") print "-"; else printf "%.2f", u / 1000}'; }

machine_section() {
  local cpu; cpu="$(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -1)"
  [ -n "$cpu" ] || cpu="$(sed -n 's/^model name\t*: //p' /proc/cpuinfo | head -1)"
  echo "## Machine"
  echo
  echo "| | |"
  echo "|---|---|"
  echo "| cores (nproc) | $(nproc) |"
  echo "| CPU | $cpu |"
  echo "| memory | $(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo) |"
  echo "| kernel | $(uname -sr) |"
  echo "| java | $(java -version 2>&1 | sed -n 2p) |"
  echo "| JVM ergonomics on 1 core | \`$(taskset -c "$PROXY_CPU" java ${JAVA_OPTS:-} -XX:+PrintCommandLineFlags -version 2>&1 | head -1 | tr -s ' ' | sed 's/ *$//')\` |"
  echo "| JAVA_OPTS | \`${JAVA_OPTS:-(none)}\` |"
  echo "| nginx | $(nginx -v 2>&1 | sed 's/^nginx version: //') |"
  echo "| haproxy | $(haproxy -v 2>&1 | head -1 | awk '{print $3}') |"
  echo "| wrk | $(wrk --version 2>&1 | head -1 | awk '{print $2}') |"
  echo "| h2load | $(h2load --version 2>&1 | head -1 | awk '{print $2}') |"
  echo "| Crossgate | $(git -C "$root" rev-parse --short HEAD) on \`$(git -C "$root" rev-parse --abbrev-ref HEAD)\`$(git -C "$root" diff --quiet HEAD -- . ':!bench' || echo ' (with local changes)') |"
  echo "| load average at start / end | $load_start / $(cut -d' ' -f1-3 /proc/loadavg) |"
  echo
}

# One summary line per target for a scenario: the median round by req/s.
# Prints: rps p50 p99 p999 errors cpu core_p core_l mbps note rounds(a/b/c)
pick() { # scenario target; the median round by req/s (by p99 for the fixed-rate scenario)
  local key=4; [ "$1" = h1-rate ] && key=6
  printf '%s' "$results" | awk -F'\t' -v s="$1" -v t="$2" -v k="$key" '
    $1 == s && $3 == t {n++; rps[n] = $k; line[n] = $0}
    END {
      if (n == 0) {print "-\t-\t-\t-\t-\t-\t-\t-\t-\tnot run\t-"; exit}
      for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++)
        if (rps[j] + 0 < rps[i] + 0) {x = rps[i]; rps[i] = rps[j]; rps[j] = x; y = line[i]; line[i] = line[j]; line[j] = y}
      m = int((n + 1) / 2); split(line[m], f, "\t")
      r = ""; for (i = 1; i <= n; i++) r = r (i > 1 ? " / " : "") rps[i]
      printf "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", f[4], f[5], f[6], f[7], f[8], f[9], f[10], f[11], f[12], (f[13] == "" ? "-" : f[13]), r}'
}
best() { # scenario target column(6 = p99, 5 = p50): the lowest over rounds, the least disturbed
  printf '%s' "$results" | awk -F'\t' -v s="$1" -v t="$2" -v k="$3" '
    $1 == s && $3 == t && $k + 0 > 0 {if (m == "" || $k + 0 < m) m = $k + 0} END {print (m == "" ? "-" : m)}'
}
median_of() { # scenario target column
  printf '%s' "$results" | awk -F'\t' -v s="$1" -v t="$2" -v k="$3" '
    $1 == s && $3 == t && $k + 0 > 0 {n++; v[n] = $k + 0}
    END {if (n == 0) {print "-"; exit}
      for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (v[j] < v[i]) {x = v[i]; v[i] = v[j]; v[j] = x}
      print v[int((n + 1) / 2)]}'
}
p99_rounds() { # scenario target: each round's p99 in ms, in run order
  printf '%s' "$results" | awk -F'\t' -v s="$1" -v t="$2" '
    $1 == s && $3 == t {r = r (r == "" ? "" : " / ") sprintf("%.2f", $6 / 1000)} END {print r}'
}
# Requests per CPU-second of the proxy itself: req/s divided by the share of a core it used.
per_cpu() { awk -v r="$1" -v c="$2" 'BEGIN {if (c + 0 > 0 && r + 0 > 0) printf "%.0f", r / (c / 100); else print "-"}'; }
# Median over rounds of req/s per proxy CPU-second.
eff_median() { # scenario target
  printf '%s' "$results" | awk -F'\t' -v s="$1" -v t="$2" '
    $1 == s && $3 == t && $9 + 0 > 0 && $4 + 0 > 0 {n++; e[n] = $4 / ($9 / 100)}
    END {
      if (n == 0) {print "-"; exit}
      for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (e[j] < e[i]) {x = e[i]; e[i] = e[j]; e[j] = x}
      printf "%.0f\n", e[int((n + 1) / 2)]}'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {if (a + 0 > 0 && b + 0 > 0) printf "%.2f×", a / b; else print "-"}'; }
delta_ms() { awk -v a="$1" -v b="$2" 'BEGIN {if (a != "-" && b != "-" && a != "" && b != "") printf "%+.2f", (a - b) / 1000; else print "-"}'; }

throughput_table() { # scenario with-mbps
  local t v rps p50 p99 p999 errs cpu cp cl mbps note rounds nrps hrps drps
  local ncpu
  IFS=$'\t' read -r nrps _ _ _ _ ncpu _ <<<"$(pick "$1" nginx)"
  IFS=$'\t' read -r hrps _ <<<"$(pick "$1" haproxy)"
  IFS=$'\t' read -r drps _ <<<"$(pick "$1" direct)"
  if [ "$2" = yes ]; then
    echo "| target | req/s | MiB/s | × nginx | × haproxy | × direct | p50 ms | p99 ms | p99.9 ms | errors | proxy CPU | req per proxy CPU-s | × nginx | core $PROXY_CPU busy | core $LOAD_CPU busy |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
  else
    echo "| target | req/s | rounds (req/s) | × nginx | × haproxy | × direct | p50 ms | p99 ms | p99.9 ms | errors | proxy CPU | req per proxy CPU-s | × nginx | core $PROXY_CPU busy | core $LOAD_CPU busy |"
    echo "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
  fi
  for t in "${TARGETS[@]}"; do
    IFS=$'\t' read -r rps p50 p99 p999 errs cpu cp cl mbps note rounds <<<"$(pick "$1" "$t")"
    if [ -n "$note" ] && [ "$note" != "-" ]; then
      echo "| $t | not measured: ${note//|/\\|} |"
      continue
    fi
    v="$rounds"; [ "$2" = yes ] && v="$mbps"
    echo "| $t | $rps | $v | $(ratio "$rps" "$nrps") | $(ratio "$rps" "$hrps") | $(ratio "$rps" "$drps") | $(fmt_ms "$p50") | $(fmt_ms "$p99") | $(fmt_ms "$p999") | $errs | ${cpu}% | $(per_cpu "$rps" "$cpu") | $(ratio "$(per_cpu "$rps" "$cpu")" "$(per_cpu "$nrps" "$ncpu")") | ${cp}% | ${cl}% |"
  done
  echo
}

rate_table() {
  local t rps p50 p99 p999 errs cpu cp cl mbps note rounds d50 d99 d999 x99 n50 n99
  IFS=$'\t' read -r _ d50 d99 d999 _ <<<"$(pick h1-rate direct)"
  IFS=$'\t' read -r _ _ x99 _ <<<"$(pick h1-rate direct-x)"
  IFS=$'\t' read -r _ n50 n99 _ <<<"$(pick h1-rate nginx)"
  echo "| target | achieved req/s | p99 rounds ms | p50 ms | p99 ms | p99.9 ms | added p50 ms | added p99 ms | added p99.9 ms | p99 over direct-x ms | p50 / p99 over nginx ms | errors | proxy CPU | core $PROXY_CPU busy | core $LOAD_CPU busy |"
  echo "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
  for t in "${RATE_TARGETS[@]}"; do
    IFS=$'\t' read -r rps p50 p99 p999 errs cpu cp cl mbps note rounds <<<"$(pick h1-rate "$t")"
    if [ -n "$note" ] && [ "$note" != "-" ]; then echo "| $t | – | $note |"; continue; fi
    echo "| $t | $rps | $(p99_rounds h1-rate "$t") | $(fmt_ms "$p50") | $(fmt_ms "$p99") | $(fmt_ms "$p999") | $(delta_ms "$p50" "$d50") | $(delta_ms "$p99" "$d99") | $(delta_ms "$p999" "$d999") | $(delta_ms "$p99" "$x99") | $(delta_ms "$p50" "$n50") / $(delta_ms "$p99" "$n99") | $errs | ${cpu}% | ${cp}% | ${cl}% |"
  done
  echo
}

goals_section() {
  local c n h d cr dr verdict
  IFS=$'\t' read -r c _ <<<"$(pick h1-sat crossgate)"
  IFS=$'\t' read -r n _ <<<"$(pick h1-sat nginx)"
  IFS=$'\t' read -r h _ <<<"$(pick h1-sat haproxy)"
  IFS=$'\t' read -r _ _ cr _ <<<"$(pick h1-rate crossgate)"
  IFS=$'\t' read -r _ _ dr _ <<<"$(pick h1-rate direct)"
  met() { awk -v v="$1" -v goal="$2" -v dir="$3" 'BEGIN {
    if (v == "-" || v == "") print "not measured"
    else if ((dir == "ge" && v + 0 >= goal) || (dir == "le" && v + 0 <= goal)) print "**met**"
    else print "**not met**"}'; }
  local rn rh added
  rn="$(awk -v a="$c" -v b="$n" 'BEGIN {if (a + 0 > 0 && b + 0 > 0) printf "%.2f", a / b; else print "-"}')"
  rh="$(awk -v a="$c" -v b="$h" 'BEGIN {if (a + 0 > 0 && b + 0 > 0) printf "%.2f", a / b; else print "-"}')"
  added="$(awk -v a="$cr" -v b="$dr" 'BEGIN {if (a != "-" && b != "-" && a != "" && b != "") printf "%.2f", (a - b) / 1000; else print "-"}')"
  echo "## Goals (issue 3)"
  echo
  echo "| goal | measured | verdict |"
  echo "|---|---|---|"
  echo "| saturation, HTTP/1.1 1 KB, one core: ≥ 1.0× nginx | $c vs $n req/s = ${rn}× | $(met "$rn" 1.0 ge) |"
  echo "| saturation, HTTP/1.1 1 KB, one core: ≥ 1.0× haproxy | $c vs $h req/s = ${rh}× | $(met "$rh" 1.0 ge) |"
  local ec en eh
  ec="$(eff_median h1-sat crossgate)"; en="$(eff_median h1-sat nginx)"; eh="$(eff_median h1-sat haproxy)"
  echo "| same, per CPU-second the proxy actually got (median over rounds): vs nginx | $ec vs $en req/CPU-s = $(ratio "$ec" "$en") | $(met "$(awk -v a="$ec" -v b="$en" 'BEGIN {if (a + 0 > 0 && b + 0 > 0) printf "%.2f", a / b; else print "-"}')" 1.0 ge) |"
  echo "| same, per CPU-second: vs haproxy | $ec vs $eh req/CPU-s = $(ratio "$ec" "$eh") | $(met "$(awk -v a="$ec" -v b="$eh" 'BEGIN {if (a + 0 > 0 && b + 0 > 0) printf "%.2f", a / b; else print "-"}')" 1.0 ge) |"
  # Tail latency on a shared machine is mostly other processes' scheduling: compare each
  # target's best round (least disturbed), and show the medians and p50 beside it.
  local bc bd bx bn mc md pc pd pn
  bc="$(best h1-rate crossgate 6)"; bd="$(best h1-rate direct 6)"
  bx="$(best h1-rate direct-x 6)"; bn="$(best h1-rate nginx 6)"
  mc="$(median_of h1-rate crossgate 6)"; md="$(median_of h1-rate direct 6)"
  pc="$(median_of h1-rate crossgate 5)"; pd="$(median_of h1-rate direct 5)"; pn="$(median_of h1-rate nginx 5)"
  added="$(awk -v a="$bc" -v b="$bd" 'BEGIN {if (a + 0 > 0 && b + 0 > 0) printf "%.2f", (a - b) / 1000; else print "-"}')"
  echo "| added p99 at $RATE req/s ≤ 0.5 ms over direct (best of $RATE_ROUNDS rounds each) | $(fmt_ms "$bc") − $(fmt_ms "$bd") ms = ${added} ms | $(met "$added" 0.5 le) |"
  echo "| context: the same with median rounds | $(fmt_ms "$mc") − $(fmt_ms "$md") ms = $(delta_ms "$mc" "$md") ms | – |"
  echo "| context: added p50 over direct (median of rounds) | $(fmt_ms "$pc") − $(fmt_ms "$pd") ms = $(delta_ms "$pc" "$pd") ms | – |"
  echo "| context: p99 over the cross-core floor (direct-x, best rounds) | $(fmt_ms "$bc") − $(fmt_ms "$bx") ms = $(delta_ms "$bc" "$bx") ms | – |"
  echo "| context: over nginx at the same rate: p50 (median) / p99 (best) | $(delta_ms "$pc" "$pn") / $(delta_ms "$bc" "$bn") ms | – |"
  echo "| RSS flat over a 10-minute soak at $RATE req/s | see \`bench/run.sh soak\` | – |"
  echo
}

write_proxy_report() {
  mkdir -p "$(dirname "$OUT")"
  {
    echo "# Proxy benchmark, $TODAY"
    echo
    echo "Written by \`bench/run.sh proxy\` (see [bench/README.md](../README.md) for how to read it)."
    echo "Same route everywhere: \`GET /\` answered by one nginx backend with a fixed 1,024-byte body"
    echo "(\`GET /1m\`: a 1 MiB file), keep-alive on both sides, everything on 127.0.0.1."
    echo
    echo "**Pinning.** The proxy under test runs alone on core $PROXY_CPU (\`taskset -c $PROXY_CPU\`; for"
    echo "Crossgate that is the whole JVM: event loop, GC and JIT threads). The load generator and the"
    echo "backend share core $LOAD_CPU — this machine has $(nproc) cores, so they cannot have one each."
    echo "\"direct\" is the load generator straight to the backend, both on core $LOAD_CPU, so its"
    echo "saturation figure is bounded by that shared core, not by the backend alone."
    echo
    echo "**Noise.** Other engineers' builds and tests ran on the same $(nproc) cores during this run"
    echo "(load average $load_start at the start). \"core busy\" columns are the whole core's"
    echo "utilisation from /proc/stat during the point, whoever used it; \"proxy CPU\" is the proxy's own"
    echo "CPU time (process and children) over the point. A proxy CPU well under 100% at saturation"
    echo "means the proxy was starved or the load generator was the bottleneck. Treat differences"
    echo "under ~10% as noise; compare runs on the same machine only."
    echo
    goals_section
    echo "## HTTP/1.1 keep-alive, 1 KB, saturation"
    echo
    echo "wrk, 1 thread, $CONNS connections, ${SAT_SECONDS} s per point, $ROUNDS rounds interleaved over the"
    echo "targets (direct, crossgate, nginx, haproxy, then again); the median round by req/s is shown."
    echo "wrk's latencies at saturation are closed-loop (queueing included)."
    echo
    throughput_table h1-sat no
    echo "## HTTP/1.1 keep-alive, 1 KB, fixed rate $RATE req/s"
    echo
    echo "h2load \`--h1\`, $RATE_CLIENTS connections × $((RATE / RATE_CLIENTS)) req/s (\`--rps\`), ${RATE_SECONDS} s after 2 s"
    echo "warm-up, $RATE_ROUNDS rounds interleaved over the targets; the round with the median p99 is shown"
    echo "(each round's p99 in the third column). Percentiles come from h2load's per-request log"
    echo "(successful responses only). \"added\" is over \"direct\", where the load generator and the"
    echo "backend share core $LOAD_CPU, so no request crosses cores. Every proxied request crosses cores"
    echo "four times, and on this VM a wake-up on the other core is not free: \"direct-x\" is the same"
    echo "backend pinned to the proxy core (core $PROXY_CPU), the cross-core floor with no proxy at all."
    echo "Debian has no wrk2, and wrk cannot hold a fixed rate. h2load measures from when it sends"
    echo "a request, so a stalled connection delays later sends (no coordinated-omission correction)."
    echo
    rate_table
    echo "## HTTP/2 h2c (prior knowledge), 1 KB, saturation"
    echo
    echo "h2load, $H2_CLIENTS connections × $H2_STREAMS concurrent streams, ${SAT_SECONDS} s after 2 s warm-up."
    echo "Backends are HTTP/1.1 for every proxy (h2c from the client, HTTP/1.1 upstream); \"direct\" is"
    echo "the nginx backend's own h2c port. nginx 1.22 serves h2c on a separate port; haproxy and"
    echo "Crossgate detect the HTTP/2 preface on their HTTP/1.1 port."
    echo
    throughput_table h2c-sat no
    echo "## gRPC unary over h2c, saturation"
    echo
    echo "h2load, $H2_CLIENTS connections × $H2_STREAMS concurrent streams, ${SAT_SECONDS} s after 2 s warm-up"
    echo "(and a 3 s unmeasured warm-up before), each request \`POST $GRPC_PATH\` with"
    echo "\`content-type: application/grpc\`, \`te: trailers\` and one 102-byte length-prefixed message; the"
    echo "backend (nginx, h2c) answers one 102-byte message and \`grpc-status: 0\` in the trailers."
    echo "Upstream is HTTP/2 for every proxy: Crossgate a \`protocol: GRPC\` Service behind a GRPCRoute,"
    echo "nginx \`grpc_pass\`, haproxy \`proto h2\`. h2load counts HTTP statuses, not \`grpc-status\`;"
    echo "the run checks one call per target before measuring."
    echo
    throughput_table grpc-unary no
    echo "## HTTP/1.1, 1 MiB responses, saturation"
    echo
    echo "wrk, 1 thread, $BIG_CONNS connections, ${SAT_SECONDS} s. nginx proxies with"
    echo "\`proxy_max_temp_file_size 0\` (memory buffers only, no temp file)."
    echo
    throughput_table big yes
    echo "## Crossgate memory (VmRSS)"
    echo
    echo "| when | VmRSS |"
    echo "|---|---:|"
    echo "$rss_rows"
    echo
    echo "## Crossgate log"
    echo
    echo "ERROR lines in Crossgate's log over the whole run: ${crossgate_errors:-0}."
    if [ -n "${crossgate_error_kinds:-}" ]; then
      echo "Most frequent (count, first line after ERROR):"
      echo
      echo '```'
      echo "$crossgate_error_kinds"
      echo '```'
    fi
    echo
    echo "## Not measured yet"
    echo
    echo "- The 10-minute RSS soak: \`bench/run.sh soak\` (separate report)."
    echo
    machine_section
    echo "## Exact commands"
    echo
    echo "Run: \`bench/run.sh proxy\`$( [ -n "${JAVA_OPTS:-}" ] && echo " with JAVA_OPTS=\"$JAVA_OPTS\"")."
    echo "Servers (configs rendered from \`bench/load/*.tmpl\` into a temp dir \$D):"
    echo
    echo '```'
    echo "taskset -c $LOAD_CPU nginx -p \$D/ -c \$D/nginx-backend.conf -g 'daemon off;'   # backend :$BACKEND_PORT (h2c :$BACKEND_H2C_PORT)"
    echo "taskset -c $PROXY_CPU nginx -p \$D/ -c \$D/nginx-backend-x.conf -g 'daemon off;' # direct-x: the backend on the proxy core :$BACKEND_X_PORT"
    echo "taskset -c $PROXY_CPU ./crossgate gateway --config \$D/crossgate.yaml --port $CROSSGATE_PORT --admin-port $CROSSGATE_ADMIN_PORT --access-log off --event-loops 1 --reload-interval 1h"
    echo "taskset -c $PROXY_CPU nginx -p \$D/ -c \$D/nginx-proxy.conf -g 'daemon off;'     # :$NGINX_PORT (h2c :$NGINX_H2C_PORT)"
    echo "taskset -c $PROXY_CPU haproxy -db -f \$D/haproxy.cfg                          # :$HAPROXY_PORT"
    echo '```'
    echo
    echo "Load (in the order run; warm-ups not listed: wrk ${WARMUP} s, h2load 3 s, wrk /1m 3 s per proxy):"
    echo
    echo '```'
    printf '%s' "$commands" | sed "s|$work|\$D|g; s|$here/|bench/|g"
    echo '```'
    echo
    echo "<details><summary>Raw results (TSV)</summary>"
    echo
    echo '```'
    echo "scenario	round	target	rps	p50_us	p99_us	p999_us	errors	proxy_cpu%	core_p%	core_l%	MiB/s	note"
    printf '%s' "$results"
    echo '```'
    echo
    echo "</details>"
  } > "$OUT"
  log "wrote $OUT"
}

rss_rows=""
rss_note() { # label
  local kb; kb="$(rss_kb "${target_pid[crossgate]}")"
  rss_rows+="| $1 | $(awk -v k="$kb" 'BEGIN {printf "%.0f MiB", k / 1024}') |"$'\n'
  log "crossgate VmRSS $1: $kb kB"
}

# ---------------------------------------------------------------- modes
run_proxy() {
  load_start="$(cut -d' ' -f1-3 /proc/loadavg)"
  prepare
  start_backend; start_backend_x; start_crossgate; start_nginx; start_haproxy
  check_targets
  rss_note "after start-up"
  local t r
  for t in "${TARGETS[@]}"; do warm_up "$t"; done
  rss_note "after warm-up"
  for r in $(seq 1 "$ROUNDS"); do
    for t in "${TARGETS[@]}"; do wrk_point h1-sat "$r" "$t" / "$CONNS" "$SAT_SECONDS"; done
  done
  rss_note "after HTTP/1.1 saturation"
  for r in $(seq 1 "$RATE_ROUNDS"); do
    for t in "${RATE_TARGETS[@]}"; do
      h2load_point h1-rate "$r" "$t" "${url_h1[$t]}/" --h1 -c"$RATE_CLIENTS" \
        --rps "$((RATE / RATE_CLIENTS))" -D"$RATE_SECONDS" --warm-up-time 2
    done
  done
  for t in "${TARGETS[@]}"; do
    h2load_point h2c-sat 1 "$t" "${url_h2c[$t]}/" -c"$H2_CLIENTS" -m"$H2_STREAMS" \
      -D"$SAT_SECONDS" --warm-up-time 2
  done
  rss_note "after h2c"
  set_grpc_args
  for t in "${TARGETS[@]}"; do
    taskset -c "$LOAD_CPU" h2load -c"$H2_CLIENTS" -m"$H2_STREAMS" -D3 "${grpc_args[@]}" \
      "${url_h2c[$t]}$GRPC_PATH" >/dev/null 2>&1 || true
    h2load_point grpc-unary 1 "$t" "${url_h2c[$t]}$GRPC_PATH" -c"$H2_CLIENTS" -m"$H2_STREAMS" \
      -D"$SAT_SECONDS" --warm-up-time 2 "${grpc_args[@]}"
  done
  rss_note "after gRPC unary"
  for t in "${TARGETS[@]}"; do wrk_point big 1 "$t" /1m "$BIG_CONNS" "$SAT_SECONDS"; done
  rss_note "after 1 MiB bodies (end)"
  crossgate_errors="$(grep -c ' ERROR ' "$work/crossgate.out" || true)"
  crossgate_error_kinds="$(grep -A1 ' ERROR ' "$work/crossgate.out" | grep -v -e ' ERROR ' -e '^--' \
    | sort | uniq -c | sort -rn | head -3 | sed 's/^ *//')"
  write_proxy_report
}

run_smoke() {
  prepare
  start_backend; start_crossgate; start_nginx; start_haproxy
  check_targets
  local t
  for t in "${TARGETS[@]}"; do
    if taskset -c "$LOAD_CPU" h2load -n 10 "${url_h2c[$t]}/" 2>&1 | grep -q ' 10 succeeded'; then
      log "$t: h2c ok"
    else
      log "$t: h2c not answered"
    fi
  done
}

run_soak() {
  load_start="$(cut -d' ' -f1-3 /proc/loadavg)"
  prepare
  start_backend; start_crossgate
  TARGETS=(crossgate)
  check_targets
  local pid="${target_pid[crossgate]}" rss0 i samples="" logf="$work/h2load-soak.log"
  rss0="$(rss_kb "$pid")"
  warm_up crossgate
  local rssw; rssw="$(rss_kb "$pid")"
  log "soak: ${SOAK_SECONDS}s at $RATE req/s, VmRSS every ${SOAK_SAMPLE}s"
  local cmd=(h2load --h1 -c"$RATE_CLIENTS" --rps "$((RATE / RATE_CLIENTS))" -D"$SOAK_SECONDS"
             --log-file "$logf" "${url_h1[crossgate]}/")
  taskset -c "$LOAD_CPU" "${cmd[@]}" > "$work/h2load-soak.out" 2>&1 &
  local load=$!; pids+=($load)
  local start; start="$(date +%s)"
  while kill -0 "$load" 2>/dev/null; do
    samples+="$(( $(date +%s) - start ))	$(rss_kb "$pid")"$'\n'
    sleep "$SOAK_SAMPLE"
  done
  wait "$load" || true
  samples+="end	$(rss_kb "$pid")"$'\n'
  local out; out="$(cat "$work/h2load-soak.out")"
  local pct; pct="$(awk -F'\t' '$2 >= 200 && $2 < 400 {print $3}' "$logf" | sort -n | awk '
    {a[NR] = $1} END {print NR, a[int(NR * 0.5)], a[int(NR * 0.99)], a[int(NR * 0.999)]}')"
  local n p50 p99 p999; read -r n p50 p99 p999 <<<"$pct"
  mkdir -p "$(dirname "$OUT")"
  {
    echo "# Crossgate soak, $TODAY"
    echo
    echo "Written by \`bench/run.sh soak\`: Crossgate alone (1 event loop, \`taskset -c $PROXY_CPU\`) in front of"
    echo "the nginx 1 KB backend, h2load \`--h1\` at $RATE req/s for ${SOAK_SECONDS} s ($RATE_CLIENTS connections),"
    echo "VmRSS read from /proc/<pid>/status every ${SOAK_SAMPLE} s. Load average at start: $load_start (shared machine)."
    echo
    echo "| | |"
    echo "|---|---|"
    echo "| VmRSS after start-up | $((rss0 / 1024)) MiB |"
    echo "| VmRSS after warm-up | $((rssw / 1024)) MiB |"
    printf '%s' "$samples" | awk -F'\t' 'NR == 1 {f = $2} {l = $2; if ($2 > mx) mx = $2; if (mn == "" || $2 < mn) mn = $2}
      END {printf "| VmRSS first / last sample | %d / %d MiB |\n| VmRSS min / max over the soak | %d / %d MiB |\n", f / 1024, l / 1024, mn / 1024, mx / 1024
           printf "| growth, first to last sample | %+d kB (%+.1f%%) |\n", l - f, 100 * (l - f) / f}'
    echo "| requests succeeded | $n ($(sed -n 's/^requests: //p' <<<"$out")) |"
    echo "| latency p50 / p99 / p99.9 | $(fmt_ms "$p50") / $(fmt_ms "$p99") / $(fmt_ms "$p999") ms |"
    echo
    machine_section
    echo "## Command"
    echo
    echo '```'
    echo "taskset -c $LOAD_CPU ${cmd[*]}" | sed "s|$work|\$D|g"
    echo '```'
    echo
    echo "## Samples (seconds since the load started, VmRSS kB)"
    echo
    echo '```'
    printf '%s' "$samples"
    echo '```'
  } > "$OUT"
  log "wrote $OUT"
}

case "$mode" in
  policy) source "$here/policy.sh"; run_policy ;;
  policy-jmh) source "$here/policy.sh"; run_policy_jmh ;;
  proxy) run_proxy ;;
  soak) run_soak ;;
  smoke) run_smoke ;;
esac
