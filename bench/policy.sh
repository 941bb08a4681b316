# shellcheck shell=bash
# Sourced by run.sh (modes "policy" and "policy-jmh"): what the issue-5 policy set costs.
#
# policy: two Crossgate gateways on the proxy core, in front of the same nginx backend: "none"
# with no policy (load/crossgate.yaml.tmpl) and "policy" with RS256 JWT (inline JWKS), one Role +
# RoleBinding, one AuthorizationPolicy with a CEL condition and a local rate limit that never
# triggers (load/crossgate-policy.yaml.tmpl). Every request to both carries the same bearer token
# (a fresh RSA key per run), so both parse the same bytes and only the policy gateway verifies
# it. The two are measured interleaved in round pairs (A B, then B A, ...; BENCH_ROUNDS and
# BENCH_RATE_ROUNDS, 5 each by default) so machine drift hits both, and the report gives the
# medians over rounds and each pair's own ratio / p99 difference. Saturation with wrk; fixed
# rate with h2load (Debian has no wrk2), its connections made 1 ms apart so requests do not
# leave in bursts (see rate_point). Goal (issue 5): throughput >= 0.75x and p99 at 1,000 req/s
# <= +1 ms.
# policy-jmh: builds the bench module and runs AuthnAuthzBenchmark (RS256/ES256 verification
# with cached keys, one CEL evaluation, one whole authorization decision). JMH options go in
# BENCH_JMH_ARGS (default: -f 1 -wi 3 -i 5 -w 3s -r 3s).

b64url() { base64 -w0 | tr '+/' '-_' | tr -d '='; }

make_token() { # sets jwks and token: a fresh RSA-2048 key, its JWKS, a token valid for a day
  local key="$work/jwt-key.pem" n now h p sig
  openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$key" 2>/dev/null
  n="$(openssl rsa -in "$key" -noout -modulus | sed 's/^Modulus=//' | xxd -r -p | b64url)"
  jwks="{\"keys\": [{\"kty\": \"RSA\", \"kid\": \"bench-1\", \"alg\": \"RS256\", \"use\": \"sig\", \"n\": \"$n\", \"e\": \"AQAB\"}]}"
  now="$(date +%s)"
  h="$(printf '{"alg":"RS256","typ":"JWT","kid":"bench-1"}' | b64url)"
  p="$(printf '{"iss":"bench-issuer","aud":"bench","sub":"alice","groups":["staff"],"iat":%d,"exp":%d}' \
    "$now" $((now + 86400)) | b64url)"
  sig="$(printf '%s.%s' "$h" "$p" | openssl dgst -sha256 -sign "$key" -binary | b64url)"
  token="$h.$p.$sig"
}

start_crossgate_policy() {
  sed -e "s|@POLICY_PORT@|$POLICY_PORT|g" -e "s|@BACKEND_PORT@|$BACKEND_PORT|g" \
      -e "s|@JWKS@|$jwks|g" "$here/load/crossgate-policy.yaml.tmpl" > "$work/crossgate-policy.yaml"
  CROSSGATE_NO_BUILD=1 taskset -c "$PROXY_CPU" "$root/crossgate" gateway \
    --config "$work/crossgate-policy.yaml" --port "$POLICY_PORT" \
    --admin-port "$POLICY_ADMIN_PORT" --access-log off --event-loops 1 \
    --reload-interval 1h > "$work/crossgate-policy.out" 2>&1 &
  pids+=($!); target_pid[policy]=$!
  wait_http "http://127.0.0.1:$POLICY_ADMIN_PORT/ready" 60 crossgate-policy
}

status_of() { # url [curl args...]
  local url="$1"; shift
  curl -sS -o /dev/null -w '%{http_code}' --max-time 5 "$@" "$url"
}

