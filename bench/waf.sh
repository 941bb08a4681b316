#!/usr/bin/env bash
# The WAF bench: Crossgate + OWASP CRS beside nginx + libmodsecurity3 + the same CRS, paranoia
# level 1, block mode, request bodies inspected. Run through bench/run.sh waf.
#
#   bench/run.sh waf     ~5 minutes; writes bench/results/<date>-waf.md
#
# Shapes: a benign GET with 10 query arguments, a benign 10 KB JSON POST. For each: saturation
# throughput (wrk) of crossgate+waf and nginx+modsecurity (and both proxies without a WAF, for
# scale), then a fixed 500 req/s (h2load) through all four: the added p99 of a WAF is its p99
# minus the p99 of the same proxy without it. Every target is checked first: benign requests
# answer 200, a SQL injection in the query and in the JSON body answers 403 from both WAFs.
# Installs wrk, nginx, libnginx-mod-http-modsecurity, modsecurity-crs and nghttp2-client from
# Debian when missing (needs root). Knobs (environment, defaults in brackets):
#   BENCH_CRS [/usr/share/modsecurity-crs]  the CRS both WAFs load (Debian: CRS 3.3.4)
#   BENCH_PROXY_CPU [0] BENCH_LOAD_CPU [1]  cores of the proxies and of load generator + backend
#   BENCH_SAT_SECONDS [10] BENCH_ROUNDS [3] BENCH_CONNECTIONS [32]
#   BENCH_RATE [500] BENCH_RATE_SECONDS [10]
#   BENCH_WARMUP_SECONDS [30]  untimed warm-up of each target (JIT) before measuring
#   BENCH_WAF_JMH [1]  also run the JMH engine bench (WafBenchmark) briefly; 0 skips it
#   BENCH_PORT_BASE [18180]  ports BASE..BASE+5 on 127.0.0.1
#   BENCH_KEEP=1  keep the temp dir;  BENCH_OUT  report path;  JAVA_OPTS  JVM flags for Crossgate
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
CRS="${BENCH_CRS:-/usr/share/modsecurity-crs}"
PROXY_CPU="${BENCH_PROXY_CPU:-0}"
LOAD_CPU="${BENCH_LOAD_CPU:-1}"
SAT_SECONDS="${BENCH_SAT_SECONDS:-10}"
ROUNDS="${BENCH_ROUNDS:-3}"
CONNS="${BENCH_CONNECTIONS:-32}"
RATE="${BENCH_RATE:-500}"
RATE_SECONDS="${BENCH_RATE_SECONDS:-10}"
RATE_CLIENTS=10
WARMUP="${BENCH_WARMUP_SECONDS:-30}"
JMH="${BENCH_WAF_JMH:-1}"
base="${BENCH_PORT_BASE:-18180}"
BACKEND_PORT=$base
CG_PLAIN_PORT=$((base + 1))
CG_WAF_PORT=$((base + 2))
CG_ADMIN_PORT=$((base + 3))
NG_PLAIN_PORT=$((base + 4))
NG_WAF_PORT=$((base + 5))
TODAY="$(date +%F)"
OUT="${BENCH_OUT:-$here/results/$TODAY-waf.md}"

BENCH_TAG=bench-waf
source "$here/lib.sh"

install_tools() {
  local missing=()
  command -v wrk >/dev/null || missing+=(wrk)
  command -v nginx >/dev/null || missing+=(nginx)
  command -v h2load >/dev/null || missing+=(nghttp2-client)
  command -v curl >/dev/null || missing+=(curl)
  [ -f /usr/lib/nginx/modules/ngx_http_modsecurity_module.so ] \
    || missing+=(libnginx-mod-http-modsecurity)
  [ -d /usr/share/modsecurity-crs/rules ] || missing+=(modsecurity-crs)
  install_missing ${missing[@]+"${missing[@]}"}
  [ -d "$CRS/rules" ] || die "$CRS has no rules/ folder (set BENCH_CRS to a CRS folder)"
}

crs_setup() { # the setup file of the CRS folder, as Crossgate's WafPolicy picks it
  local f
  for f in "$CRS/crs-setup.conf" "$CRS/crs-setup.conf.example" /etc/modsecurity/crs/crs-setup.conf; do
    [ -f "$f" ] && { echo "$f"; return; }
  done
  die "no crs-setup.conf for $CRS"
}


