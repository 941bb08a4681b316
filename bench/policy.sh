# shellcheck shell=bash
# Sourced by run.sh (modes "policy" and "policy-jmh"): what the issue-5 policy set costs.
#
# policy: two Crossgate gateways on the proxy core, in front of the same nginx backend and
# measured one at a time: "crossgate" with no policy (load/crossgate.yaml.tmpl) and "policy"
# with RS256 JWT (inline JWKS), one Role + RoleBinding, one AuthorizationPolicy with a CEL
# condition and a local rate limit that never triggers (load/crossgate-policy.yaml.tmpl). Every
# request to both carries the same bearer token (a fresh RSA key per run), so both parse the same
# bytes and only the policy gateway verifies it. Saturation with wrk, fixed rate with h2load
# (Debian has no wrk2), as in the proxy scenario. Goal (issue 5): throughput >= 0.75x and p99
# at 1,000 req/s <= +1 ms.
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

run_policy() {
  load_start="$(cut -d' ' -f1-3 /proc/loadavg)"
  prepare
  make_token
  url_h1[policy]="http://127.0.0.1:$POLICY_PORT"
  start_backend; start_crossgate; start_crossgate_policy
  check_policy_targets
  WRK_EXTRA=(-H "authorization: Bearer $token")
  local t r
  for t in crossgate policy; do
    log "warming up $t (${WARMUP}s, with the token; not measured)"
    taskset -c "$LOAD_CPU" wrk -t1 -c"$CONNS" -d"${WARMUP}s" "${WRK_EXTRA[@]}" "${url_h1[$t]}/" \
      >/dev/null 2>&1 || true
  done
  for r in $(seq 1 "$ROUNDS"); do
    for t in crossgate policy; do wrk_point h1-sat "$r" "$t" / "$CONNS" "$SAT_SECONDS"; done
  done
  for r in $(seq 1 "$RATE_ROUNDS"); do
    for t in crossgate policy; do
      h2load_point h1-rate "$r" "$t" "${url_h1[$t]}/" --h1 -c"$RATE_CLIENTS" \
        --rps "$((RATE / RATE_CLIENTS))" -D"$RATE_SECONDS" --warm-up-time 2 \
        -H "authorization: Bearer $token"
    done
  done
  crossgate_errors="$(cat "$work/crossgate.out" "$work/crossgate-policy.out" | grep -c ' ERROR ' || true)"
  write_policy_report
}

verdict() { # value op limit
  awk -v v="$1" -v l="$3" -v op="$2" 'BEGIN {
    if (v == "-" || v == "") {print "not measured"; exit}
    ok = (op == ">=") ? (v + 0 >= l + 0) : (v + 0 <= l + 0)
    print (ok ? "met" : "NOT met")}'
}

write_policy_report() {
  local nrps n50 n99 n999 nerr ncpu nrounds prps p50 p99 p999 perr pcpu prounds
  IFS=$'\t' read -r nrps n50 n99 n999 nerr ncpu _ _ _ _ nrounds <<<"$(pick h1-sat crossgate)"
  IFS=$'\t' read -r prps p50 p99 p999 perr pcpu _ _ _ _ prounds <<<"$(pick h1-sat policy)"
  local rn50 rn99 rn999 rnerr rp50 rp99 rp999 rperr rnrps rprps
  IFS=$'\t' read -r rnrps rn50 rn99 rn999 rnerr _ <<<"$(pick h1-rate crossgate)"
  IFS=$'\t' read -r rprps rp50 rp99 rp999 rperr _ <<<"$(pick h1-rate policy)"
  local tput dp99
  tput="$(awk -v a="$prps" -v b="$nrps" 'BEGIN {if (a + 0 > 0 && b + 0 > 0) printf "%.2f", a / b; else print "-"}')"
  dp99="$(awk -v a="$rp99" -v b="$rn99" 'BEGIN {if (a + 0 > 0 && b + 0 > 0) printf "%.2f", (a - b) / 1000; else print "-"}')"
  mkdir -p "$(dirname "$OUT")"
  {
    echo "# Policy overhead, $TODAY"
    echo
    if [ -n "${BENCH_NOTE:-}" ]; then echo "**$BENCH_NOTE**"; echo; fi
    echo "Written by \`bench/run.sh policy\`. Two Crossgate gateways (1 event loop each, both on core"
    echo "$PROXY_CPU, measured one at a time) in front of the same nginx backend (\`GET /\`, 1,024-byte"
    echo "body): **crossgate** with no policy, and **policy** with RS256 JWT authentication (inline"
    echo "JWKS, one RSA-2048 key), one Role + RoleBinding (subject: the token's \`sub\`), one DENY"
    echo "AuthorizationPolicy whose CEL condition is evaluated on every request and a local rate limit"
    echo "(1,000,000/s per client address) — see [\`load/crossgate-policy.yaml.tmpl\`](../load/crossgate-policy.yaml.tmpl)."
    echo "Every request to both carries the same bearer token."
    echo
    echo "## Goal (issue 5)"
    echo
    echo "| | measured | goal | |"
    echo "|---|---|---|---|"
    echo "| throughput, policy / no policy | ${tput}× | ≥ 0.75× | $(verdict "$tput" '>=' 0.75) |"
    echo "| p99 at $RATE req/s, policy − no policy | ${dp99} ms | ≤ +1 ms | $(verdict "$dp99" '<=' 1) |"
    echo
    echo "## HTTP/1.1 saturation ($CONNS connections, ${SAT_SECONDS} s, median of $ROUNDS rounds)"
    echo
    echo "| target | req/s | rounds (req/s) | p50 ms | p99 ms | p99.9 ms | errors | proxy CPU |"
    echo "|---|---|---|---|---|---|---|---|"
    echo "| crossgate (no policy) | $nrps | $nrounds | $(fmt_ms "$n50") | $(fmt_ms "$n99") | $(fmt_ms "$n999") | $nerr | ${ncpu}% |"
    echo "| policy | $prps | $prounds | $(fmt_ms "$p50") | $(fmt_ms "$p99") | $(fmt_ms "$p999") | $perr | ${pcpu}% |"
    echo
    echo "## HTTP/1.1 fixed rate $RATE req/s ($RATE_CLIENTS connections, ${RATE_SECONDS} s, median of $RATE_ROUNDS rounds by p99)"
    echo
    echo "| target | req/s | p99 per round ms | p50 ms | p99 ms | p99.9 ms | errors |"
    echo "|---|---|---|---|---|---|---|"
    echo "| crossgate (no policy) | $rnrps | $(p99_rounds h1-rate crossgate) | $(fmt_ms "$rn50") | $(fmt_ms "$rn99") | $(fmt_ms "$rn999") | $rnerr |"
    echo "| policy | $rprps | $(p99_rounds h1-rate policy) | $(fmt_ms "$rp50") | $(fmt_ms "$rp99") | $(fmt_ms "$rp999") | $rperr |"
    echo
    echo "Crossgate ERROR log lines during the run: ${crossgate_errors:-0}."
    echo
    machine_section
    echo "## Commands"
    echo
    echo '```'
    printf '%s' "$commands" | sed -e "s|$work|\$D|g" -e "s|Bearer [A-Za-z0-9._-]*|Bearer \$TOKEN|g"
    echo '```'
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
