#!/usr/bin/env bash
# The sidecar bench (issue 7, "Small and quick"): footprint and the cost of a full mesh hop.
#
#   bench/run.sh sidecar        (or bench/sidecar.sh)   ~4 minutes on an idle 2-core machine
#
# Starts a policy engine (not measured), an nginx backend with a 1 KB body (service "b"), and two
# sidecars through the ./crossgate launcher (so with its footprint JVM settings and class-data
# archive): A for a caller app "a", B in front of the backend. Then:
#   1. start to ready of A and B (launch to the first 200 from /ready; CPU time used by then)
#   2. VmRSS and PSS of each after BENCH_IDLE_SECONDS idle
#   3. interleaved rounds at ~BENCH_RATE req/s (wrk paced by load/wrk-rate.lua, 10 connections):
#        direct: load client -> backend
#        mesh:   load client -> A outbound (Host: b) -> mTLS -> B inbound -> backend
#        nginx-mesh (the peer, measured in the same run): load client -> nginx A -> mTLS (TLS 1.3,
#                A's client certificate, B's verified against the CA, kept-alive connections)
#                -> nginx B (client certificate required) -> backend; both nginx pinned like
#                the sidecars (A on BENCH_PROXY_CPU, B on BENCH_B_CPU), one worker each;
#                certificates (EC P-256 CA, SPIFFE URI SANs) made with openssl in the temp dir
#      p50/p99 per round (wrk), VmRSS of A and B sampled every second,
#      CPU time (utime+stime) of A and B over each mesh round, of nginx A and B's workers over
#      each nginx-mesh round; added p50/p99 over direct per round, and Crossgate's / nginx's
#        vertx-mesh (the stack's floor, in the same run): load client -> floor A -> h2 over mTLS
#                (TLS 1.3, BoringSSL, A's client certificate) -> floor B (client certificate
#                required) -> backend. The floor is bench/src/main/java/dev/crossgate/bench/floor/
#                StackFloor.java (compiled here with javac): a bare proxy on the sidecar's Vert.x,
#                Netty and BoringSSL with the launcher's sidecar JVM flags, one event loop, and
#                none of Crossgate (no control plane, routes, authorization, metrics, retries).
#                Pinned like the sidecars; the nginx peer's certificates; its own class-data
#                archive from a training pair (BENCH_FLOOR_CDS=0: the JDK's default archive).
#   4. writes bench/results/<date>-sidecar-bench.md (BENCH_OUT)
# BENCH_TARGETS [direct mesh nginx-mesh vertx-mesh] adds legs of the hop, to find where its time goes (each measured
# like the others, interleaved in every round):
#        inbound:  load client -> B inbound, plaintext (PERMISSIVE) -> backend   (B's half alone)
#        outbound: load client -> A outbound (Host: c, a Service with no sidecar) -> backend,
#                  plaintext (A's half alone, no TLS)
# The sidecars run on core BENCH_PROXY_CPU [0] (B on BENCH_B_CPU [= BENCH_PROXY_CPU]: another core
# splits A and B); load client and backend on BENCH_LOAD_CPU [1].
# Knobs: BENCH_RATE [1000] BENCH_ROUNDS [5] BENCH_RATE_SECONDS [15] BENCH_WARMUP_SECONDS [30]
#        BENCH_IDLE_SECONDS [10] BENCH_KEEP=1 (keep the temp dir) JAVA_OPTS (extra sidecar flags)
#        BENCH_JFR=DIR: a JFR recording (settings=profile) of each sidecar over the measured rounds,
#          written to DIR/a.jfr and DIR/b.jfr (summarise with bench/jfr_shares.py);
#          BENCH_JFR_SETTINGS: another .jfc (e.g. one with a 2 ms jdk.ExecutionSample period)
#        BENCH_KEEP_DIR=DIR: keep each sidecar's memory at idle and in the middle of the last mesh
#          round under load: DIR/{a,b}-{idle,load}.{smaps,smaps_rollup,status,threads,heap,codecache,gc,nmt}
#          (threads: /proc/PID/task/*/comm; heap: jcmd GC.heap_info; codecache: jcmd
#          Compiler.codecache; gc: jstat -gc, collections so far; nmt: jcmd VM.native_memory
#          summary, with DIR/{a,b}-load.nmt-diff against a baseline taken at idle; NMT needs
#          JAVA_OPTS=-XX:NativeMemoryTracking=summary, which itself costs a few MiB)
#        BENCH_PERF=DIR: perf record (cpu-clock, BENCH_PERF_HZ [997] Hz, call graphs) of each sidecar
#          over the measured rounds, DIR/a.data and DIR/b.data, with the JIT's symbols from
#          jcmd Compiler.perfmap (/tmp/perf-<pid>.map); Java stacks need
#          JAVA_OPTS=-XX:+PreserveFramePointer. Summarise with bench/perf_shares.py
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
PROXY_CPU="${BENCH_PROXY_CPU:-0}"
LOAD_CPU="${BENCH_LOAD_CPU:-1}"
B_CPU="${BENCH_B_CPU:-$PROXY_CPU}"
TARGETS="${BENCH_TARGETS:-direct mesh nginx-mesh vertx-mesh}"
for t in $TARGETS; do
  case "$t" in direct|mesh|nginx-mesh|vertx-mesh|inbound|outbound) ;; *) echo "BENCH_TARGETS: unknown target '$t' (expected: direct mesh nginx-mesh vertx-mesh inbound outbound)" >&2; exit 2 ;; esac
done
case " $TARGETS " in *" direct "*) ;; *) echo "BENCH_TARGETS must include direct (the baseline)" >&2; exit 2 ;; esac
case " $TARGETS " in *" mesh "*) ;; *) echo "BENCH_TARGETS must include mesh" >&2; exit 2 ;; esac
RATE="${BENCH_RATE:-1000}"
ROUNDS="${BENCH_ROUNDS:-5}"
RATE_SECONDS="${BENCH_RATE_SECONDS:-15}"
WARMUP="${BENCH_WARMUP_SECONDS:-30}"
IDLE="${BENCH_IDLE_SECONDS:-10}"
CLIENTS=10
TODAY="$(date +%F)"
OUT="${BENCH_OUT:-$here/results/$TODAY-sidecar-bench.md}"
BENCH_TAG=sidecar-bench
# log, die, cleanup of `pids` and `work` on exit, free_port, now_ms, cpu_ms
source "$here/lib.sh"

for tool in wrk nginx curl taskset python3 openssl; do
  command -v "$tool" >/dev/null || die "$tool is missing (apt-get install wrk nginx curl util-linux python3 openssl)"
done

work="$(mktemp -d /tmp/crossgate-sidecar-bench.XXXXXX)"
chmod 755 "$work"

rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }
pss_kb() { awk '/^Pss:/ {print $2}' "/proc/$1/smaps_rollup" 2>/dev/null || echo 0; }
mib() { awk -v k="$1" 'BEGIN {printf "%.1f", k / 1024}'; }
# A latency histogram from a sidecar's /metrics, all series summed: "le count" lines (le in s).
hist() {
  curl -sf "http://127.0.0.1:$1/metrics" 2>/dev/null | awk -v m="$2" 'index($0, m "_bucket{") == 1 {
    match($0, /le="[^"]*"/); le = substr($0, RSTART + 4, RLENGTH - 5); c[le] += $NF }
    END { for (l in c) print l, c[l] }'
}
# The upper bound (ms) of the bucket holding quantile $2 of the histogram difference $1 - $0file.
hist_q() { # before after q
  local total
  total=$(awk 'NR == FNR {b[$1] = $2; next} $1 == "+Inf" {print $2 - b[$1]}' "$1" "$2")
  [ -n "$total" ] && [ "$total" -gt 0 ] 2>/dev/null || { echo "-"; return; }
  awk 'NR == FNR {b[$1] = $2; next} $1 != "+Inf" {print $1, $2 - b[$1]}' "$1" "$2" | sort -g \
    | awk -v q="$3" -v total="$total" '$2 >= q * total {printf "≤ %.1f", $1 * 1000; found = 1; exit}
        {last = $1} END {if (!found) printf "> %.0f", last * 1000}'
}
# Context switches of all threads of a process: "voluntary nonvoluntary" (a thread that blocks in
# epoll is voluntary; one the scheduler takes the core from is nonvoluntary).
switches() { cat /proc/"$1"/task/*/status 2>/dev/null \
  | awk '/^voluntary_ctxt_switches/ {v += $2} /^nonvoluntary_ctxt_switches/ {n += $2} END {print v + 0, n + 0}'; }

# This script, and so everything it starts without a taskset of its own (the policy engine, the
# 1 s samplers, curl), runs on the load core: nothing but the sidecars runs on theirs.
taskset -cp "$LOAD_CPU" $$ > /dev/null

# ---------------------------------------------------------------- the CLI and its archive
load_start="$(cut -d' ' -f1-3 /proc/loadavg)"
"$root/crossgate" --version >/dev/null   # builds the CLI (and the sidecar archive) when stale
if [ ! -f "$root/cli/target/sidecar.jsa" ] || [ "$root/cli/target/crossgate-sidecar.jar" -nt "$root/cli/target/sidecar.jsa" ]; then
  CROSSGATE_NO_BUILD=1 "$root/crossgate" sidecar --cds
fi
cds="no"
[ -f "$root/cli/target/sidecar.jsa" ] && cds="yes ($(du -m "$root/cli/target/sidecar.jsa" | cut -f1) MiB)"

# ---------------------------------------------------------------- backend and engine
backend=$(free_port)
mkdir -p "$work/www"
body="$(head -c 1023 /dev/zero | tr '\0' 'a')"
cat > "$work/nginx.conf" <<EOF
worker_processes 1;
pid $work/nginx.pid;
error_log $work/nginx.error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 10000000;
  client_body_temp_path $work/nb; proxy_temp_path $work/np; fastcgi_temp_path $work/nf;
  uwsgi_temp_path $work/nu; scgi_temp_path $work/ns;
  server {
    listen 127.0.0.1:$backend;
    location = / { default_type text/plain; return 200 "$body\n"; }
  }
}
EOF
taskset -c "$LOAD_CPU" nginx -p "$work/" -c "$work/nginx.conf" -g 'daemon off;' > "$work/nginx.out" 2>&1 &
pids+=($!)

api=$(free_port); dist=$(free_port)
CROSSGATE_NO_BUILD=1 "$root/crossgate" policy-engine --data-dir "$work/engine" --api-port "$api" \
  --distribution-port "$dist" > "$work/engine.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 1200); do
  curl -sf "http://127.0.0.1:$api/api/v1/schemas" >/dev/null 2>&1 && break
  sleep 0.1
done
[ -f "$work/engine/tokens/admin.token" ] || die "the engine did not start (log: $work/engine.log)"
admin_token="$(cat "$work/engine/tokens/admin.token")"
cat > "$work/b.yaml" <<EOF
apiVersion: crossgate.dev/v1alpha1
kind: Service
metadata:
  name: b
  namespace: bench
spec:
  endpoints:
    - address: 127.0.0.1
      port: $backend
---
apiVersion: crossgate.dev/v1alpha1
kind: Service
metadata:
  name: c
  namespace: bench
spec:
  endpoints:
    - address: 127.0.0.1
      port: $backend
EOF
CROSSGATE_NO_BUILD=1 "$root/crossgate" apply --server "http://127.0.0.1:$api" --token "$admin_token" \
  -f "$work/b.yaml" > "$work/apply.out" 2>&1 || die "apply failed: $(cat "$work/apply.out")"
token() {
  CROSSGATE_NO_BUILD=1 "$root/crossgate" token create --server "http://127.0.0.1:$api" \
    --token "$admin_token" --namespace bench --service-account "$1" --ttl 1h 2>/dev/null
}
token_a="$(token a)"; token_b="$(token b)"

# ---------------------------------------------------------------- sidecars
declare -A pid_of admin_of out_of in_of ready_ms ready_cpu
start_sidecar() { # name app-port token cpu
  local name="$1" admin out inbound start ready=""
  admin=$(free_port); out=$(free_port); inbound=$(free_port)
  start=$(now_ms)
  CROSSGATE_NO_BUILD=1 taskset -c "$4" "$root/crossgate" sidecar --service "$name" \
    --namespace bench --app-port "$2" --control-plane "127.0.0.1:$dist" --join-token "$3" \
    --inbound-port "$inbound" --outbound-port "$out" --admin-port "$admin" \
    --advertise-address 127.0.0.1 --state-dir "$work/state" > "$work/sidecar-$name.log" 2>&1 &
  local pid=$!
  pids+=($pid)
  for _ in $(seq 1 6000); do
    if curl -sf "http://127.0.0.1:$admin/ready" >/dev/null 2>&1; then ready=$(now_ms); break; fi
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.01
  done
  [ -n "$ready" ] || die "sidecar $name not ready (log: $work/sidecar-$name.log)"
  pid_of[$name]=$pid; admin_of[$name]=$admin; out_of[$name]=$out; in_of[$name]=$inbound
  ready_ms[$name]=$((ready - start)); ready_cpu[$name]=$(cpu_ms "$pid")
  log "sidecar $name ready in ${ready_ms[$name]} ms (${ready_cpu[$name]} ms CPU)"
}
start_sidecar b "$backend" "$token_b" "$B_CPU"
start_sidecar a 9 "$token_a" "$PROXY_CPU"

# A must know B's sidecar as an endpoint of b (the mesh path), then one request proves the path.
for _ in $(seq 1 300); do
  curl -sf "http://127.0.0.1:${admin_of[a]}/config_dump" | tr -d ' \n' | grep -q '"meshEndpoints":\["127.0.0.1' && break
  sleep 0.1
done
size="$(curl -sf -H 'Host: b' "http://127.0.0.1:${out_of[a]}/" | wc -c)"
[ "$size" = 1024 ] || die "A -> B -> backend returned $size bytes (expected: 1024)"
if ! curl -sf "http://127.0.0.1:${admin_of[b]}/metrics" | grep -q 'crossgate_sidecar_inbound_requests_total{.*transport="mtls"'; then
  curl -sf "http://127.0.0.1:${admin_of[a]}/config_dump" > "$work/a-config-dump.json" || true
  curl -sf "http://127.0.0.1:${admin_of[b]}/metrics" > "$work/b-metrics.txt" || true
  die "B counted no mTLS request: the mesh path was not taken (see $work/a-config-dump.json, b-metrics.txt)"
fi
log "A -> mTLS -> B -> backend answers 1 KB; B counts it as mTLS"

# ---------------------------------------------------------------- the peer: an nginx pair with mTLS
# nginx A (plain HTTP/1.1 listener) -> mTLS, TLS 1.3, kept-alive upstream connections -> nginx B
# (client certificate required) -> the same backend. Certificates made here: an EC P-256 CA and a
# leaf per side with a SPIFFE URI SAN like the mesh's and a DNS SAN that A checks B's name against.
peer=""; floor=""
case " $TARGETS " in *" nginx-mesh "*) peer=1 ;; esac
case " $TARGETS " in *" vertx-mesh "*) floor=1 ;; esac
pki="$work/pki"
if [ -n "$peer" ] || [ -n "$floor" ]; then
  mkdir -p "$pki"
  openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
    -subj "/CN=bench peer CA" -keyout "$pki/ca.key" -out "$pki/ca.crt" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
    > "$pki/openssl.out" 2>&1 || die "openssl: CA ($(tail -2 "$pki/openssl.out"))"
  for s in a b; do
    openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=$s.bench.local" \
      -keyout "$pki/$s.key" -out "$pki/$s.csr" >> "$pki/openssl.out" 2>&1 || die "openssl: $s key"
    printf '%s\n' "basicConstraints=critical,CA:FALSE" "keyUsage=critical,digitalSignature" \
      "extendedKeyUsage=serverAuth,clientAuth" \
      "subjectAltName=URI:spiffe://bench.local/ns/bench/sa/$s,DNS:$s.bench.local" > "$pki/$s.ext"
    openssl x509 -req -in "$pki/$s.csr" -CA "$pki/ca.crt" -CAkey "$pki/ca.key" -CAcreateserial \
      -days 2 -extfile "$pki/$s.ext" -out "$pki/$s.crt" >> "$pki/openssl.out" 2>&1 || die "openssl: $s certificate"
  done
fi
if [ -n "$peer" ]; then
  peer_a=$(free_port); peer_b=$(free_port)
  nginx_common() { # name
    cat <<EOC
worker_processes 1;
pid $work/nginx-$1.pid;
error_log $work/nginx-$1.error.log warn;
events { worker_connections 4096; }
EOC
  }
  temp_paths() { echo "client_body_temp_path $work/$1-b; proxy_temp_path $work/$1-p; fastcgi_temp_path $work/$1-f; uwsgi_temp_path $work/$1-u; scgi_temp_path $work/$1-s;"; }
  { nginx_common peer-b; cat <<EOC
http {
  access_log off;
  keepalive_requests 10000000;
  $(temp_paths peer-b)
  upstream backend { server 127.0.0.1:$backend; keepalive 32; keepalive_requests 10000000; }
  server {
    listen 127.0.0.1:$peer_b ssl;
    ssl_certificate $pki/b.crt;
    ssl_certificate_key $pki/b.key;
    ssl_protocols TLSv1.3;
    ssl_client_certificate $pki/ca.crt;
    ssl_verify_client on;
    ssl_verify_depth 2;
    location / {
      proxy_pass http://backend;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      add_header x-peer-tls "\$ssl_protocol \$ssl_client_verify" always;
    }
  }
}
EOC
  } > "$work/nginx-peer-b.conf"
  { nginx_common peer-a; cat <<EOC
http {
  access_log off;
  keepalive_requests 10000000;
  $(temp_paths peer-a)
  upstream peer_b { server 127.0.0.1:$peer_b; keepalive 32; keepalive_requests 10000000; }
  server {
    listen 127.0.0.1:$peer_a;
    location / {
      proxy_pass https://peer_b;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_ssl_protocols TLSv1.3;
      proxy_ssl_certificate $pki/a.crt;
      proxy_ssl_certificate_key $pki/a.key;
      proxy_ssl_trusted_certificate $pki/ca.crt;
      proxy_ssl_verify on;
      proxy_ssl_verify_depth 2;
      proxy_ssl_name b.bench.local;
      proxy_ssl_server_name on;
      proxy_ssl_session_reuse on;
    }
  }
}
EOC
  } > "$work/nginx-peer-a.conf"
  declare -A nginx_master nginx_worker
  for s in b a; do
    cpu="$PROXY_CPU"; [ "$s" = b ] && cpu="$B_CPU"
    taskset -c "$cpu" nginx -p "$work/" -c "$work/nginx-peer-$s.conf" -g 'daemon off;' > "$work/nginx-peer-$s.out" 2>&1 &
    nginx_master[$s]=$!
    pids+=($!)
  done
  wait_http "http://127.0.0.1:$peer_a/" 10 "nginx peer A" any
  for s in a b; do
    for _ in $(seq 1 50); do
      nginx_worker[$s]="$(cat "/proc/${nginx_master[$s]}/task/${nginx_master[$s]}/children" 2>/dev/null | awk '{print $1}')"
      [ -n "${nginx_worker[$s]}" ] && break
      sleep 0.1
    done
    [ -n "${nginx_worker[$s]}" ] || die "nginx peer $s has no worker process (log: $work/nginx-peer-$s.error.log)"
  done
  # B must refuse a caller without a client certificate, and answer one with A's.
  status="$(curl -sk -o /dev/null -w '%{http_code}' --max-time 5 "https://127.0.0.1:$peer_b/" 2>/dev/null || true)"
  case "$status" in 2*) die "nginx peer B answered $status to a request without a client certificate: mTLS is not required" ;; esac
  size="$(curl -sf --max-time 5 --cacert "$pki/ca.crt" --cert "$pki/a.crt" --key "$pki/a.key" \
    --resolve "b.bench.local:$peer_b:127.0.0.1" "https://b.bench.local:$peer_b/" | wc -c)"
  [ "$size" = 1024 ] || die "nginx peer B with A's client certificate returned $size bytes (expected: 1024)"
  tls="$(curl -sf -D - -o /dev/null --max-time 5 "http://127.0.0.1:$peer_a/" | tr -d '\r' | sed -n 's/^x-peer-tls: //Ip')"
  [ "$tls" = "TLSv1.3 SUCCESS" ] || die "nginx peer A -> B: B saw '$tls' (expected: TLSv1.3 SUCCESS, a verified client certificate)"
  log "nginx peer: B refuses a caller without a certificate ($status); A -> B is TLS 1.3 with A's certificate verified"
fi

# ---------------------------------------------------------------- the floor: a bare Vert.x mTLS pair
declare -A floor_pid floor_port
if [ -n "$floor" ]; then
  # The launcher's sidecar JVM flags, read from ./crossgate so that both run alike.
  floor_opts="$(sed -n '/^sidecar_opts=(/,/)$/p' "$root/crossgate" | tr -d '()' | sed 's/^sidecar_opts=//')"
  floor_opts="${floor_opts//-Xshare:auto/}"
  case "$floor_opts" in *-XX:+UseSerialGC*) ;; *) die "could not read sidecar_opts from $root/crossgate" ;; esac
  floor_jars=""
  for jar in vertx-core vertx-core-logging netty- jackson-core; do
    for f in "$root/cli/target/lib/$jar"*.jar; do floor_jars="$floor_jars:$f"; done
  done
  mkdir -p "$work/floor-classes"
  javac -d "$work/floor-classes" -cp "${floor_jars#:}" "$here"/src/main/java/dev/crossgate/bench/floor/*.java \
    > "$work/floor-javac.out" 2>&1 || die "javac StackFloor: $(tail -3 "$work/floor-javac.out")"
  # A jar, not a directory: a class-data archive accepts only jars on its classpath.
  (cd "$work/floor-classes" && jar cf "$work/floor.jar" .) || die "jar: could not pack StackFloor"
  floor_cp="$work/floor.jar$floor_jars"
  start_floor() { # extra JVM flags: starts B then A, waits for both to listen
    local s cpu target role
    floor_port[b]=$(free_port); floor_port[a]=$(free_port)
    for s in b a; do
      cpu="$PROXY_CPU"; target="${floor_port[b]}"; role=outbound
      [ "$s" = b ] && { cpu="$B_CPU"; target="$backend"; role=inbound; }
      # shellcheck disable=SC2086
      MALLOC_ARENA_MAX=2 taskset -c "$cpu" java $floor_opts ${1//@S@/$s} -cp "$floor_cp" \
        dev.crossgate.bench.floor.StackFloor "$role" "${floor_port[$s]}" "$target" \
        "$pki/$s.crt" "$pki/$s.key" "$pki/ca.crt" > "$work/floor-$s.log" 2>&1 &
      floor_pid[$s]=$!
      pids+=($!)
      for _ in $(seq 1 600); do
        grep -q "listening on" "$work/floor-$s.log" && break
        kill -0 "${floor_pid[$s]}" 2>/dev/null || die "floor $s exited (log: $work/floor-$s.log)"
        sleep 0.05
      done
      grep -q "listening on" "$work/floor-$s.log" || die "floor $s did not listen (log: $work/floor-$s.log)"
    done
  }
  stop_floor() { kill "${floor_pid[a]}" "${floor_pid[b]}" 2>/dev/null || true; wait "${floor_pid[a]}" "${floor_pid[b]}" 2>/dev/null || true; }
  # Its own class-data archive, as the sidecar has one: a training pair lists the classes it
  # loads for 50 requests, -Xshare:dump archives them with the JDK's (as the launcher's --cds).
  floor_cds="no"
  if [ "${BENCH_FLOOR_CDS:-1}" = 1 ]; then
    start_floor "-Xshare:off -XX:DumpLoadedClassList=$work/floor-@S@.classlist"
    for _ in $(seq 1 50); do curl -sf -o /dev/null --max-time 5 "http://127.0.0.1:${floor_port[a]}/" || true; done
    stop_floor
    cat "$work"/floor-[ab].classlist 2>/dev/null | grep -v '^#\|@lambda' | sort -u > "$work/floor.classlist" || true
    if [ -s "$work/floor.classlist" ] && java -Xshare:dump -XX:SharedClassListFile="$work/floor.classlist" \
        -XX:SharedArchiveFile="$work/floor.jsa" -cp "$floor_cp" > "$work/floor-dump.log" 2>&1 \
        && [ -s "$work/floor.jsa" ]; then
      floor_opts="$floor_opts -XX:SharedArchiveFile=$work/floor.jsa"
      floor_cds="yes ($(du -m "$work/floor.jsa" | cut -f1) MiB)"
    else
      log "floor: no class-data archive (see $work/floor-dump.log); the floor runs on the JDK's default one"
    fi
  fi
  start_floor ""
  status="$(curl -sk -o /dev/null -w '%{http_code}' --max-time 5 "https://127.0.0.1:${floor_port[b]}/" 2>/dev/null || true)"
  case "$status" in 2*) die "floor B answered $status to a request without a client certificate: mTLS is not required" ;; esac
  size="$(curl -sf --max-time 5 "http://127.0.0.1:${floor_port[a]}/" | wc -c)"
  [ "$size" = 1024 ] || die "floor A -> B -> backend returned $size bytes (expected: 1024)"
  log "floor: B refuses a caller without a certificate ($status); A -> mTLS -> B -> backend answers 1 KB"
fi

# BENCH_KEEP_DIR: what a sidecar's memory holds (name phase), see the knobs above.
keep_memory() {
  local p="${pid_of[$1]}" f="$BENCH_KEEP_DIR/$1-$2"
  cp "/proc/$p/smaps" "$f.smaps" 2>/dev/null || true
  cp "/proc/$p/smaps_rollup" "$f.smaps_rollup" 2>/dev/null || true
  cp "/proc/$p/status" "$f.status" 2>/dev/null || true
  cat /proc/"$p"/task/*/comm 2>/dev/null | sort | uniq -c | sort -rn > "$f.threads" || true
  jcmd "$p" GC.heap_info > "$f.heap" 2>&1 || true
  jcmd "$p" Compiler.codecache > "$f.codecache" 2>&1 || true
  jstat -gc "$p" > "$f.gc" 2>&1 || true
  jcmd "$p" VM.native_memory summary > "$f.nmt" 2>&1 || true
  if [ "$2" = idle ]; then
    jcmd "$p" VM.native_memory baseline > /dev/null 2>&1 || true
  else
    jcmd "$p" VM.native_memory summary.diff > "$f.nmt-diff" 2>&1 || true
  fi
}
[ -z "${BENCH_KEEP_DIR:-}" ] || mkdir -p "$BENCH_KEEP_DIR"
sleep "$IDLE"
declare -A idle_rss idle_pss floor_idle_rss
for s in a b; do idle_rss[$s]=$(rss_kb "${pid_of[$s]}"); idle_pss[$s]=$(pss_kb "${pid_of[$s]}"); done
[ -z "${BENCH_KEEP_DIR:-}" ] || for s in a b; do keep_memory "$s" idle; done
log "idle VmRSS: a $(mib "${idle_rss[a]}") MiB, b $(mib "${idle_rss[b]}") MiB"
if [ -n "$floor" ]; then
  for s in a b; do floor_idle_rss[$s]=$(rss_kb "${floor_pid[$s]}"); done
  log "floor idle VmRSS: a $(mib "${floor_idle_rss[a]}") MiB, b $(mib "${floor_idle_rss[b]}") MiB"