check_policy_targets() {
  local auth="authorization: Bearer $token" size code i
  for i in $(seq 1 50); do
    code="$(status_of "${url_h1[policy]}/" -H "$auth" || true)"
    [ "$code" = 200 ] && break
    sleep 0.2
  done
  for t in crossgate policy; do
    size="$(curl -fsS -H "$auth" "${url_h1[$t]}/" | wc -c)"
    [ "$size" = 1024 ] || die "$t: / with the token returned $size bytes (expected: 1024)"
  done
  code="$(status_of "${url_h1[policy]}/")"
  [ "$code" = 403 ] || die "policy: / without a token answered $code (expected: 403 from the RoleBinding)"
  code="$(status_of "${url_h1[policy]}/" -H "authorization: Bearer ${token%??}AA")"
  [ "$code" = 401 ] || die "policy: / with a forged signature answered $code (expected: 401)"
  code="$(status_of "${url_h1[policy]}/" -X DELETE -H "$auth")"
  [ "$code" = 403 ] || die "policy: DELETE answered $code (expected: 403 from the CEL condition)"
  log "both gateways serve 1 KB with the token; the policy gateway answers 403 without it, 401 to a forged one, 403 to DELETE"
}

# Fixed rate with the connections' send times spread: h2load gives each connection its own
# timer of 1/(RATE/RATE_CLIENTS) s, started when the connection is made. With plain -c10 all
# ten connect at once and their timers fire together: ten requests leave in one burst every
# 10 ms and queue behind each other in a one-event-loop proxy, so the p99 (~3.5 ms with no
# policy) was largely the burst's queue, not the proxy. -r1 --rate-period 1/RATE s makes the connections one 1/RATE s apart,
# so their timers interleave and requests arrive evenly (1 ms at most: h2load's unit). -r
# excludes -D, so the length is a request count; the gateways are warm from the saturation
# rounds. "bunched" is the share of requests sent within 100 us of the previous one: near 0
# when requests are spread; 81-90% with the old bursts (measured on the shared 2-core VM).
rate_point() { # scenario round target
  local scenario="$1" round="$2" target="$3"
  local logf="$work/h2load-$scenario-$target-$round.log" out
  local gap_ms=$((RATE >= 1000 ? 1 : 1000 / RATE)) # h2load takes whole milliseconds here
  local cmd=(h2load --h1 -c"$RATE_CLIENTS" -r1 --rate-period "${gap_ms}ms"
             -n "$((RATE * RATE_SECONDS))" --rps "$((RATE / RATE_CLIENTS))"
             -H "authorization: Bearer $token" --log-file "$logf" "${url_h1[$target]}/")
  record_cmd "$scenario/$target: taskset -c $LOAD_CPU ${cmd[*]}"
  out="$(measured "$target" "${cmd[@]}" 2>&1; echo "CPU $m_cpu $m_corep $m_corel")" || true
  local cpu; cpu="$(grep '^CPU' <<<"$out")"; read -r _ m_cpu m_corep m_corel <<<"$cpu"
  local ok failed rps errs pct p50 p99 p999 bunched
  ok="$(sed -n 's/^requests: .* \([0-9]*\) succeeded.*/\1/p' <<<"$out")"
  failed="$(sed -n 's/^requests: .* \([0-9]*\) failed, \([0-9]*\) errored, \([0-9]*\) timeout.*/\1 \2 \3/p' <<<"$out")"
  rps="$(sed -n 's/^finished in [0-9.]*s, \([0-9.]*\) req\/s.*/\1/p' <<<"$out")"
  if [ -z "$ok" ] || [ "$ok" = 0 ] || [ ! -s "$logf" ]; then
    log "$scenario/$target: no successful request ($(grep -iE 'error|fail' <<<"$out" | head -3 | tr '\n' ' '))"
    add_result "$scenario" "$round" "$target" 0 0 0 0 "all" "$m_cpu" "$m_corep" "$m_corel" - \
      "no successful request"
    return
  fi
  errs="$(awk '{s += $1 + $2 + $3} END {print s + 0}' <<<"$failed")"
  pct="$(awk -F'\t' '$2 >= 200 && $2 < 400 {print $3}' "$logf" | sort -n | awk '
    {a[NR] = $1} END {
      i50 = int(NR * 0.50); if (i50 < 1) i50 = 1
      i99 = int(NR * 0.99); if (i99 < 1) i99 = 1
      i999 = int(NR * 0.999); if (i999 < 1) i999 = 1
      print a[i50], a[i99], a[i999]}')"
  read -r p50 p99 p999 <<<"$pct"
  bunched="$(cut -f1 "$logf" | sort -n | awk 'NR > 1 && $1 - p < 100 {c++} {p = $1}
    END {printf "%.0f%%", (NR > 1 ? 100 * c / (NR - 1) : 0)}')"
  rps="$(printf '%.0f' "${rps:-0}")"
  add_result "$scenario" "$round" "$target" "$rps" "$p50" "$p99" "$p999" "$errs" \
    "$m_cpu" "$m_corep" "$m_corel" - "bunched $bunched"
  log "$scenario/$target round $round: $rps req/s, p50 $p50 us, p99 $p99 us, p99.9 $p999 us, errors $errs, proxy CPU ${m_cpu}%, bunched $bunched"
}

