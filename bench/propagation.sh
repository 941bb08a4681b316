#!/usr/bin/env bash
# Propagation benchmark: one policy engine with 1,000 routes, 1 real gateway + 99 simulated data
# planes on loopback; N changes with wait=true (API call -> last ACK), then route changes in a row
# under a fixed request rate through the gateway, counting failed requests.
#   bench/propagation.sh [routes=1000] [subscribers=100] [changes=200] [churn=1000] [rps=1000] [validate=0|1]
#                        [pause=200] [join=0|1]
# pause= ms between measured changes (a user's pace; each change is still timed from the API call
# to the last ACK); join=1 makes the simulated nodes join every snapshot into its whole JSON text
# (as nodes did before ReceivedSnapshot), for A/B runs. Prints CPU time and GC per change.
# Exits 1 if any request failed during the churn.
set -euo pipefail
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"  # the load loop keeps many sockets open
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# In the reactor, so the project's own modules resolve to their freshly built jars (no install).
./mvnw -q -B -o -pl bench -am package dependency:build-classpath -DskipTests \
  -Dmdep.outputFile=target/classpath.txt >/dev/null
java ${JAVA_OPTS:--Xmx1g} -cp "bench/target/classes:$(cat bench/target/classpath.txt)" \
  -Dlogback.configurationFile=/dev/null dev.crossgate.bench.PropagationBenchmark "$@"
