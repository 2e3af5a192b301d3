#!/usr/bin/env bash
# Prints where Prometheus and promtool are (PROMETHEUS_BIN=..., PROMTOOL_BIN=...),
# building them first with `go install` when they are not in the cache yet
# (~/.cache/modelyard/bin/prometheus-<version>, like the temporal CLI and Ollama
# of scripts/test-services.sh). The build takes tens of minutes on 2 cores;
# test-services.sh starts it in the background so that `make test` finds it.
#
#   scripts/monitoring-tools.sh            # build if missing, print the paths
#   scripts/monitoring-tools.sh --no-build # print the paths, fail if missing
set -euo pipefail

# Prometheus 3.x tags are published to Go modules as v0.3xx.y (3.16.0 = v0.316.0).
PROMETHEUS_VERSION="${MODELYARD_PROMETHEUS_VERSION:-v0.316.0}"
CACHE_DIR="${MODELYARD_CACHE_DIR:-$HOME/.cache/modelyard}"
DIR="$CACHE_DIR/bin/prometheus-$PROMETHEUS_VERSION"

if [[ ! -x $DIR/prometheus || ! -x $DIR/promtool ]]; then
  if [[ ${1:-} == --no-build ]]; then
    echo "monitoring-tools: $DIR/prometheus or promtool is missing; run scripts/monitoring-tools.sh" >&2
    exit 1
  fi
  command -v go >/dev/null || { echo "monitoring-tools: Go is needed to build Prometheus" >&2; exit 1; }
  mkdir -p "$CACHE_DIR/build-logs"
  tmp="$DIR.tmp.$$"
  rm -rf "$tmp"
  mkdir -p "$tmp"
  log="$CACHE_DIR/build-logs/prometheus.log"
  echo "monitoring-tools: building Prometheus $PROMETHEUS_VERSION (log: $log)" >&2
  start=$SECONDS
  if ! env GOBIN="$tmp" GOFLAGS=-buildvcs=false CGO_ENABLED=0 go install -trimpath -ldflags "-s -w" \
    "github.com/prometheus/prometheus/cmd/prometheus@$PROMETHEUS_VERSION" \
    "github.com/prometheus/prometheus/cmd/promtool@$PROMETHEUS_VERSION" >"$log" 2>&1; then
    tail -n 30 "$log" >&2
    rm -rf "$tmp"
    exit 1
  fi
  rm -rf "$DIR"
  mv "$tmp" "$DIR"
  echo "monitoring-tools: built in $((SECONDS - start))s -> $DIR" >&2
fi
echo "PROMETHEUS_BIN=$DIR/prometheus"
echo "PROMTOOL_BIN=$DIR/promtool"