# The pair order of round r: A B in odd rounds, B A in even ones, so neither gateway always
# runs second (after the other one's load, with its caches and the core's state).
pair_order() { if [ $(($1 % 2)) = 1 ]; then echo crossgate policy; else echo policy crossgate; fi; }

gc_summary() { # gc log: "pauses N, total T ms, longest M ms"
  [ -s "$1" ] || { echo "no GC log"; return; }
  awk '/Pause/ && /ms$/ {n++; v = $NF; sub(/ms$/, "", v); t += v; if (v + 0 > m) m = v + 0}
    END {printf "%d pauses, %.1f ms in total, longest %.2f ms", n, t, m}' "$1"
}

run_policy() {
  # Five round pairs by default (run.sh's default is 3): medians of 5 move less with drift.
  ROUNDS="${BENCH_ROUNDS:-5}"
  RATE_ROUNDS="${BENCH_RATE_ROUNDS:-5}"
  load_start="$(cut -d' ' -f1-3 /proc/loadavg)"
  prepare
  make_token
  url_h1[policy]="http://127.0.0.1:$POLICY_PORT"
  start_backend
  JAVA_OPTS="${JAVA_OPTS:-} -Xlog:gc:file=$work/gc-crossgate.log" start_crossgate
  JAVA_OPTS="${JAVA_OPTS:-} -Xlog:gc:file=$work/gc-policy.log" start_crossgate_policy
  check_policy_targets
  WRK_EXTRA=(-H "authorization: Bearer $token")
  local t r
  for t in crossgate policy; do
    log "warming up $t (${WARMUP}s, with the token; not measured)"
    taskset -c "$LOAD_CPU" wrk -t1 -c"$CONNS" -d"${WARMUP}s" "${WRK_EXTRA[@]}" "${url_h1[$t]}/" \
      >/dev/null 2>&1 || true
  done
  for r in $(seq 1 "$ROUNDS"); do
    for t in $(pair_order "$r"); do wrk_point h1-sat "$r" "$t" / "$CONNS" "$SAT_SECONDS"; done
  done
  for r in $(seq 1 "$RATE_ROUNDS"); do
    for t in $(pair_order "$r"); do rate_point h1-rate "$r" "$t"; done
  done
  crossgate_errors="$(cat "$work/crossgate.out" "$work/crossgate-policy.out" | grep -c ' ERROR ' || true)"
  gc_none="$(gc_summary "$work/gc-crossgate.log")"
  gc_policy="$(gc_summary "$work/gc-policy.log")"
  write_policy_report
}

verdict() { # value op limit
  awk -v v="$1" -v l="$3" -v op="$2" 'BEGIN {
    if (v == "-" || v == "") {print "not measured"; exit}
    ok = (op == ">=") ? (v + 0 >= l + 0) : (v + 0 <= l + 0)
    print (ok ? "met" : "NOT met")}'
}

