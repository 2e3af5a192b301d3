#!/usr/bin/env bash
# Added latency of the gateway against calling the same fast backend directly.
#   bench/gateway-latency.sh [sequential-requests] [rate-per-second] [seconds]
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME="$(scripts/java-home.sh)"
./mvnw -q -B install -DskipTests -Dspotless.check.skip -pl bench,standalone -am
classpath=$(./mvnw -q -B -pl bench dependency:build-classpath -Dmdep.outputFile=/dev/stdout)
exec "$JAVA_HOME/bin/java" -XX:+UseZGC \
  -Dmodelyard.jar="$(ls standalone/target/modelyard-standalone-*.jar | grep -v original | head -1)" \
  -cp "bench/target/classes:$classpath" dev.modelyard.bench.GatewayLatencyBenchmark "$@"