render() { # template output name
  sed -e "s|@DIR@|$work|g" -e "s|@NAME@|$3|g" -e "s|@BACKEND_PORT@|$BACKEND_PORT|g" \
      -e "s|@CG_PLAIN_PORT@|$CG_PLAIN_PORT|g" -e "s|@CG_WAF_PORT@|$CG_WAF_PORT|g" \
      -e "s|@NG_PLAIN_PORT@|$NG_PLAIN_PORT|g" -e "s|@NG_WAF_PORT@|$NG_WAF_PORT|g" \
      -e "s|@CRS@|$CRS|g" -e "s|@CRS_SETUP@|$(crs_setup)|g" "$1" > "$2"
}



declare -A url pid_of
TARGETS=(crossgate crossgate-waf nginx nginx-modsec)
url=([crossgate]="http://127.0.0.1:$CG_PLAIN_PORT" [crossgate-waf]="http://127.0.0.1:$CG_WAF_PORT"
     [nginx]="http://127.0.0.1:$NG_PLAIN_PORT" [nginx-modsec]="http://127.0.0.1:$NG_WAF_PORT")

GET_PATH="/shop/items?category=books&sort=price&order=asc&page=2&per_page=20&lang=en&currency=EUR&q=learning+java&min=10&max=60"
UA="Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
ACCEPT="text/html,application/json;q=0.9,*/*;q=0.8"

prepare() {
  install_tools
  local p
  for p in $BACKEND_PORT $CG_PLAIN_PORT $CG_WAF_PORT $CG_ADMIN_PORT $NG_PLAIN_PORT $NG_WAF_PORT; do
    port_free "$p" || die "port $p on 127.0.0.1 is in use (set BENCH_PORT_BASE)"
  done
  "$root/crossgate" --version >/dev/null # builds the CLI if needed, before anything is measured
  work="$(mktemp -d /tmp/crossgate-bench-waf.XXXXXX)"
  chmod 755 "$work"
  render "$here/load/waf-backend.conf.tmpl" "$work/backend.conf" backend
  render "$here/load/waf-nginx.conf.tmpl" "$work/nginx.conf" nginx
  render "$here/load/waf-modsec.conf.tmpl" "$work/modsec.conf" modsec
  render "$here/load/waf-crossgate.yaml.tmpl" "$work/crossgate.yaml" crossgate
  # a benign 10 KB JSON document: an order with items, as an API client would post it
  python3 - "$work/order.json" <<'PY'
import json, sys
items, n = [], 0
while len(json.dumps({"customer": {"id": 4711, "email": "jane.doe@example.com"}, "items": items})) < 10_000:
    items.append({"sku": "SKU-%05d" % n, "name": "Paperback book number %d" % n, "qty": 1 + n % 3,
                  "price": round(4.5 + n * 1.25, 2), "tags": ["books", "paperback"], "gift": n % 2 == 0})
    n += 1
open(sys.argv[1], "w").write(json.dumps({"customer": {"id": 4711, "email": "jane.doe@example.com"}, "items": items}))
PY
  printf '{"customer": {"id": "1%s OR %s1%s=%s1"}, "items": []}' "'" "'" "'" "'" > "$work/attack.json"
}

start_all() {
  taskset -c "$LOAD_CPU" nginx -p "$work/" -c "$work/backend.conf" -g 'daemon off;' \
    > "$work/backend.out" 2>&1 &
  pids+=($!)
  wait_http "http://127.0.0.1:$BACKEND_PORT/" 10 backend any
  taskset -c "$PROXY_CPU" nginx -p "$work/" -c "$work/nginx.conf" -g 'daemon off;' \
    > "$work/nginx.out" 2>&1 &
  pids+=($!); pid_of[nginx]=$!; pid_of[nginx-modsec]=$!
  wait_http "${url[nginx-modsec]}/" 60 nginx-modsec any
  CROSSGATE_NO_BUILD=1 taskset -c "$PROXY_CPU" "$root/crossgate" gateway \
    --config "$work/crossgate.yaml" --admin-port "$CG_ADMIN_PORT" --access-log off \
    --event-loops 1 --reload-interval 1h > "$work/crossgate.out" 2>&1 &
  pids+=($!); pid_of[crossgate]=$!; pid_of[crossgate-waf]=$!
  wait_http "http://127.0.0.1:$CG_ADMIN_PORT/ready" 120 crossgate any
  wait_http "${url[crossgate-waf]}/" 30 crossgate-waf any
}