# One row per round pair: round, no-policy value, policy value, ratio or difference.
# Prints TSV: round a b pair(ratio for req/s, difference in ms for p99)
pairs() { # scenario column(4 = req/s, 6 = p99 us)
  printf '%s' "$results" | awk -F'\t' -v s="$1" -v k="$2" '
    $1 == s && $3 == "crossgate" {a[$2] = $k}
    $1 == s && $3 == "policy" {b[$2] = $k}
    END {
      for (r = 1; r in a || r in b; r++) {
        if (!(r in a) || !(r in b) || a[r] + 0 <= 0 || b[r] + 0 <= 0) {print r "\t-\t-\t-"; continue}
        if (k == 4) printf "%d\t%d\t%d\t%.2f\n", r, a[r], b[r], b[r] / a[r]
        else printf "%d\t%.2f\t%.2f\t%+.2f\n", r, a[r] / 1000, b[r] / 1000, (b[r] - a[r]) / 1000
      }}'
}
bunched_of() { # round target: the "bunched" share of that fixed-rate point
  printf '%s' "$results" | awk -F'\t' -v r="$1" -v t="$2" '
    $1 == "h1-rate" && $2 == r && $3 == t {sub(/^bunched /, "", $13); print $13}'
}
median_col() { # stdin: TSV; column
  awk -F'\t' -v k="$1" '$k != "-" {n++; v[n] = $k + 0}
    END {if (n == 0) {print "-"; exit}
      for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (v[j] < v[i]) {x = v[i]; v[i] = v[j]; v[j] = x}
      if (n % 2) m = v[(n + 1) / 2]; else m = (v[n / 2] + v[n / 2 + 1]) / 2
      print m}'
}