fi

# ---------------------------------------------------------------- fixed-rate rounds
declare -A url hdr
# wrk, paced (bench/load/wrk-rate.lua): h2load's HTTP/1.1 mode cannot replace the Host header
# the outbound routes on, so the same paced wrk client drives both targets.
declare -A url hdr
url[direct]="http://127.0.0.1:$backend/"; hdr[direct]="Host: 127.0.0.1"
url[mesh]="http://127.0.0.1:${out_of[a]}/"; hdr[mesh]="Host: b"
url[inbound]="http://127.0.0.1:${in_of[b]}/"; hdr[inbound]="Host: b"
url[outbound]="http://127.0.0.1:${out_of[a]}/"; hdr[outbound]="Host: c"
[ -z "$peer" ] || { url[nginx-mesh]="http://127.0.0.1:$peer_a/"; hdr[nginx-mesh]="Host: b"; }
[ -z "$floor" ] || { url[vertx-mesh]="http://127.0.0.1:${floor_port[a]}/"; hdr[vertx-mesh]="Host: b"; }
for t in $TARGETS; do
  size="$(curl -sf -H "${hdr[$t]}" "${url[$t]}" | wc -c)"
  [ "$size" = 1024 ] || die "target $t returned $size bytes (expected: 1024)"
done
pause=$((CLIENTS * 1000 / RATE))
log "warm-up: ${WARMUP}s of mesh traffic at ~$RATE req/s (not measured)"
taskset -c "$LOAD_CPU" wrk -t1 -c"$CLIENTS" -d"${WARMUP}s" -H "${hdr[mesh]}" -s "$here/load/wrk-rate.lua" \
  "${url[mesh]}" -- "$pause" > /dev/null 2>&1 || true