status_of() { # url [curl args...]
  local u="$1"; shift
  curl -s -o /dev/null -w '%{http_code}' --max-time 30 -H "user-agent: $UA" -H "accept: $ACCEPT" \
    "$@" "$u"
}

check_targets() {
  local t s
  for t in "${TARGETS[@]}"; do
    s="$(status_of "${url[$t]}$GET_PATH")"
    [ "$s" = 200 ] || die "$t: benign GET answered $s (expected: 200)"
    s="$(status_of "${url[$t]}/api/orders" -H 'content-type: application/json' \
      --data-binary "@$work/order.json")"
    [ "$s" = 200 ] || die "$t: benign JSON POST answered $s (expected: 200)"
  done
  for t in crossgate-waf nginx-modsec; do
    s="$(status_of "${url[$t]}/shop/items?id=1%27%20OR%20%271%27%3D%271")"
    [ "$s" = 403 ] || die "$t: SQL injection in the query answered $s (expected: 403; is the WAF on?)"
    s="$(status_of "${url[$t]}/api/orders" -H 'content-type: application/json' \
      --data-binary "@$work/attack.json")"
    [ "$s" = 403 ] || die "$t: SQL injection in a JSON body answered $s (expected: 403)"
  done
  s="$(status_of "${url[crossgate]}/shop/items?id=1%27%20OR%20%271%27%3D%271")"
  [ "$s" = 200 ] || die "crossgate (no WAF): SQL injection answered $s (expected: 200, uninspected)"
  log "checked: benign GET and JSON POST answer 200 everywhere; SQLi answers 403 from both WAFs"
  log "  and passes the two proxies without a WAF"
}

cpu_ticks() { # utime+stime of a process and its children
  local sum=0 p t
  for p in $1 $(pgrep -P "$1" || true); do
    t="$(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || echo 0)"
    sum=$((sum + t))
  done
  echo $sum
}
HZ="$(getconf CLK_TCK)"

results="" # TSV: scenario shape round target rps p50_us p99_us errors non2xx cpu%
add_result() { results+="$(IFS=$'\t'; echo "$*")"$'\n'; }

shape_env() { # shape -> sets the WAF_* variables and the h2load arguments
  case "$1" in
    get10) export WAF_METHOD=GET WAF_PATH="$GET_PATH" WAF_BODY_FILE="" ; h2_args=() ;;
    json10k) export WAF_METHOD=POST WAF_PATH=/api/orders WAF_BODY_FILE="$work/order.json" \
               WAF_CONTENT_TYPE=application/json
             h2_args=(-d "$work/order.json" -H 'content-type: application/json') ;;
  esac
}

sat_point() { # shape round target
  local shape="$1" round="$2" t="$3" out c0 c1 t0 t1
  shape_env "$shape"
  c0="$(cpu_ticks "${pid_of[$t]}")"; t0="$(date +%s%N)"
  out="$(taskset -c "$LOAD_CPU" wrk -t1 -c"$CONNS" -d"${SAT_SECONDS}s" --timeout 10s \
    -s "$here/load/wrk-waf.lua" "${url[$t]}" 2>&1)" || true
  t1="$(date +%s%N)"; c1="$(cpu_ticks "${pid_of[$t]}")"
  local line; line="$(grep '^RESULT' <<<"$out" || true)"
  if [ -z "$line" ]; then
    log "sat/$shape/$t: wrk failed: $out"; add_result sat "$shape" "$round" "$t" 0 0 0 all - -
    return
  fi
  eval "$(sed 's/^RESULT //; s/ /;/g' <<<"$line")"
  local non2xx; non2xx="$(sed -n 's/^ *Non-2xx or 3xx responses: \([0-9]*\).*/\1/p' <<<"$out")"
  local rps cpu errs
  rps="$(awk -v r="$requests" -v d="$duration_us" 'BEGIN {printf "%.0f", r / (d / 1e6)}')"
  cpu="$(awk -v d=$((c1 - c0)) -v hz="$HZ" -v ns=$((t1 - t0)) 'BEGIN {printf "%.0f", 100 * d / hz / (ns / 1e9)}')"
  errs=$((err_connect + err_read + err_write + err_timeout))
  add_result sat "$shape" "$round" "$t" "$rps" "$p50_us" "$p99_us" "$errs" "${non2xx:-0}" "$cpu"
  log "sat/$shape/$t round $round: $rps req/s, p50 $p50_us us, p99 $p99_us us, errors $errs, non-2xx ${non2xx:-0}, proxy CPU $cpu%"
}

