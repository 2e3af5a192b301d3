#!/usr/bin/env bash
# Stops the services started by scripts/test-services.sh (via their pid files).
#   scripts/stop-services.sh           # stop; keep data (a restart reuses it)
#   scripts/stop-services.sh --purge   # stop, then delete .modelyard-test and
#                                      # /var/lib/modelyard-test/<hash> of this checkout
# Build caches under ~/.cache/modelyard are kept either way.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
# shellcheck source=test-services/lib.sh
source "$REPO_ROOT/scripts/test-services/lib.sh"

PURGE=0
for arg in "$@"; do
  case "$arg" in
    --purge) PURGE=1 ;;
    -h | --help) sed -n '2,6p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument: $arg" ;;
  esac
done
[[ $(id -u) -eq 0 ]] || die "must run as root"

if [[ -d $STATE_DIR ]]; then
  stop_pidfile ollama "$STATE_DIR/ollama/ollama.pid" serve 30
  stop_pidfile temporal "$STATE_DIR/temporal/temporal.pid" "server start-dev" 30
  stop_pidfile nginx "$STATE_DIR/nginx/nginx.pid" nginx 15
  # Stop dockerd before the registry; it takes its containerd down with it.
  stop_pidfile docker "$STATE_DIR/docker/dockerd.pid" dockerd 60
  rm -f "$STATE_DIR/docker/dockerd.spawn.pid"
  stop_pidfile registry "$STATE_DIR/registry/registry.pid" docker-registry 15
  stop_pidfile redis "$STATE_DIR/redis/redis.pid" redis-server 15
fi
if [[ -s $PG_DATA/postmaster.pid ]] && pid_running "$PG_DATA/postmaster.pid" postgres; then
  if runuser -u "$PG_USER" -- "$(pg_bin pg_ctl)" -D "$PG_DATA" -m fast -w -t 60 stop >/dev/null; then
    log "postgres: stopped"
  else
    warn "postgres: pg_ctl stop failed"
  fi
else
  log "postgres: not running"
fi

if ((PURGE)); then
  # Docker may leave overlay and netns mounts behind.
  unmount_below "$DOCKER_DATA_ROOT"
  unmount_below "$DOCKER_EXEC_ROOT"
  rm -rf "$STATE_DIR" "$VAR_DIR" "$DOCKER_EXEC_ROOT"
  log "purged $STATE_DIR and $VAR_DIR"
fi