if [ -n "$peer" ]; then
  log "warm-up: 5s of nginx-mesh traffic (not measured)"
  taskset -c "$LOAD_CPU" wrk -t1 -c"$CLIENTS" -d5s -H "${hdr[nginx-mesh]}" -s "$here/load/wrk-rate.lua" \
    "${url[nginx-mesh]}" -- "$pause" > /dev/null 2>&1 || true
fi
if [ -n "$floor" ]; then
  # As long as the sidecars' warm-up: both JIT-compile the same Vert.x and Netty paths.
  log "warm-up: ${WARMUP}s of vertx-mesh traffic (not measured)"
  taskset -c "$LOAD_CPU" wrk -t1 -c"$CLIENTS" -d"${WARMUP}s" -H "${hdr[vertx-mesh]}" -s "$here/load/wrk-rate.lua" \
    "${url[vertx-mesh]}" -- "$pause" > /dev/null 2>&1 || true
fi

if [ -n "${BENCH_JFR:-}" ]; then
  mkdir -p "$BENCH_JFR"
  for s in a b; do
    jcmd "${pid_of[$s]}" JFR.start name=bench settings="${BENCH_JFR_SETTINGS:-profile}" > /dev/null || die "JFR.start on $s failed"
  done
  log "JFR recording on both sidecars (written to $BENCH_JFR after the rounds)"