rate_point() { # shape target
  local shape="$1" t="$2" logf="$work/h2load-$1-$2.log" out
  shape_env "$shape"
  out="$(taskset -c "$LOAD_CPU" h2load --h1 -c"$RATE_CLIENTS" --rps "$((RATE / RATE_CLIENTS))" \
    -D"$RATE_SECONDS" --warm-up-time 2 -H "user-agent: $UA" -H "accept: $ACCEPT" \
    "${h2_args[@]}" --log-file "$logf" "${url[$t]}$WAF_PATH" 2>&1)" || true
  local ok; ok="$(sed -n 's/^requests: .* \([0-9]*\) succeeded.*/\1/p' <<<"$out")"
  if [ -z "$ok" ] || [ "$ok" = 0 ] || [ ! -s "$logf" ]; then
    log "rate/$shape/$t: no successful request"; add_result rate "$shape" 1 "$t" 0 0 0 all - -
    return
  fi
  local non2xx; non2xx="$(awk -F'\t' '$2 < 200 || $2 >= 300' "$logf" | wc -l)"
  local rps; rps="$(sed -n 's/^finished in [0-9.]*s, \([0-9.]*\) req\/s.*/\1/p' <<<"$out")"
  local pct; pct="$(awk -F'\t' '{print $3}' "$logf" | sort -n | awk '
    {a[NR] = $1} END {i50 = int(NR * 0.50); if (i50 < 1) i50 = 1
      i99 = int(NR * 0.99); if (i99 < 1) i99 = 1; print a[i50], a[i99]}')"
  local p50 p99; read -r p50 p99 <<<"$pct"
  add_result rate "$shape" 1 "$t" "$(printf '%.0f' "$rps")" "$p50" "$p99" 0 "$non2xx" -
  log "rate/$shape/$t: $(printf '%.0f' "$rps") req/s, p50 $p50 us, p99 $p99 us, non-2xx $non2xx"
}

warm_up() { # target
  log "warming up $1 (${WARMUP}s, both shapes; not measured)"
  local half=$(( (WARMUP + 1) / 2 ))
  shape_env get10
  taskset -c "$LOAD_CPU" wrk -t1 -c8 -d"${half}s" -s "$here/load/wrk-waf.lua" "${url[$1]}" >/dev/null 2>&1 || true
  shape_env json10k
  taskset -c "$LOAD_CPU" wrk -t1 -c8 -d"${half}s" -s "$here/load/wrk-waf.lua" "${url[$1]}" >/dev/null 2>&1 || true
}

median() { sort -n | awk '{a[NR] = $1} END {print NR ? a[int((NR + 1) / 2)] : 0}'; }
pick() { # scenario shape target column -> median over rounds
  awk -F'\t' -v s="$1" -v h="$2" -v t="$3" -v c="$4" '$1 == s && $2 == h && $4 == t {print $c}' \
    <<<"$results" | median
}
ms() { awk -v u="$1" 'BEGIN {printf "%.2f", u / 1000}'; }

