#!/usr/bin/env bash
# Added latency of the gateway against calling the same fast backend directly, with LiteLLM's
# proxy measured the same way beside it, and two plain proxies as floors (a Netty event loop in a
# JVM, and nginx where it is installed).
#   bench/gateway-latency.sh [sequential-seconds] [rate-per-second] [seconds]
#   bench/gateway-latency.sh soak [rate-per-second] [minutes]      (resident size minute by minute)
#   bench/gateway-latency.sh quick [sequential-seconds] [rate-per-second] [seconds]
#                                  (the non-streamed rows only, without LiteLLM: to try a change)
# Modelyard runs on embedded defaults unless DATABASE_URL, TEMPORAL_ADDRESS and REDIS_URL name real
# services; BENCH_TOPOLOGY=split runs the API and workers jars as two processes on those services
# and measures the API process; BENCH_JAVA_OPTS replaces the JVM options.
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME="$(scripts/java-home.sh)"

# LiteLLM from PyPI, in a throwaway virtual environment kept between runs.
LITELLM_VERSION=1.108.7
venv="${HOME}/.cache/modelyard/litellm-${LITELLM_VERSION}"
if [[ ! -x "$venv/bin/litellm" ]]; then
  echo "installing litellm[proxy]==${LITELLM_VERSION} into $venv" >&2
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q "litellm[proxy]==${LITELLM_VERSION}"
fi

# Vegeta, the load generator, built once from the Go module proxy.
VEGETA_VERSION=v12.13.0
vegeta="${HOME}/.cache/modelyard/bin/vegeta-${VEGETA_VERSION}/vegeta"
if [[ ! -x "$vegeta" ]]; then
  echo "building vegeta ${VEGETA_VERSION} into $(dirname "$vegeta")" >&2
  GOBIN="$(dirname "$vegeta")" go install "github.com/tsenart/vegeta/v12@${VEGETA_VERSION}"
fi

./mvnw -q -B install -DskipTests -Dspotless.check.skip -pl bench,standalone,api,workers -am
classpath=$(./mvnw -q -B -pl bench dependency:build-classpath -Dmdep.outputFile=/dev/stdout)
exec "$JAVA_HOME/bin/java" -XX:+UseZGC \
  -Dmodelyard.jar="$(ls standalone/target/modelyard-standalone-*.jar | grep -v original | head -1)" \
  -Dmodelyard.api.jar="$(ls api/target/modelyard-api-*-exec.jar | head -1)" \
  -Dmodelyard.workers.jar="$(ls workers/target/modelyard-workers-*-exec.jar | head -1)" \
  -Dlitellm.bin="$venv/bin/litellm" \
  -Dnginx.bin="$(command -v nginx || echo /usr/sbin/nginx)" \
  -Dvegeta.bin="$vegeta" \
  -cp "bench/target/classes:$classpath" dev.modelyard.bench.GatewayLatencyBenchmark "$@"