fi
if [ -n "${BENCH_PERF:-}" ]; then
  command -v perf >/dev/null || die "BENCH_PERF: perf is missing"
  mkdir -p "$BENCH_PERF"
  declare -A perf_pid
  for s in a b; do
    perf record -q -e cpu-clock -F "${BENCH_PERF_HZ:-997}" -g -p "${pid_of[$s]}" \
      -o "$BENCH_PERF/$s.data" > "$BENCH_PERF/$s.perf.log" 2>&1 &
    perf_pid[$s]=$!
    pids+=($!)
  done
  log "perf recording on both sidecars (written to $BENCH_PERF after the rounds)"
fi
rows=""; peak_rss_a=0; peak_rss_b=0; cpu_rows=""; idle_rows=""; switch_rows=""; peer_cpu_rows=""
floor_cpu_rows=""; floor_peak_a=0; floor_peak_b=0
peer_cpu() { if [ -n "$peer" ]; then cpu_ms "${nginx_worker[$1]}"; else echo 0; fi; }
floor_cpu() { if [ -n "$floor" ]; then cpu_ms "${floor_pid[$1]}"; else echo 0; fi; }
field() { sed -n "s/.* $1=\([0-9]*\).*/\1/p" <<<"$2"; }
for r in $(seq 1 "$ROUNDS"); do
  for t in $TARGETS; do
    ca0=$(cpu_ms "${pid_of[a]}"); cb0=$(cpu_ms "${pid_of[b]}"); pa0=$(peer_cpu a); pb0=$(peer_cpu b); fa0=$(floor_cpu a); fb0=$(floor_cpu b); t0=$(now_ms)
    read -r va0 na0 <<<"$(switches "${pid_of[a]}")"; read -r vb0 nb0 <<<"$(switches "${pid_of[b]}")"
    hist "${admin_of[a]}" crossgate_request_duration_seconds > "$work/hist-a-$t-$r.0"
    hist "${admin_of[b]}" crossgate_request_duration_seconds > "$work/hist-b-$t-$r.0"
    taskset -c "$LOAD_CPU" wrk -t1 -c"$CLIENTS" -d"${RATE_SECONDS}s" --timeout 5s -H "${hdr[$t]}" \
      -s "$here/load/wrk-rate.lua" "${url[$t]}" -- "$pause" > "$work/wrk-$t-$r.out" 2>&1 &
    load=$!
    while kill -0 "$load" 2>/dev/null; do
      # The same sampling in every round (on the load core), kept for the mesh rounds only, so
      # that direct and mesh are measured alike.
      # The app's (wrk's) connections to A's outbound port: reused, they keep their ports.
      conns="$(ss -Htn state established "( sport = :${out_of[a]} )" 2>/dev/null | awk '{print $NF}' || true)"
      # nginx A's connections to nginx B (kept alive: a few, for the whole run).
      peer_conns="$([ -z "$peer" ] || ss -Htn state established "( sport = :$peer_b )" 2>/dev/null | awk '{print $NF}' || true)"
      [ "$t" != nginx-mesh ] || [ -z "$peer_conns" ] || printf '%s\n' "$peer_conns" >> "$work/peer-conns-$r.txt"
      ra=$(rss_kb "${pid_of[a]}"); rb=$(rss_kb "${pid_of[b]}")
      if [ "$t" = mesh ]; then
        [ -n "$conns" ] && printf '%s\n' "$conns" >> "$work/app-conns-$r.txt"
        if [ -n "${BENCH_KEEP_DIR:-}" ] && [ "$r" = "$ROUNDS" ] && [ -z "${kept_load:-}" ] \
            && [ $(( $(now_ms) - t0 )) -ge $(( RATE_SECONDS * 500 )) ]; then
          for s in a b; do keep_memory "$s" load; done
          kept_load=1
        fi
        [ "$ra" -gt "$peak_rss_a" ] && peak_rss_a=$ra
        [ "$rb" -gt "$peak_rss_b" ] && peak_rss_b=$rb
      elif [ "$t" = vertx-mesh ]; then
        fa=$(rss_kb "${floor_pid[a]}"); fb=$(rss_kb "${floor_pid[b]}")
        [ "$fa" -gt "$floor_peak_a" ] && floor_peak_a=$fa
        [ "$fb" -gt "$floor_peak_b" ] && floor_peak_b=$fb
      fi
      sleep 1
    done
    wait "$load" || true
    t1=$(now_ms); ca1=$(cpu_ms "${pid_of[a]}"); cb1=$(cpu_ms "${pid_of[b]}"); pa1=$(peer_cpu a); pb1=$(peer_cpu b); fa1=$(floor_cpu a); fb1=$(floor_cpu b)
    read -r va1 na1 <<<"$(switches "${pid_of[a]}")"; read -r vb1 nb1 <<<"$(switches "${pid_of[b]}")"
    hist "${admin_of[a]}" crossgate_request_duration_seconds > "$work/hist-a-$t-$r.1"
    hist "${admin_of[b]}" crossgate_request_duration_seconds > "$work/hist-b-$t-$r.1"
    line="$(grep '^RESULT' "$work/wrk-$t-$r.out" || true)"
    [ -n "$line" ] || die "wrk $t round $r: no result ($(tail -2 "$work/wrk-$t-$r.out"))"
    n=$(field requests "$line"); dur=$(field duration_us "$line")
    rps=$(awk -v n="$n" -v d="$dur" 'BEGIN {printf "%.0f", n / (d / 1e6)}')
    failed=$(( $(field err_connect "$line") + $(field err_read "$line") + $(field err_write "$line") \
      + $(field err_status "$line") + $(field err_timeout "$line") ))
    p50=$(field p50_us "$line"); p99=$(field p99_us "$line"); p999=$(field p999_us "$line")
    secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN {print (b - a) / 1000}')
    if [ "$t" = mesh ]; then
      cpu_rows+="$r	$((ca1 - ca0))	$((cb1 - cb0))	$secs	$rps"$'\n'
      switch_rows+="$r	$n	$((va1 - va0))	$((na1 - na0))	$((vb1 - vb0))	$((nb1 - nb0))"$'\n'
    elif [ "$t" = nginx-mesh ]; then
      peer_cpu_rows+="$r	$((pa1 - pa0))	$((pb1 - pb0))	$secs	$rps"$'\n'
    elif [ "$t" = vertx-mesh ]; then
      floor_cpu_rows+="$r	$((fa1 - fa0))	$((fb1 - fb0))	$secs	$rps"$'\n'
    elif [ "$t" = direct ]; then # the sidecars idle while the client calls the backend directly
      idle_rows+="$r	$((ca1 - ca0))	$((cb1 - cb0))	$secs"$'\n'
    fi
    rows+="$r	$t	$rps	$n	$p50	$p99	$p999	$failed"$'\n'
    log "round $r $t: $rps req/s, p50 $p50 us, p99 $p99 us, failed $failed"
  done