write_policy_report() {
  local sat rate
  sat="$(pairs h1-sat 4)"; rate="$(pairs h1-rate 6)"
  local nrps prps tput tput_pairs n99 p99 dp99 dp99_pairs
  nrps="$(median_col 2 <<<"$sat")"; prps="$(median_col 3 <<<"$sat")"
  tput="$(awk -v a="$prps" -v b="$nrps" 'BEGIN {if (a + 0 > 0 && b + 0 > 0) printf "%.2f", a / b; else print "-"}')"
  tput_pairs="$(median_col 4 <<<"$sat")"
  n99="$(median_col 2 <<<"$rate")"; p99="$(median_col 3 <<<"$rate")"
  dp99="$(awk -v a="$p99" -v b="$n99" 'BEGIN {if (a != "-" && b != "-") printf "%+.2f", a - b; else print "-"}')"
  dp99_pairs="$(median_col 4 <<<"$rate")"
  [ "$dp99_pairs" = - ] || dp99_pairs="$(printf '%+.2f' "$dp99_pairs")"
  [ "$tput_pairs" = - ] || tput_pairs="$(printf '%.2f' "$tput_pairs")"
  mkdir -p "$(dirname "$OUT")"
  {
    echo "# Policy overhead, $TODAY"
    echo
    if [ -n "${BENCH_NOTE:-}" ]; then echo "**$BENCH_NOTE**"; echo; fi
    echo "Written by \`bench/run.sh policy\`. Two Crossgate gateways (1 event loop each, both on core"
    echo "$PROXY_CPU) in front of the same nginx backend on core $LOAD_CPU (\`GET /\`, 1,024-byte body):"
    echo "**none**, no policy, and **policy**, with RS256 JWT authentication (inline JWKS, one"
    echo "RSA-2048 key), one Role + RoleBinding (subject: the token's \`sub\`), one DENY"
    echo "AuthorizationPolicy whose CEL condition is evaluated on every request and a local rate limit"
    echo "(1,000,000/s per client address) — see [\`load/crossgate-policy.yaml.tmpl\`](../load/crossgate-policy.yaml.tmpl)."
    echo "Every request to both carries the same bearer token. The two are measured **interleaved**:"
    echo "each round runs one point on each (none then policy in odd rounds, policy then none in even"
    echo "ones), so drift of the shared machine hits both; the goal is read from the medians over"
    echo "rounds, and each round pair's own ratio and difference are shown beside them."
    echo
    echo "## Goal (issue 5)"
    echo
    echo "| | goal | medians over rounds | | median of the round pairs | |"
    echo "|---|---|---|---|---|---|"
    echo "| throughput, policy / none | ≥ 0.75× | ${tput}× | $(verdict "$tput" '>=' 0.75) | ${tput_pairs}× | $(verdict "$tput_pairs" '>=' 0.75) |"
    echo "| p99 at $RATE req/s, policy − none | ≤ +1 ms | ${dp99} ms | $(verdict "$dp99" '<=' 1) | ${dp99_pairs} ms | $(verdict "$dp99_pairs" '<=' 1) |"
    echo
    echo "The medians over rounds are taken for each gateway on its own; the round pairs' median is"
    echo "the median of each pair's own ratio (difference), which cancels drift slower than one pair"
    echo "(~25 s). When the two columns disagree, the machine moved during the run: trust the pairs."
    echo
    echo "## HTTP/1.1 saturation ($CONNS connections, ${SAT_SECONDS} s per point, $ROUNDS round pairs)"
    echo
    echo "| round | none req/s | policy req/s | policy / none |"
    echo "|---|---|---|---|"
    printf '%s\n' "$sat" | awk -F'\t' '{printf "| %s | %s | %s | %s× |\n", $1, $2, $3, $4}'
    echo "| **median** | **$nrps** | **$prps** | **${tput}×** (pairs: ${tput_pairs}×) |"
    echo
    echo "## HTTP/1.1 fixed rate $RATE req/s (${RATE_SECONDS} s per point, $RATE_ROUNDS round pairs)"
    echo
    echo "h2load, $RATE_CLIENTS keep-alive connections at $((RATE / RATE_CLIENTS)) req/s each, made 1/$RATE s apart"
    echo "(\`-r1 --rate-period\`) so their send timers interleave and requests arrive evenly instead"
    echo "of in bursts of $RATE_CLIENTS; percentiles from h2load's per-request log (successful responses,"
    echo "from send to last byte). \"bunched\": the share of requests sent within"
    echo "100 µs of the previous one (near 0 when the load is spread; high on a loaded machine,"
    echo "where the load generator waits for its core and then sends what is due at once)."
    echo
    echo "| round | none p99 ms | policy p99 ms | policy − none ms | bunched none / policy |"
    echo "|---|---|---|---|---|"
    printf '%s\n' "$rate" | while IFS=$'\t' read -r r a b d; do
      echo "| $r | $a | $b | $d | $(bunched_of "$r" crossgate) / $(bunched_of "$r" policy) |"
    done
    echo "| **median** | **$n99** | **$p99** | **${dp99}** (pairs: ${dp99_pairs}) | |"
    echo
    echo "p50 / p99.9 medians, ms: none $(fmt_ms "$(median_of h1-rate crossgate 5)") / $(fmt_ms "$(median_of h1-rate crossgate 7)"),"
    echo "policy $(fmt_ms "$(median_of h1-rate policy 5)") / $(fmt_ms "$(median_of h1-rate policy 7)")."
    echo
    echo "Garbage collection over the whole run (\`-Xlog:gc\`): none $gc_none; policy $gc_policy."
    echo "Crossgate ERROR log lines during the run: ${crossgate_errors:-0}."
    echo
    machine_section
    echo "## Commands"
    echo
    echo '```'
    printf '%s' "$commands" | sed -e "s|$work|\$D|g" -e "s|$here/|bench/|g" \
      -e "s|Bearer [A-Za-z0-9._-]*|Bearer \$TOKEN|g"
    echo '```'
    echo
    echo "<details><summary>Raw results (TSV)</summary>"
    echo
    echo '```'
    echo "scenario	round	target	rps	p50_us	p99_us	p999_us	errors	proxy_cpu%	core_p%	core_l%	MiB/s	note"
    printf '%s' "$results" | sed 's/\tcrossgate\t/\tnone\t/'
    echo '```'
    echo
    echo "</details>"
    echo
    echo "JMH for the per-request pieces (JWT verification with cached keys, CEL evaluation, one"
    echo "authorization decision): \`bench/run.sh policy-jmh\`."
  } > "$OUT"
  log "wrote $OUT"
}

run_policy_jmh() {
  "$root/mvnw" -q -B -ntp -f "$root/pom.xml" -pl bench -am package -DskipTests
  # shellcheck disable=SC2086
  java -jar "$here/target/benchmarks.jar" AuthnAuthz ${BENCH_JMH_ARGS:--f 1 -wi 3 -i 5 -w 3s -r 3s}
}
