# shellcheck shell=bash disable=SC2034
# Shared settings and helpers for scripts/test-services.sh and scripts/stop-services.sh.
# Sourced, never executed. Expects REPO_ROOT to be set by the caller.

# ---- fixed versions ---------------------------------------------------------
# Temporal CLI: v1.5.1 is the newest release whose go.mod has no replace
# directive (v1.6.0+ replace ./cliext, which `go install pkg@version` refuses).
TEMPORAL_CLI_VERSION="${MODELYARD_TEMPORAL_CLI_VERSION:-v1.5.1}"
# Ollama: v0.24.0 is the newest tag on the module proxy that still carries the
# cgo-built llama.cpp/ggml sources (v0.30.0+ need a CMake-built native payload).
OLLAMA_VERSION="${MODELYARD_OLLAMA_VERSION:-v0.24.0}"

# ---- fixed ports --------------------------------------------------------------
PG_PORT=15432
REDIS_PORT=16379
REGISTRY_ADDR=127.0.0.1:5000
# nginx serves the registry's blobs here (another loopback address on purpose:
# Ollama only takes a redirect's Location when the host name differs).
REGISTRY_BLOBS_ADDR=127.0.0.2:18081
# nginx proxies the registry read-only here, its blob redirects pointing at a
# copy of the blob server limited to REGISTRY_SLOW_RATE per connection: pulls
# through it last long enough to watch progress (the tiny model's 1.75 MB of
# weights: about 6 s).
REGISTRY_SLOW_ADDR=127.0.0.1:5001
REGISTRY_SLOW_BLOBS_ADDR=127.0.0.2:18082
REGISTRY_SLOW_RATE=256k
NGINX_PORT=18080
TEMPORAL_PORT=17233
TEMPORAL_UI_PORT=18233
TEMPORAL_HTTP_PORT=17243
TEMPORAL_METRICS_PORT=17244
OLLAMA_ADDR=127.0.0.1:11434

# ---- paths --------------------------------------------------------------------
STATE_DIR="$REPO_ROOT/.modelyard-test"
ENV_FILE="$STATE_DIR/services.env"
SUPPORT_DIR="$REPO_ROOT/scripts/test-services"
CACHE_DIR="${MODELYARD_CACHE_DIR:-$HOME/.cache/modelyard}"
SHARED_MODELS_DIR="$REPO_ROOT/../shared/models"
TEST_GGUF_NAME=llama-2-tiny-random.gguf
# Data that a non-root user (PostgreSQL) must reach, or that should not live in
# the work tree (Docker's overlay layers), goes under /var/lib, one folder per
# checkout.
REPO_HASH="$(printf '%s' "$REPO_ROOT" | sha256sum | cut -c1-12)"
VAR_DIR="/var/lib/modelyard-test/$REPO_HASH"
RUN_DIR=/run/modelyard-test
PG_USER=modelyard-pg
PG_BASE="$VAR_DIR/postgres"
PG_DATA="$PG_BASE/data"
PG_LOG="$PG_BASE/postgres.log"
DOCKER_SOCK="$RUN_DIR/docker.sock"
DOCKER_EXEC_ROOT="$RUN_DIR/docker-exec"
DOCKER_DATA_ROOT="$VAR_DIR/docker"
DOCKER_BIN=/usr/bin/docker
# The CLI's dev server is built against a newer modernc.org/sqlite than the release pins: older
# ones can turn one cancelled query into "interrupted (9)" for every query after it, which stops
# the server for good under load (fixed upstream in temporalio/temporal#9198).
TEMPORAL_SQLITE_VERSION="${MODELYARD_TEMPORAL_SQLITE_VERSION:-v1.44.3}"
TEMPORAL_BIN="$CACHE_DIR/bin/temporal-$TEMPORAL_CLI_VERSION-sqlite-$TEMPORAL_SQLITE_VERSION/temporal"
OLLAMA_BIN="$CACHE_DIR/bin/ollama-$OLLAMA_VERSION/ollama"
OLLAMA_MODELS_DIR="$STATE_DIR/ollama/models"
TEST_IMAGE="$REGISTRY_ADDR/modelyard/busybox:test"
OLLAMA_IMAGE="$REGISTRY_ADDR/modelyard/ollama:test"
OLLAMA_TEST_MODEL=tiny
OLLAMA_REGISTRY_MODEL="$REGISTRY_ADDR/library/tiny"
OLLAMA_SLOW_REGISTRY_MODEL="$REGISTRY_SLOW_ADDR/library/tiny"
HF_TEST_REPO=modelyard/tiny-random-llama-2-GGUF

export PATH="/usr/local/go/bin:/usr/lib/postgresql/15/bin:$PATH:/usr/sbin:/sbin"

log() { printf '[test-services] %s\n' "$*"; }
warn() { printf '[test-services] WARNING: %s\n' "$*" >&2; }
die() { printf '[test-services] ERROR: %s\n' "$*" >&2; exit 1; }

# pg_bin NAME: path of a PostgreSQL server binary (newest installed major).
pg_bin() {
  local d
  for d in $(printf '%s\n' /usr/lib/postgresql/*/bin | sort -t/ -k5 -V -r); do
    if [[ -x "$d/$1" ]]; then printf '%s\n' "$d/$1"; return 0; fi
  done
  return 1
}

# pid_running PIDFILE [PATTERN]: true if the pid in PIDFILE is alive and (when
# given) its command line contains PATTERN (guards against recycled pids).
pid_running() {
  local pidfile=$1 pattern=${2:-} pid
  [[ -s "$pidfile" ]] || return 1
  pid=$(head -n1 "$pidfile" 2>/dev/null | tr -dc '0-9')
  [[ -n "$pid" ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  if [[ -n "$pattern" ]]; then
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$pattern" || return 1
  fi
  return 0
}

# stop_pidfile NAME PIDFILE PATTERN [TIMEOUT]: SIGTERM, wait, then SIGKILL.
stop_pidfile() {
  local name=$1 pidfile=$2 pattern=$3 timeout=${4:-30} pid i
  if ! pid_running "$pidfile" "$pattern"; then
    rm -f "$pidfile"
    log "$name: not running"
    return 0
  fi
  pid=$(head -n1 "$pidfile" | tr -dc '0-9')
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < timeout * 5; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.2
  done
  if kill -0 "$pid" 2>/dev/null; then
    warn "$name (pid $pid) did not stop within ${timeout}s; sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    sleep 0.5
  fi
  rm -f "$pidfile"
  log "$name: stopped (pid $pid)"
}

# unmount_below DIR: lazily unmount everything mounted at or below DIR
# (overlay and netns mounts that a killed dockerd leaves behind).
unmount_below() {
  local m
  awk -v d="$1" '$2 == d || index($2, d "/") == 1 { print $2 }' /proc/mounts | sort -r |
    while read -r m; do umount -l "$m" 2>/dev/null || true; done
}