done

if [ -n "${BENCH_JFR:-}" ]; then
  for s in a b; do
    jcmd "${pid_of[$s]}" JFR.stop name=bench filename="$(cd "$BENCH_JFR" && pwd)/$s.jfr" > /dev/null \
      || log "JFR.stop on $s failed"
  done
  log "JFR recordings: $BENCH_JFR/a.jfr, $BENCH_JFR/b.jfr"
fi

if [ -n "${BENCH_PERF:-}" ]; then
  for s in a b; do
    jcmd "${pid_of[$s]}" Compiler.perfmap > /dev/null || log "Compiler.perfmap on $s failed"
    kill -INT "${perf_pid[$s]}" 2>/dev/null || true
    wait "${perf_pid[$s]}" 2>/dev/null || true
    cp "/tmp/perf-${pid_of[$s]}.map" "$BENCH_PERF/$s.map" 2>/dev/null || log "no perf map for $s"
    echo "${pid_of[$s]}" > "$BENCH_PERF/$s.pid"
  done
  log "perf recordings: $BENCH_PERF/a.data, $BENCH_PERF/b.data (JIT symbols: /tmp/perf-<pid>.map)"
fi

# Distinct client ports seen on A's outbound port per mesh round (1 s samples): 10 = wrk's
# connections were kept alive; more = the app reconnected.
peer_conns=""
[ -z "$peer" ] || peer_conns=$(for r in $(seq 1 "$ROUNDS"); do sort -u "$work/peer-conns-$r.txt" 2>/dev/null | wc -l || true; done | sort -n | tail -1)
app_conns=$(for r in $(seq 1 "$ROUNDS"); do sort -u "$work/app-conns-$r.txt" 2>/dev/null | wc -l; done | sort -n | tail -1)

# How many mTLS connections B accepted for how many requests (1 per request = no reuse).
b_metrics="$(curl -sf "http://127.0.0.1:${admin_of[b]}/metrics" || true)"
printf '%s\n' "$b_metrics" > "$work/b-metrics.txt"
b_conns=$(awk '/^crossgate_sidecar_inbound_connections_total\{.*transport="mtls"/ {s += $NF} END {printf "%d", s}' <<<"$b_metrics")
b_reqs=$(awk '/^crossgate_sidecar_inbound_requests_total\{.*transport="mtls"/ {s += $NF} END {printf "%d", s}' <<<"$b_metrics")

