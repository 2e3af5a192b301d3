#!/usr/bin/env bash
# Orchestration overhead of load and unload: through the workflows minus the raw runtime calls.
#   bench/lifecycle-overhead.sh [cycles] [model.gguf]
# TEMPORAL_ADDRESS / DATABASE_URL pick real servers (e.g. from .modelyard-test/services.env);
# unset, the benchmark embeds both.
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME="$(scripts/java-home.sh)"
./mvnw -q -B install -DskipTests -Dspotless.check.skip -pl bench -am
classpath=$(./mvnw -q -B -pl bench dependency:build-classpath -Dmdep.outputFile=/dev/stdout)
exec "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow \
  -cp "bench/target/classes:$classpath" dev.modelyard.bench.LifecycleOverheadBenchmark "$@"