report() {
  local cpu; cpu="$(sed -n 's/^model name\t*: //p' /proc/cpuinfo | head -1)"
  {
    echo "# WAF: Crossgate + CRS vs nginx + ModSecurity + CRS ($TODAY)"
    echo
    echo "${BENCH_NOTE:-}"
    echo
    echo "Machine: $(nproc) cores ($cpu), load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)."
    echo "CRS: \`$CRS\` ($(grep -rhoE 'OWASP_CRS/[0-9]+\.[0-9]+\.[0-9]+' "$CRS"/rules/*.conf | sort | uniq -c | sort -rn | awk 'NR == 1 {print $2}')), paranoia level 1, block mode, request bodies inspected (128 KiB)."
    echo "nginx $(nginx -v 2>&1 | sed 's/.*nginx\///') with libmodsecurity3 $(dpkg-query -W -f='${Version}' libmodsecurity3 2>/dev/null || echo '?'); Crossgate at $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?') (\`--event-loops 1\`)."
    echo "Proxies on core $PROXY_CPU, load generator and backend on core $LOAD_CPU; one nginx worker."
    echo
    echo "## Saturation throughput (wrk, $CONNS connections, ${SAT_SECONDS}s, median of $ROUNDS rounds)"
    echo
    echo "| shape | target | req/s | p50 ms | p99 ms | errors | non-2xx | proxy CPU |"
    echo "|---|---|---|---|---|---|---|---|"
    local shape t
    for shape in get10 json10k; do
      for t in "${TARGETS[@]}"; do
        echo "| $shape | $t | $(pick sat $shape $t 5) | $(ms "$(pick sat $shape $t 6)") | $(ms "$(pick sat $shape $t 7)") | $(pick sat $shape $t 8) | $(pick sat $shape $t 9) | $(pick sat $shape $t 10)% |"
      done
    done
    echo
    echo "| shape | crossgate+waf / nginx+modsecurity | goal ≥ 2× |"
    echo "|---|---|---|"
    for shape in get10 json10k; do
      local a b; a="$(pick sat $shape crossgate-waf 5)"; b="$(pick sat $shape nginx-modsec 5)"
      local r; r="$(awk -v a="$a" -v b="$b" 'BEGIN {printf "%.2f", b ? a / b : 0}')"
      echo "| $shape | $a / $b = ${r}× | $(awk -v r="$r" 'BEGIN {print (r >= 2 ? "met" : "not met")}') |"
    done
    echo
    echo "## Added latency at $RATE req/s (h2load, $RATE_CLIENTS connections, ${RATE_SECONDS}s)"
    echo
    echo "| shape | target | req/s | p50 ms | p99 ms | non-2xx | p99 added by the WAF |"
    echo "|---|---|---|---|---|---|---|"
    for shape in get10 json10k; do
      for t in "${TARGETS[@]}"; do
        local added="-"
        case "$t" in
          crossgate-waf) added="$(ms $(( $(pick rate $shape crossgate-waf 7) - $(pick rate $shape crossgate 7) ))) ms" ;;
          nginx-modsec) added="$(ms $(( $(pick rate $shape nginx-modsec 7) - $(pick rate $shape nginx 7) ))) ms" ;;
        esac
        echo "| $shape | $t | $(pick rate $shape $t 5) | $(ms "$(pick rate $shape $t 6)") | $(ms "$(pick rate $shape $t 7)") | $(pick rate $shape $t 9) | $added |"
      done
    done
    echo
    echo "Shapes: \`get10\` = \`GET $GET_PATH\`; \`json10k\` = \`POST /api/orders\` with a $(wc -c < "$work/order.json")-byte JSON order (content-type application/json). Browser-like User-Agent and Accept headers."
    if [ -n "$jmh_out" ]; then
      echo
      echo "## The engine alone (JMH \`WafBenchmark\`, same CRS)"
      echo
      echo '```'
      echo "$jmh_out"
      echo '```'
    fi
  } > "$OUT"
  log "wrote $OUT"
}

jmh_out=""
run_jmh() {
  [ "$JMH" = 1 ] || return 0
  local jar="$root/bench/target/benchmarks.jar"
  if [ ! -f "$jar" ]; then
    log "building bench/target/benchmarks.jar"
    (cd "$root" && ./mvnw -q -B -ntp -o -pl bench -am package -DskipTests) || { log "JMH build failed; skipped"; return 0; }
  fi
  log "JMH WafBenchmark (engine alone)"
  jmh_out="$(taskset -c "$PROXY_CPU" java -Dcrossgate.crs="$CRS" -jar "$jar" WafBenchmark \
    -f 1 -wi 3 -w 5s -i 3 -r 5s -t 1 -jvmArgsAppend "-Dcrossgate.crs=$CRS" 2>&1 \
    | sed -n '/^Benchmark/,$p')"
  log "$jmh_out"
}

main() {
  prepare
  start_all
  check_targets
  local t shape r
  for t in crossgate-waf nginx-modsec; do warm_up "$t"; done
  for shape in get10 json10k; do
    for r in $(seq 1 "$ROUNDS"); do
      for t in "${TARGETS[@]}"; do sat_point "$shape" "$r" "$t"; done
    done
  done
  for shape in get10 json10k; do
    for t in "${TARGETS[@]}"; do rate_point "$shape" "$t"; done
  done
  cleanup_servers
  run_jmh
  report
}

cleanup_servers() { # stop the servers before JMH so it has the proxy core to itself
  local pid
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
}

main