# ---------------------------------------------------------------- report
median() { sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }
med() { printf '%s' "$rows" | awk -F'\t' -v t="$1" -v c="$2" '$2 == t {print $c}' | median; }
d_p50=$(med direct 5); d_p99=$(med direct 6); m_p50=$(med mesh 5); m_p99=$(med mesh 6)
# Per round: added p99 = mesh p99 - direct p99 of the same round; the median of those.
added_rounds="$(printf '%s' "$rows" | awk -F'\t' '$2 == "direct" {d[$1] = $6} $2 == "mesh" {print $6 - d[$1]}')"
added_med=$(printf '%s\n' "$added_rounds" | median)
# CPU per 1,000 requests from "round cpu-a cpu-b seconds req/s" rows (column 2: A, 3: B).
per_1000() { printf '%s' "$1" | awk -F'\t' -v c="$2" '{t += $c; n += $5 * $4} END {printf "%.0f", t / (n / 1000)}'; }
pct_core() { printf '%s' "$1" | awk -F'\t' -v c="$2" '{t += $c; s += $4} END {printf "%.1f", t / s / 10}'; }
cpu_a=$(per_1000 "$cpu_rows" 2); cpu_b=$(per_1000 "$cpu_rows" 3)
# Net of idle: minus what the sidecar burns per second without traffic (heartbeats, timers),
# measured over the direct rounds, so the figure does not grow when the paced rate falls short.
idle_a=$(printf '%s' "$idle_rows" | awk -F'\t' '{c += $2; s += $4} END {printf "%.1f", s ? c / s : 0}')
idle_b=$(printf '%s' "$idle_rows" | awk -F'\t' '{c += $3; s += $4} END {printf "%.1f", s ? c / s : 0}')
net_a=$(printf '%s' "$cpu_rows" | awk -F'\t' -v i="$idle_a" '{c += $2 - i * $4; n += $5 * $4} END {printf "%.0f", c / (n / 1000)}')
net_b=$(printf '%s' "$cpu_rows" | awk -F'\t' -v i="$idle_b" '{c += $3 - i * $4; n += $5 * $4} END {printf "%.0f", c / (n / 1000)}')
cpu_pct_a=$(pct_core "$cpu_rows" 2); cpu_pct_b=$(pct_core "$cpu_rows" 3)
goal() { [ "$1" -le "$2" ] && echo met || echo "not met"; }
# Crossgate's added latency / a reference pair's ("-" when the reference added nothing measurable).
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {if (b > 0) printf "%.2f", a / b; else print "-"}'; }
# Against a reference pair (nginx-mesh, vertx-mesh), one line per round: round, mesh's added
# p50, the reference's added p50, mesh's added p99, the reference's added p99, ratio p50, ratio p99.
against() {
  local r a50 x50 a99 x99
  printf '%s' "$rows" | awk -F'\t' -v t="$1" '$2 == "direct" {d50[$1] = $5; d99[$1] = $6}
    $2 == "mesh" {m50[$1] = $5; m99[$1] = $6} $2 == t {x50[$1] = $5; x99[$1] = $6}
    END {for (r in x99) print r, m50[r] - d50[r], x50[r] - d50[r], m99[r] - d99[r], x99[r] - d99[r]}' \
    | sort -n | while read -r r a50 x50 a99 x99; do
        echo "$r $a50 $x50 $a99 $x99 $(ratio "$a50" "$x50") $(ratio "$a99" "$x99")"; done
}
# Two report tables for a reference pair: per-round added latency and ratio, and its CPU.
reference_tables() { # target what ratio-of rounds cpu-of a-name b-name cpu-rows
  echo "Against $2, per round (µs over the same round's direct; ratio = Crossgate's added / $3):"
  echo
  echo "| round | mesh added p50 | $1 added p50 | ratio p50 | mesh added p99 | $1 added p99 | ratio p99 |"
  echo "|---|---:|---:|---:|---:|---:|---:|"
  awk '{printf "| %s | %s | %s | %s | %s | %s | %s |\n", $1, $2, $3, $6, $4, $5, $7}' <<<"$4"
  echo
  echo "CPU of $5 per $1 round (ms of utime+stime from /proc/PID/stat):"
  echo
  echo "| round | $6 | $7 | seconds | req/s |"
  echo "|---|---:|---:|---:|---:|"
  printf '%s' "$8" | awk -F'\t' '{printf "| %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5}'
  echo
}
column_median() { awk -v c="$2" '$c != "-" {print $c}' <<<"$1" | median; } # lines column
if [ -n "$peer" ]; then
  peer_rounds="$(against nginx-mesh)"
  n_p50=$(med nginx-mesh 5); n_p99=$(med nginx-mesh 6)
  n_added50=$(column_median "$peer_rounds" 3); n_added99=$(column_median "$peer_rounds" 5)
  ratio50=$(column_median "$peer_rounds" 6); ratio99=$(column_median "$peer_rounds" 7)
  peer_cpu_a=$(per_1000 "$peer_cpu_rows" 2); peer_cpu_b=$(per_1000 "$peer_cpu_rows" 3)
  peer_pct_a=$(pct_core "$peer_cpu_rows" 2); peer_pct_b=$(pct_core "$peer_cpu_rows" 3)
fi
if [ -n "$floor" ]; then
  floor_rounds="$(against vertx-mesh)"
  f_p50=$(med vertx-mesh 5); f_p99=$(med vertx-mesh 6)
  f_added50=$(column_median "$floor_rounds" 3); f_added99=$(column_median "$floor_rounds" 5)
  f_ratio50=$(column_median "$floor_rounds" 6); f_ratio99=$(column_median "$floor_rounds" 7)
  floor_cpu_a=$(per_1000 "$floor_cpu_rows" 2); floor_cpu_b=$(per_1000 "$floor_cpu_rows" 3)
