#!/usr/bin/env sh
# Replays a CRS release's regression suite through the WAF engine and prints pass/total per rule family.
# Usage: waf/run-crs.sh [crs-dir] [failures-file]   (default: ../shared/corpora/crs-v4.28.0)
set -e
cd "$(dirname "$0")/.."
CRS="${1:-$(pwd)/../shared/corpora/crs-v4.28.0}"
OUT="${2:-/tmp/crs-failures.txt}"
./mvnw -q -B -ntp -o -pl waf compile dependency:build-classpath -Dmdep.outputFile=waf/target/cp.txt >/dev/null
java -cp "waf/target/classes:$(cat waf/target/cp.txt)" dev.crossgate.waf.conformance.CrsConformance "$CRS" "$OUT" waf/conformance/crossgate-overrides.yaml
echo "failures written to $OUT"