fi
mkdir -p "$(dirname "$OUT")"
{
  echo "# Sidecar bench, $TODAY"
  echo
  echo "Written by \`bench/run.sh sidecar\` (\`bench/sidecar.sh\`). Load average at start: $load_start."
  echo "Sidecars through \`./crossgate sidecar\` (the launcher's footprint settings; class-data archive: $cds),"
  echo "A pinned to core $PROXY_CPU, B to core $B_CPU; nginx backend and wrk on core $LOAD_CPU. Java: $(java -version 2>&1 | head -1)."
  if [ -n "$peer" ]; then
    echo "Peer (target nginx-mesh, $(nginx -v 2>&1 | sed 's/.*: //'), OpenSSL $(openssl version | cut -d' ' -f2)): nginx A (core $PROXY_CPU; \`worker_processes 1\`, plain HTTP/1.1 listener)"
    echo "→ mTLS, TLS 1.3 (client certificate, \`proxy_ssl_verify on\` against the CA, \`proxy_ssl_name b.bench.local\`, \`proxy_ssl_session_reuse on\`,"
    echo "HTTP/1.1 upstream \`keepalive 32\`) → nginx B (core $B_CPU; \`worker_processes 1\`, \`ssl_verify_client on\`, \`ssl_protocols TLSv1.3\`, upstream"
    echo "keepalive to the backend) → the same backend; EC P-256 CA and leaves with SPIFFE URI SANs (spiffe://bench.local/ns/bench/sa/a, …/b)"
    echo "made at bench time. Checked before measuring: B refuses a caller without a client certificate ($status), and sees A's verified."
  fi
  echo
  echo "| measure | sidecar A (caller) | sidecar B (in front of the backend) | goal |"
  echo "|---|---:|---:|---|"
  echo "| start to ready (launch → first 200 from /ready) | ${ready_ms[a]} ms | ${ready_ms[b]} ms | ≤ 1 s: $( [ "${ready_ms[a]}" -le 1000 ] && [ "${ready_ms[b]}" -le 1000 ] && echo met || echo "not met") |"
  echo "| CPU time used by then | ${ready_cpu[a]} ms | ${ready_cpu[b]} ms | |"
  echo "| VmRSS idle (${IDLE} s after ready) | $(mib "${idle_rss[a]}") MiB | $(mib "${idle_rss[b]}") MiB | ≤ 64 MB: $( [ "${idle_rss[a]}" -le 65536 ] && [ "${idle_rss[b]}" -le 65536 ] && echo met || echo "not met") |"
  echo "| PSS idle (archive pages shared by the two) | $(mib "${idle_pss[a]}") MiB | $(mib "${idle_pss[b]}") MiB | |"
  echo "| VmRSS peak at $RATE req/s with mTLS (1 s samples) | $(mib "$peak_rss_a") MiB | $(mib "$peak_rss_b") MiB | ≤ 96 MB: $( [ "$peak_rss_a" -le 98304 ] && [ "$peak_rss_b" -le 98304 ] && echo met || echo "not met") |"
  echo "| CPU per 1,000 requests (ms), mesh rounds | $cpu_a | $cpu_b | |"
  echo "| CPU per 1,000 requests net of idle (ms; idle: $idle_a / $idle_b ms of CPU per s) | $net_a | $net_b | |"
  echo "| CPU at $RATE req/s (% of one core) | $cpu_pct_a % | $cpu_pct_b % | |"
  if [ -n "$peer" ]; then
    echo "| peer: CPU per 1,000 requests (ms), nginx A / nginx B worker, nginx-mesh rounds | $peer_cpu_a | $peer_cpu_b | |"
    echo "| peer: CPU at $RATE req/s (% of one core), nginx A / nginx B worker | $peer_pct_a % | $peer_pct_b % | |"
    echo "| peer: nginx A → B mTLS connections per nginx-mesh round (distinct, 1 s samples) | ${peer_conns:-?} | | |"
  fi
  if [ -n "$floor" ]; then
    echo "| floor (vertx-mesh): VmRSS idle / peak at $RATE req/s, floor A / floor B | $(mib "${floor_idle_rss[a]}") / $(mib "$floor_peak_a") MiB | $(mib "${floor_idle_rss[b]}") / $(mib "$floor_peak_b") MiB | |"
    echo "| floor (vertx-mesh): CPU per 1,000 requests (ms), floor A / floor B | $floor_cpu_a | $floor_cpu_b | |"
    echo "| floor (vertx-mesh): its own class-data archive | $floor_cds | | |"
  fi
  echo "| mTLS connections B accepted / mTLS requests B served (whole run) | | $b_conns / $b_reqs | |"
  echo "| app connections to A's outbound port per mesh round (distinct, 1 s samples; wrk opens $CLIENTS) | ${app_conns:-?} | | |"
  echo
  echo "## Mesh hop at $RATE req/s"
  echo
  echo "wrk paced by bench/load/wrk-rate.lua: $CLIENTS connections, each waiting ${pause} ms before each request (≤ $RATE req/s),"
  echo "${RATE_SECONDS} s per round,"
  echo "$ROUNDS rounds, $(echo $TARGETS | sed 's/ /, /g') interleaved, after ${WARMUP} s of unmeasured mesh traffic$([ -z "$peer" ] || echo " (and 5 s of nginx-mesh)")."
  echo "direct: client → backend. mesh: client → A outbound (\`Host: b\`) → mTLS (TLS 1.3) → B inbound → backend, all HTTP/1.1,"
  echo "i.e. app → sidecar → sidecar → app. Latency percentiles from wrk (µs; measured from each send, no"
  echo "coordinated-omission correction). CPU per 1,000 requests = sidecar CPU time over a round / requests served × 1,000."
  echo
  echo "| | p50 | p99 |"
  echo "|---|---:|---:|"
  echo "| direct (median of rounds) | $d_p50 | $d_p99 |"
  echo "| mesh (median of rounds) | $m_p50 | $m_p99 |"
  echo "| **added p99** (median over rounds of mesh − direct) | | **$added_med** ($(awk -v u="$added_med" 'BEGIN {printf "%.2f", u / 1000}') ms; goal ≤ 1.5 ms: $(goal "$added_med" 1500)) |"
  if [ -n "$peer" ]; then
    echo "| nginx-mesh, the peer (median of rounds) | $n_p50 | $n_p99 |"
    echo "| peer's added latency (median over rounds of nginx-mesh − direct) | $n_added50 | $n_added99 |"
    echo "| **Crossgate's added / nginx's added** (median of the per-round ratios) | **$ratio50** | **$ratio99** |"
  fi
  if [ -n "$floor" ]; then
    echo "| vertx-mesh, the stack's floor (median of rounds) | $f_p50 | $f_p99 |"
    echo "| floor's added latency (median over rounds of vertx-mesh − direct) | $f_added50 | $f_added99 |"
    echo "| **Crossgate's added / the floor's added** (median of the per-round ratios) | **$f_ratio50** | **$f_ratio99** |"
  fi
  for t in $TARGETS; do
    case "$t" in direct|mesh|nginx-mesh|vertx-mesh) continue ;; esac
    leg_added="$(printf '%s' "$rows" | awk -F'\t' -v t="$t" '$2 == "direct" {d[$1] = $6} $2 == t {print $6 - d[$1]}' | median)"
    echo "| $t (median of rounds; added p99 over direct: $leg_added) | $(med "$t" 5) | $(med "$t" 6) |"
  done
  echo
  echo "| round | target | req/s | requests | p50 | p99 | p99.9 | failed |"
  echo "|---|---|---:|---:|---:|---:|---:|---:|"
  printf '%s' "$rows" | awk -F'\t' '{printf "| %s | %s | %s | %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5, $6, $7, $8}'
  echo
  if [ -n "$peer" ]; then
    reference_tables nginx-mesh "the peer" "nginx's added" "$peer_rounds" \
      "the peer's nginx worker processes" "nginx A" "nginx B" "$peer_cpu_rows"
  fi
  if [ -n "$floor" ]; then
    reference_tables vertx-mesh "the floor (vertx-mesh: the same Vert.x, Netty, BoringSSL and JVM flags, without Crossgate)" \
      "the floor's added" "$floor_rounds" "the floor's processes" "floor A" "floor B" "$floor_cpu_rows"
  fi
  echo "Where the time goes, per round: the client's view (wrk, µs) against each sidecar's own histogram"
  echo "(ms, the upper bound of the bucket holding the quantile): A's outbound span (request received →"
  echo "response complete, i.e. A → B → backend → B → A), B's span to the backend (B's proxy core:"
  echo "request received → response complete, B → backend → B); both from crossgate_request_duration."
  echo
  echo "| round | target | wrk p50 | wrk p99 | A p50 | A p99 | B p50 | B p99 |"
  echo "|---|---|---:|---:|---:|---:|---:|---:|"
  for r in $(seq 1 "$ROUNDS"); do
    for t in $TARGETS; do
      case "$t" in direct|nginx-mesh|vertx-mesh) continue ;; esac
      wp50=$(printf '%s' "$rows" | awk -F'\t' -v r="$r" -v t="$t" '$1 == r && $2 == t {print $5}')
      wp99=$(printf '%s' "$rows" | awk -F'\t' -v r="$r" -v t="$t" '$1 == r && $2 == t {print $6}')
      echo "| $r | $t | $wp50 | $wp99 | $(hist_q "$work/hist-a-$t-$r.0" "$work/hist-a-$t-$r.1" 0.5) | $(hist_q "$work/hist-a-$t-$r.0" "$work/hist-a-$t-$r.1" 0.99) | $(hist_q "$work/hist-b-$t-$r.0" "$work/hist-b-$t-$r.1" 0.5) | $(hist_q "$work/hist-b-$t-$r.0" "$work/hist-b-$t-$r.1" 0.99) |"
    done
  done
  echo
  echo "Context switches of the sidecars' threads per mesh request (all threads, /proc/PID/task/*/status;"
  echo "voluntary: a thread blocked, e.g. in epoll; nonvoluntary: the scheduler took its core):"
  echo
  echo "| round | A voluntary | A nonvoluntary | B voluntary | B nonvoluntary |"
  echo "|---|---:|---:|---:|---:|"
  printf '%s' "$switch_rows" | awk -F'\t' '{printf "| %s | %.2f | %.3f | %.2f | %.3f |\n", $1, $3 / $2, $4 / $2, $5 / $2, $6 / $2}'
  echo
  echo "CPU of the sidecars per mesh round (ms of utime+stime from /proc/PID/stat):"
  echo
  echo "| round | A | B | seconds | req/s |"
  echo "|---|---:|---:|---:|---:|"
  printf '%s' "$cpu_rows" | awk -F'\t' '{printf "| %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5}'
  echo
  echo "Reproduce: \`bench/run.sh sidecar\` (knobs at the top of bench/sidecar.sh)."
} > "$OUT"
log "wrote $OUT"
cat "$OUT"
