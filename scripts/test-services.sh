#!/usr/bin/env bash
# Installs (when missing) and starts the real services that Modelyard's tests
# use, all on loopback, then writes .modelyard-test/services.env (KEY=VALUE).
#
#   scripts/test-services.sh [SERVICE...]    # default: all services
#   scripts/stop-services.sh [--purge]       # stops them (and deletes their data)
#
# Services and fixed ports:
#   postgres  127.0.0.1:15432   redis     127.0.0.1:16379
#   registry  127.0.0.1:5000    docker    unix:///run/modelyard-test/docker.sock
#   nginx     127.0.0.1:18080 (Hugging Face mirror; access log with Range)
#             127.0.0.2:18081 (the registry's blobs: blob GETs on :5000 answer
#             307 there, as Ollama's puller requires)
#             127.0.0.1:5001 -> 127.0.0.2:18082 (the registry read-only, its
#             blobs at 256 KB/s: a pull slow enough to watch its progress)
#   temporal  127.0.0.1:17233 (UI 18233)     ollama  127.0.0.1:11434
#   images    $REGISTRY/modelyard/ollama:test and the engine runner's base
#             (scripts/test-images/build.sh)
#
# Idempotent: a service that already answers its probe is only verified. Slow
# builds (temporal CLI, ollama via `go install`) are cached under
# ~/.cache/modelyard/bin (override with MODELYARD_CACHE_DIR). Must run as root.
# Data, logs and pid files live in .modelyard-test/ (PostgreSQL's data and
# Docker's data-root live under /var/lib/modelyard-test/<hash of repo path>,
# linked from .modelyard-test/postgres, because the checkout may not be
# readable by the postgres user).
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
# shellcheck source=test-services/lib.sh
source "$REPO_ROOT/scripts/test-services/lib.sh"

# Everything runs inside main so that bash parses the whole file before running
# it (safe against edits to this file while it runs).
main() {
ALL_SERVICES=(postgres redis registry nginx docker temporal ollama images)

usage() {
  sed -n '2,26p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
  echo "services: ${ALL_SERVICES[*]}"
}

SELECTED=()
for arg in "$@"; do
  case "$arg" in
    -h | --help) usage; exit 0 ;;
    postgres | redis | registry | docker | nginx | temporal | ollama | images) SELECTED+=("$arg") ;;
    *) usage >&2; die "unknown argument: $arg" ;;
  esac
done
((${#SELECTED[@]})) || SELECTED=("${ALL_SERVICES[@]}")
# The test images package the Ollama binary and are pushed through the Docker
# engine.
if [[ " ${SELECTED[*]} " == *" images "* ]]; then
  [[ " ${SELECTED[*]} " == *" docker "* ]] || SELECTED+=(docker)
  [[ " ${SELECTED[*]} " == *" ollama "* ]] || SELECTED+=(ollama)
fi
# docker and ollama push to / pull from the registry, whose blob downloads
# redirect to nginx.
if [[ " ${SELECTED[*]} " =~ \ (docker|ollama|registry)\  ]]; then
  [[ " ${SELECTED[*]} " == *" registry "* ]] || SELECTED+=(registry)
  [[ " ${SELECTED[*]} " == *" nginx "* ]] || SELECTED+=(nginx)
fi
selected() { [[ " ${SELECTED[*]} " == *" $1 "* ]]; }

[[ $(id -u) -eq 0 ]] || die "must run as root (it installs packages and starts daemons)"

T0=$SECONDS
mkdir -p "$STATE_DIR" "$CACHE_DIR/bin" "$CACHE_DIR/build-logs" "$RUN_DIR"
printf '*\n' >"$STATE_DIR/.gitignore"
exec 9>"$STATE_DIR/.lock"
flock -w 900 9 || die "another test-services.sh holds $STATE_DIR/.lock"
STATUS_FILE="$STATE_DIR/.status"
: >"$STATUS_FILE"

# Print a one-line status and remember it for the summary.
status() { log "$1: $2"; printf '%-9s %s\n' "$1" "$2" >>"$STATUS_FILE"; }

# wait_until NAME TIMEOUT_S LOGFILE CMD...: poll CMD every 0.5 s; on timeout, or
# as soon as the process that spawn last started has exited, fail with the tail
# of LOGFILE.
wait_until() {
  local name=$1 timeout=$2 logfile=$3 deadline
  shift 3
  deadline=$((SECONDS + timeout))
  until "$@" >/dev/null 2>&1; do
    if [[ -n ${SPAWNED_PID:-} ]] && ! kill -0 "$SPAWNED_PID" 2>/dev/null; then
      echo "---- last lines of $logfile ----" >&2
      tail -n 40 "$logfile" >&2 2>/dev/null || echo "(no log)" >&2
      echo "---------------------------------" >&2
      SPAWNED_PID=
      die "$name exited before it came up"
    fi
    if ((SECONDS >= deadline)); then
      echo "---- last lines of $logfile ----" >&2
      tail -n 40 "$logfile" >&2 2>/dev/null || echo "(no log)" >&2
      echo "---------------------------------" >&2
      die "$name did not come up within ${timeout}s"
    fi
    sleep 0.5
  done
  SPAWNED_PID=
}

# spawn PIDFILE LOGFILE CMD...: start CMD detached (own session, no stdin), log
# to LOGFILE, record its pid (and remember it for the wait_until that follows).
spawn() {
  local pidfile=$1 logfile=$2
  shift 2
  mkdir -p "$(dirname "$pidfile")" "$(dirname "$logfile")"
  setsid "$@" >>"$logfile" 2>&1 </dev/null 9>&- &
  SPAWNED_PID=$!
  echo "$SPAWNED_PID" >"$pidfile"
}

# ---- packages -------------------------------------------------------------------
pkg_installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }

ensure_packages() {
  local missing=() p
  for p in "$@"; do pkg_installed "$p" || missing+=("$p"); done
  ((${#missing[@]})) || return 0
  log "installing Debian packages: ${missing[*]}"
  # Keep package maintainer scripts from starting the distribution's own
  # instances (nginx on :80, redis on :6379, ...).
  local policy=/usr/sbin/policy-rc.d created_policy=0
  if [[ ! -e $policy ]]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod 755 "$policy" && created_policy=1
  fi
  local rc=0
  {
    apt-get update -qq &&
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
  } >"$CACHE_DIR/build-logs/apt.log" 2>&1 || rc=$?
  ((created_policy)) && rm -f "$policy"
  if ((rc != 0)); then
    tail -n 30 "$CACHE_DIR/build-logs/apt.log" >&2
    die "apt-get install ${missing[*]} failed (log: $CACHE_DIR/build-logs/apt.log)"
  fi
}

# shellcheck: the k8s manifest tests lint k8s/deploy.sh with it.
PKGS=(curl ca-certificates procps util-linux shellcheck)
selected postgres && PKGS+=(postgresql postgresql-client)
selected redis && PKGS+=(redis-server redis-tools)
selected registry && PKGS+=(docker-registry)
# unzip: the engine runner's test image takes llama.cpp's libraries out of its jar.
selected docker && PKGS+=(docker.io busybox-static unzip)
selected nginx && PKGS+=(nginx)
# Headers that the Ollama module zip lacks (Go module zips omit vendor/ dirs).
if selected ollama && [[ ! -x $OLLAMA_BIN ]]; then PKGS+=(gcc g++ nlohmann-json3-dev libstb-dev); fi
ensure_packages "${PKGS[@]}"

# ---- background Go builds (cached) ---------------------------------------------------
declare -A BUILD_PID=() # (main's locals; bash scoping is dynamic)
declare -A BUILD_T0=()

# go_build_bg NAME BIN PACKAGE@VERSION LDFLAGS [ENV=VALUE...]
# go_build_bg NAME BIN PKG@VERSION LDFLAGS [ENV=VALUE ...]: go install in the background, into a
# cache folder that only appears when the build succeeded. With GO_PINS[NAME] set ("module@version
# ..."), it builds inside a throwaway module that requires those versions, so a dependency can be
# newer than the release pins (minimal version selection takes the highest).
declare -A GO_PINS=()
go_build_bg() {
  local name=$1 bin=$2 pkg=$3 ldflags=$4
  shift 4
  [[ -x $bin ]] && return 0
  command -v go >/dev/null || die "$name: Go is needed to build $pkg but 'go' is not on PATH"
  local dir tmp logf
  dir=$(dirname "$bin")
  tmp="$dir.tmp"
  logf="$CACHE_DIR/build-logs/$name.log"
  rm -rf "$tmp"
  mkdir -p "$tmp"
  log "$name: building $pkg in the background (log: $logf); this takes minutes on 2 cores"
  (
    set -e
    if [[ -n ${GO_PINS[$name]:-} ]]; then
      echo "# $(date -u +%FT%TZ) go build $pkg with ${GO_PINS[$name]}"
      mkdir -p "$tmp/src"
      cd "$tmp/src"
      go mod init "modelyard.test/$name"
      # shellcheck disable=SC2086 # the pins are words on purpose
      env "$@" GOFLAGS="-mod=mod -buildvcs=false" go get "$pkg" ${GO_PINS[$name]}
      env "$@" GOFLAGS="-mod=mod -buildvcs=false" go build -trimpath -ldflags "$ldflags" \
        -o "$tmp/$(basename "$bin")" "${pkg%@*}"
      cd /
      rm -rf "$tmp/src"
    else
      echo "# $(date -u +%FT%TZ) go install $pkg"
      env "$@" GOBIN="$tmp" GOFLAGS=-buildvcs=false go install -trimpath -ldflags "$ldflags" "$pkg"
    fi
    [[ -x "$tmp/$(basename "$bin")" ]]
    rm -rf "$dir"
    mv "$tmp" "$dir"
    echo "# $(date -u +%FT%TZ) done"
  ) >"$logf" 2>&1 </dev/null 9>&- &
  BUILD_PID[$name]=$!
  BUILD_T0[$name]=$SECONDS
}

# go_build_wait NAME BIN: wait for a build started by go_build_bg, with progress.
go_build_wait() {
  local name=$1 bin=$2 pid last=$SECONDS logf="$CACHE_DIR/build-logs/$1.log"
  if [[ -z ${BUILD_PID[$name]:-} ]]; then
    [[ -x $bin ]] || die "$name: $bin is missing and no build was started"
    return 0
  fi
  pid=${BUILD_PID[$name]}
  local limit=$((SECONDS + ${MODELYARD_BUILD_TIMEOUT:-4500}))
  while kill -0 "$pid" 2>/dev/null; do
    if ((SECONDS - last >= 60)); then
      last=$SECONDS
      log "$name: still building ($((SECONDS - BUILD_T0[$name]))s) ... $(grep -v '^go: downloading' "$logf" | tail -n1 | cut -c1-100)"
    fi
    if ((SECONDS > limit)); then
      kill "$pid" 2>/dev/null || true
      die "$name: build timed out (log: $logf)"
    fi
    sleep 2
  done
  # (The build is a child of the main shell, not of this service's subshell,
  # so judge it by its result: the binary only appears when it succeeded.)
  if [[ ! -x $bin ]]; then
    echo "---- last lines of $logf ----" >&2
    tail -n 40 "$logf" >&2
    die "$name: go install failed (log: $logf)"
  fi
  log "$name: built in $((SECONDS - BUILD_T0[$name]))s -> $bin"
  unset "BUILD_PID[$name]"
}

if selected temporal; then
  GO_PINS[temporal]="modernc.org/sqlite@$TEMPORAL_SQLITE_VERSION"
  go_build_bg temporal "$TEMPORAL_BIN" "github.com/temporalio/cli/cmd/temporal@$TEMPORAL_CLI_VERSION" \
    "-s -w -X github.com/temporalio/cli/temporalcli.Version=${TEMPORAL_CLI_VERSION#v}" CGO_ENABLED=0
fi
if selected ollama; then
  go_build_bg ollama "$OLLAMA_BIN" "github.com/ollama/ollama@$OLLAMA_VERSION" \
    "-s -w -X github.com/ollama/ollama/version.Version=${OLLAMA_VERSION#v}" \
    CGO_ENABLED=1 CGO_CPPFLAGS="-I$SUPPORT_DIR/ollama-include"
fi

# Prometheus and promtool for the monitoring tests, built once and cached like
# the CLIs above (scripts/monitoring-tools.sh; the tests call it with --no-build).
MONITORING_TOOLS_OUT="$CACHE_DIR/build-logs/monitoring-tools.out"
MODELYARD_CACHE_DIR="$CACHE_DIR" "$REPO_ROOT/scripts/monitoring-tools.sh" >"$MONITORING_TOOLS_OUT" 2>&1 </dev/null 9>&- &
MONITORING_TOOLS_PID=$!

# ---- the test model -------------------------------------------------------------------
TEST_GGUF=""
HF_TEST_SHA256="" HF_TEST_SIZE=""
if [[ -r "$SHARED_MODELS_DIR/$TEST_GGUF_NAME" ]]; then
  TEST_GGUF="$(cd "$SHARED_MODELS_DIR" && pwd -P)/$TEST_GGUF_NAME"
  HF_TEST_SHA256=$(sha256sum "$TEST_GGUF" | cut -d' ' -f1)
  HF_TEST_SIZE=$(stat -c %s "$TEST_GGUF")
fi
need_gguf() {
  [[ -n $TEST_GGUF ]] || die "$1 needs the test model $SHARED_MODELS_DIR/$TEST_GGUF_NAME, which is missing"
}

# ---- services ---------------------------------------------------------------------------
pg_probe() { pg_isready -q -h 127.0.0.1 -p "$PG_PORT" -t 2 2>/dev/null; }
psql_admin() { psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 -qAtX "$@"; }

svc_postgres() {
  local t=$SECONDS how=ready initdb pg_ctl
  initdb=$(pg_bin initdb) || die "postgres: no /usr/lib/postgresql/*/bin/initdb (package postgresql)"
  pg_ctl=$(pg_bin pg_ctl)
  mkdir -p "$STATE_DIR"
  [[ -e $STATE_DIR/postgres || -L $STATE_DIR/postgres ]] || ln -s "$PG_BASE" "$STATE_DIR/postgres"
  if pg_probe; then
    [[ -s $PG_DATA/postmaster.pid ]] || warn "postgres: port $PG_PORT answers but $PG_DATA is not in use: is another checkout's instance running?"
  else
    how=started
    id -u "$PG_USER" >/dev/null 2>&1 ||
      useradd --system --user-group --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$PG_USER"
    install -d -m 0755 /var/lib/modelyard-test "$VAR_DIR"
    install -d -m 0700 -o "$PG_USER" -g "$PG_USER" "$PG_BASE" "$PG_BASE/run"
    if [[ ! -s $PG_DATA/PG_VERSION ]]; then
      rm -rf "$PG_DATA"
      runuser -u "$PG_USER" -- "$initdb" -D "$PG_DATA" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 \
        >"$PG_BASE/initdb.log" 2>&1 || { tail -n 20 "$PG_BASE/initdb.log" >&2; die "postgres: initdb failed"; }
    fi
    # A pid file left by a killed server whose pid now belongs to someone else.
    if [[ -f $PG_DATA/postmaster.pid ]] && ! pid_running "$PG_DATA/postmaster.pid" postgres; then
      rm -f "$PG_DATA/postmaster.pid"
    fi
    runuser -u "$PG_USER" -- "$pg_ctl" -D "$PG_DATA" -l "$PG_LOG" -w -t 60 \
      -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -c unix_socket_directories=$PG_BASE/run -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
      start >/dev/null 9>&- || true
    wait_until postgres 60 "$PG_LOG" pg_probe
  fi
  psql_admin -c "DO \$\$ BEGIN
      IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'modelyard') THEN
        CREATE ROLE modelyard LOGIN CREATEDB PASSWORD 'modelyard';
      END IF; END \$\$;" >/dev/null
  [[ $(psql_admin -c "SELECT 1 FROM pg_database WHERE datname = 'modelyard'") == 1 ]] ||
    psql_admin -c "CREATE DATABASE modelyard OWNER modelyard" >/dev/null
  [[ $(psql -qAtX "postgresql://modelyard:modelyard@127.0.0.1:$PG_PORT/modelyard" -c 'SELECT 1') == 1 ]] ||
    die "postgres: cannot connect as modelyard"
  status postgres "$how in $((SECONDS - t))s: $(psql_admin -c 'SHOW server_version' | cut -d' ' -f1) on 127.0.0.1:$PG_PORT (data $PG_DATA)"
}

redis_probe() { [[ $(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null) == PONG ]]; }

svc_redis() {
  local t=$SECONDS how=ready dir="$STATE_DIR/redis"
  if ! redis_probe; then
    how=started
    mkdir -p "$dir"
    redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --save '' --appendonly no --protected-mode yes \
      --daemonize yes --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" --dir "$dir" 9>&- ||
      die "redis: redis-server failed to start (log: $dir/redis.log)"
    wait_until redis 30 "$dir/redis.log" redis_probe
  fi
  status redis "$how in $((SECONDS - t))s: $(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" info server | tr -d '\r' | sed -n 's/^redis_version://p') on 127.0.0.1:$REDIS_PORT"
}

registry_probe() { curl -fsS -m 3 -o /dev/null "http://$REGISTRY_ADDR/v2/" 2>/dev/null; }

svc_registry() {
  local t=$SECONDS how=ready dir="$STATE_DIR/registry" before=""
  mkdir -p "$dir/data"
  [[ -f $dir/config.yml ]] && before=$(sha256sum <"$dir/config.yml")
  sed -e "s|@REGISTRY_DATA@|$dir/data|" -e "s|@REGISTRY_ADDR@|$REGISTRY_ADDR|" -e "s|@REGISTRY_BLOBS_ADDR@|$REGISTRY_BLOBS_ADDR|" \
    "$SUPPORT_DIR/registry.yml.tmpl" >"$dir/config.yml"
  if pid_running "$dir/registry.pid" docker-registry && [[ $before != "$(sha256sum <"$dir/config.yml")" ]]; then
    how=restarted # its configuration changed
    stop_pidfile registry "$dir/registry.pid" docker-registry 15 >/dev/null
  fi
  if ! registry_probe; then
    [[ $how == restarted ]] || how=started
    pid_running "$dir/registry.pid" docker-registry && die "registry: pid $(cat "$dir/registry.pid") runs but $REGISTRY_ADDR does not answer"
    spawn "$dir/registry.pid" "$dir/registry.log" docker-registry serve "$dir/config.yml"
    wait_until registry 30 "$dir/registry.log" registry_probe
  elif ! pid_running "$dir/registry.pid" docker-registry; then
    warn "registry: $REGISTRY_ADDR answers but not with this checkout's registry (pid file $dir/registry.pid)"
  fi
  status registry "$how in $((SECONDS - t))s: docker-registry $(docker-registry --version | awk '{print $3}') on $REGISTRY_ADDR (blobs redirect to http://$REGISTRY_BLOBS_ADDR)"
}

# registry_blob_ok REPO DIGEST: the registry redirects the blob GET to nginx,
# which serves bytes with that digest.
registry_blob_ok() {
  local loc
  loc=$(curl -sS -m 10 -o /dev/null -w '%{http_code} %{redirect_url}' "http://$REGISTRY_ADDR/v2/$1/blobs/$2" 2>/dev/null)
  [[ $loc == "307 http://$REGISTRY_BLOBS_ADDR/"* ]] || { warn "registry: blob GET answered '$loc', expected a 307 to $REGISTRY_BLOBS_ADDR"; return 1; }
  [[ "sha256:$(curl -fsS -m 30 "${loc#307 }" 2>/dev/null | sha256sum | cut -d' ' -f1)" == "$2" ]] ||
    { warn "registry: redirected blob ${loc#307 } does not match $2"; return 1; }
}

# registry_slow_ok REPO DIGEST: the slow proxy serves REPO's manifest and
# redirects the blob GET to the rate-limited blob server, which serves it (only
# its first bytes are checked here: all of it takes seconds, by design).
registry_slow_ok() {
  local loc
  registry_has "$1" latest "$REGISTRY_SLOW_ADDR" || { warn "registry: $REGISTRY_SLOW_ADDR does not serve the manifest of $1"; return 1; }
  loc=$(curl -sS -m 10 -o /dev/null -w '%{http_code} %{redirect_url}' "http://$REGISTRY_SLOW_ADDR/v2/$1/blobs/$2" 2>/dev/null)
  [[ $loc == "307 http://$REGISTRY_SLOW_BLOBS_ADDR/"* ]] || { warn "registry: slow blob GET answered '$loc', expected a 307 to $REGISTRY_SLOW_BLOBS_ADDR"; return 1; }
  [[ $(curl -fsS -m 10 -r 0-3 "${loc#307 }" 2>/dev/null) == GGUF ]] ||
    { warn "registry: slow blob ${loc#307 } does not start with GGUF"; return 1; }
}

docker_cli() { DOCKER_HOST="unix://$DOCKER_SOCK" timeout 120 "$DOCKER_BIN" "$@"; }
docker_probe() { DOCKER_HOST="unix://$DOCKER_SOCK" timeout 10 "$DOCKER_BIN" version --format '{{.Server.Version}}' 2>/dev/null; }
registry_has() { # REPO TAG [REGISTRY_ADDR]
  curl -fsS -m 5 -o /dev/null \
    -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' \
    -H 'Accept: application/vnd.oci.image.manifest.v1+json' \
    "http://${3:-$REGISTRY_ADDR}/v2/$1/manifests/$2" 2>/dev/null
}

svc_docker() {
  local t=$SECONDS how=ready dir="$STATE_DIR/docker"
  if ! docker_probe >/dev/null 2>&1; then
    how=started
    mkdir -p "$dir" "$DOCKER_DATA_ROOT" "$DOCKER_EXEC_ROOT"
    chmod 0711 /var/lib/modelyard-test "$VAR_DIR" 2>/dev/null || true
    echo '{}' >"$dir/daemon.json"
    if pid_running "$dir/dockerd.pid" dockerd; then
      die "docker: dockerd (pid $(cat "$dir/dockerd.pid")) runs but $DOCKER_SOCK does not answer"
    fi
    # Runtime state of a dockerd that was killed (e.g. at the end of a session).
    unmount_below "$DOCKER_EXEC_ROOT"
    rm -rf "$DOCKER_EXEC_ROOT" "$dir/dockerd.pid" "$DOCKER_SOCK"
    mkdir -p "$DOCKER_EXEC_ROOT"
    spawn "$dir/dockerd.spawn.pid" "$dir/dockerd.log" dockerd \
      --config-file "$dir/daemon.json" \
      --host "unix://$DOCKER_SOCK" --data-root "$DOCKER_DATA_ROOT" --exec-root "$DOCKER_EXEC_ROOT" \
      --pidfile "$dir/dockerd.pid" --bridge=none --iptables=false --ip6tables=false \
      --ip-forward=false --ip-masq=false --userland-proxy=false \
      --insecure-registry "$REGISTRY_ADDR" --log-level warn
    wait_until docker 90 "$dir/dockerd.log" docker_probe
  fi
  # The test image: a static busybox with every applet linked in /bin.
  if ! registry_has modelyard/busybox test; then
    local root="$dir/busybox-rootfs" a
    rm -rf "$root" && mkdir -p "$root/bin" "$root/etc" "$root/tmp" "$root/proc" "$root/sys" "$root/dev"
    cp /bin/busybox "$root/bin/busybox"
    for a in $("$root/bin/busybox" --list); do [[ $a == busybox ]] || ln -sf busybox "$root/bin/$a"; done
    printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >"$root/etc/passwd"
    printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"
    chmod 1777 "$root/tmp"
    tar -C "$root" --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -cf "$dir/busybox-rootfs.tar" .
    docker_cli import -c 'CMD ["/bin/sh"]' -c 'ENV PATH=/bin' "$dir/busybox-rootfs.tar" "$TEST_IMAGE" >/dev/null
    docker_cli push "$TEST_IMAGE" >"$dir/push.log" 2>&1 || { cat "$dir/push.log" >&2; die "docker: push $TEST_IMAGE failed"; }
    docker_cli rmi "$TEST_IMAGE" >/dev/null # so that the run below pulls it back
    rm -rf "$root" "$dir/busybox-rootfs.tar"
  fi
  local out
  out=$(docker_cli run --rm --network host "$TEST_IMAGE" sh -c 'echo modelyard-docker-ok' 2>&1) ||
    die "docker: test container failed: $out"
  [[ $out == *modelyard-docker-ok* ]] || die "docker: unexpected container output: $out"
  status docker "$how in $((SECONDS - t))s: dockerd $(docker_probe) on unix://$DOCKER_SOCK; ran $TEST_IMAGE (--network host)"
}

nginx_probe() { curl -fsS -m 3 -o /dev/null "http://127.0.0.1:$NGINX_PORT/healthz" 2>/dev/null; }

# nginx_verify: model info carries the lfs sha256; a ranged GET of the last 16
# bytes answers 206 with the Hub's headers. Sets NGINX_VERIFY_ERR on failure.
nginx_verify() {
  local base="http://127.0.0.1:$NGINX_PORT" hdr code
  NGINX_VERIFY_ERR=""
  if ! curl -fsS -m 5 "$base/api/models/$HF_TEST_REPO?blobs=true" 2>/dev/null | grep -q "\"sha256\":\"$HF_TEST_SHA256\""; then
    NGINX_VERIFY_ERR="$base/api/models/$HF_TEST_REPO lacks the lfs sha256"
    return 1
  fi
  hdr=$(curl -sS -m 5 -D - -o /dev/null -r "$((HF_TEST_SIZE - 16))-" -A modelyard-test-services \
    "$base/$HF_TEST_REPO/resolve/main/$TEST_GGUF_NAME" 2>&1 | tr -d '\r')
  code=$(head -n1 <<<"$hdr" | awk '{print $2}')
  if [[ $code != 206 ]]; then NGINX_VERIFY_ERR="ranged GET answered ${code:-nothing}, not 206"; return 1; fi
  grep -qi "^x-linked-etag: \"$HF_TEST_SHA256\"" <<<"$hdr" || { NGINX_VERIFY_ERR="X-Linked-Etag header missing"; return 1; }
  grep -qi "^x-linked-size: $HF_TEST_SIZE" <<<"$hdr" || { NGINX_VERIFY_ERR="X-Linked-Size header missing"; return 1; }
  grep -qi '^accept-ranges: bytes' <<<"$hdr" || { NGINX_VERIFY_ERR="Accept-Ranges header missing on 206"; return 1; }
}

svc_nginx() {
  local t=$SECONDS how=ready dir="$STATE_DIR/nginx" mirror="$STATE_DIR/hf-mirror" before after i
  need_gguf nginx
  mkdir -p "$dir/tmp" "$mirror"
  before=$({ cat "$dir/nginx.conf" "$dir/hf-routes.conf" 2>/dev/null || true; } | sha256sum)
  bash "$SUPPORT_DIR/build-hf-mirror.sh" "$TEST_GGUF" "$mirror" "$dir/hf-routes.conf" "$HF_TEST_REPO" >"$dir/mirror.env"
  mkdir -p "$STATE_DIR/registry/data"
  sed -e "s|@NGINX_DIR@|$dir|g" -e "s|@NGINX_PORT@|$NGINX_PORT|g" -e "s|@MIRROR_ROOT@|$mirror|g" \
    -e "s|@REGISTRY_BLOBS_ADDR@|$REGISTRY_BLOBS_ADDR|g" -e "s|@REGISTRY_DATA@|$STATE_DIR/registry/data|g" \
    -e "s|@REGISTRY_ADDR@|$REGISTRY_ADDR|g" -e "s|@REGISTRY_SLOW_ADDR@|$REGISTRY_SLOW_ADDR|g" \
    -e "s|@REGISTRY_SLOW_BLOBS_ADDR@|$REGISTRY_SLOW_BLOBS_ADDR|g" -e "s|@REGISTRY_SLOW_RATE@|$REGISTRY_SLOW_RATE|g" \
    "$SUPPORT_DIR/nginx.conf.tmpl" >"$dir/nginx.conf"
  after=$(cat "$dir/nginx.conf" "$dir/hf-routes.conf" | sha256sum)
  touch "$dir/access.log" "$dir/error.log"
  nginx -t -q -c "$dir/nginx.conf" -e "$dir/error.log" 2>"$dir/nginx-t.log" ||
    { cat "$dir/nginx-t.log" >&2; die "nginx: configuration test failed"; }
  if pid_running "$dir/nginx.pid" nginx; then
    if [[ $before != "$after" ]]; then
      how=reloaded
      nginx -c "$dir/nginx.conf" -e "$dir/error.log" -s reload
    fi
  elif nginx_probe; then
    warn "nginx: port $NGINX_PORT answers but not with this checkout's nginx (pid file $dir/nginx.pid)"
  else
    how=started
    nginx -c "$dir/nginx.conf" -e "$dir/error.log" 9>&- || { tail -n 20 "$dir/error.log" >&2; die "nginx: failed to start"; }
    wait_until nginx 20 "$dir/error.log" nginx_probe
  fi
  # A reload swaps workers asynchronously: allow it a few seconds.
  for ((i = 0; i < 20; i++)); do
    nginx_verify && break
    sleep 0.5
  done
  [[ -z $NGINX_VERIFY_ERR ]] || die "nginx: $NGINX_VERIFY_ERR"
  status nginx "$how in $((SECONDS - t))s: nginx $(nginx -v 2>&1 | sed 's|.*/||') HF mirror on http://127.0.0.1:$NGINX_PORT (access log $dir/access.log)"
}

temporal_probe() { timeout 10 "$TEMPORAL_BIN" operator cluster health --address "127.0.0.1:$TEMPORAL_PORT" 2>/dev/null | grep -q SERVING; }
TEMPORAL_SEARCH_ATTRIBUTES=(ModelyardOperation ModelyardProvider ModelyardModel)

svc_temporal() {
  local t=$SECONDS how=ready dir="$STATE_DIR/temporal" sa sa_flags=() have
  go_build_wait temporal "$TEMPORAL_BIN"
  if ! temporal_probe; then
    how=started
    mkdir -p "$dir"
    pid_running "$dir/temporal.pid" "server start-dev" && die "temporal: pid $(cat "$dir/temporal.pid") runs but does not answer"
    for sa in "${TEMPORAL_SEARCH_ATTRIBUTES[@]}"; do sa_flags+=(--search-attribute "$sa=Keyword"); done
    spawn "$dir/temporal.pid" "$dir/temporal.log" "$TEMPORAL_BIN" server start-dev \
      --ip 127.0.0.1 --port "$TEMPORAL_PORT" --ui-port "$TEMPORAL_UI_PORT" \
      --http-port "$TEMPORAL_HTTP_PORT" --metrics-port "$TEMPORAL_METRICS_PORT" \
      --db-filename "$dir/temporal.db" --namespace default --log-level warn "${sa_flags[@]}"
    wait_until temporal 120 "$dir/temporal.log" temporal_probe
  fi
  have=$("$TEMPORAL_BIN" operator search-attribute list --address "127.0.0.1:$TEMPORAL_PORT" --namespace default -o json)
  for sa in "${TEMPORAL_SEARCH_ATTRIBUTES[@]}"; do
    if ! grep -q "\"$sa\"" <<<"$have"; then
      "$TEMPORAL_BIN" operator search-attribute create --address "127.0.0.1:$TEMPORAL_PORT" \
        --namespace default --name "$sa" --type Keyword >/dev/null
    fi
  done
  status temporal "$how in $((SECONDS - t))s: temporal CLI $TEMPORAL_CLI_VERSION dev server on 127.0.0.1:$TEMPORAL_PORT (UI :$TEMPORAL_UI_PORT)"
}

ollama_cli() { OLLAMA_HOST="$OLLAMA_ADDR" timeout 300 "$OLLAMA_BIN" "$@"; }
ollama_probe() { curl -fsS -m 3 -o /dev/null "http://$OLLAMA_ADDR/api/version" 2>/dev/null; }

svc_ollama() {
  local t=$SECONDS how=ready dir="$STATE_DIR/ollama" out
  mkdir -p "$dir"
  need_gguf ollama
  go_build_wait ollama "$OLLAMA_BIN"
  if ollama_probe && ! pid_running "$dir/ollama.pid" "serve"; then
    warn "ollama: $OLLAMA_ADDR answers but not with this checkout's Ollama (pid file $dir/ollama.pid): is your own Ollama running there? The tests will create '$OLLAMA_TEST_MODEL' in it"
  fi
  if ! ollama_probe; then
    how=started
    mkdir -p "$dir" "$OLLAMA_MODELS_DIR"
    pid_running "$dir/ollama.pid" "serve" && die "ollama: pid $(cat "$dir/ollama.pid") runs but $OLLAMA_ADDR does not answer"
    spawn "$dir/ollama.pid" "$dir/ollama.log" env OLLAMA_HOST="$OLLAMA_ADDR" OLLAMA_MODELS="$OLLAMA_MODELS_DIR" \
      OLLAMA_NUM_PARALLEL=1 OLLAMA_MAX_LOADED_MODELS=1 "$OLLAMA_BIN" serve
    wait_until ollama 60 "$dir/ollama.log" ollama_probe
  fi
  if ! ollama_cli show "$OLLAMA_TEST_MODEL" >/dev/null 2>&1; then
    mkdir -p "$dir"
    printf 'FROM %s\n' "$TEST_GGUF" >"$dir/Modelfile"
    ollama_cli create "$OLLAMA_TEST_MODEL" -f "$dir/Modelfile" >"$dir/create.log" 2>&1 ||
      { cat "$dir/create.log" >&2; die "ollama: create $OLLAMA_TEST_MODEL failed"; }
  fi
  # CPU inference with the tiny model.
  out=$(curl -fsS -m 120 "http://$OLLAMA_ADDR/api/generate" -d "{\"model\":\"$OLLAMA_TEST_MODEL\",\"prompt\":\"Hello\",\"stream\":false,\"options\":{\"num_predict\":8,\"temperature\":0,\"seed\":42}}") ||
    { tail -n 30 "$dir/ollama.log" >&2; die "ollama: /api/generate failed"; }
  if ! grep -q '"done":true' <<<"$out" || grep -q '"response":""' <<<"$out"; then
    die "ollama: unexpected /api/generate answer: $out"
  fi
  # Registry round trip: push once, then prove a pull works.
  if ! registry_has library/tiny latest; then
    ollama_cli cp "$OLLAMA_TEST_MODEL" "$OLLAMA_REGISTRY_MODEL" >/dev/null 2>&1
    ollama_cli push "$OLLAMA_REGISTRY_MODEL" --insecure >"$dir/push.log" 2>&1 ||
      { cat "$dir/push.log" >&2; die "ollama: push $OLLAMA_REGISTRY_MODEL failed"; }
  fi
  registry_blob_ok library/tiny "sha256:$HF_TEST_SHA256" || die "ollama: the registry does not serve the model blob through nginx"
  registry_slow_ok library/tiny "sha256:$HF_TEST_SHA256" || die "ollama: $REGISTRY_SLOW_ADDR does not serve the model blob through the slow nginx"
  ollama_cli rm "$OLLAMA_REGISTRY_MODEL" >/dev/null 2>&1 || true
  ollama_cli pull "$OLLAMA_REGISTRY_MODEL" --insecure >"$dir/pull.log" 2>&1 ||
    { cat "$dir/pull.log" >&2; die "ollama: pull $OLLAMA_REGISTRY_MODEL failed"; }
  # Leave only "tiny" locally so that tests start from a known state.
  ollama_cli rm "$OLLAMA_REGISTRY_MODEL" >/dev/null 2>&1
  status ollama "$how in $((SECONDS - t))s: ollama $(curl -fsS -m 3 "http://$OLLAMA_ADDR/api/version" | sed 's/.*"version":"\([^"]*\)".*/\1/') on $OLLAMA_ADDR, model $OLLAMA_TEST_MODEL generates, $OLLAMA_REGISTRY_MODEL pushed+pulled, also served slowly as $OLLAMA_SLOW_REGISTRY_MODEL"
}

# The test images (scripts/test-images/build.sh): Ollama as an image, and the
# engine runner's base (jlink'd JRE and libraries); the engine-runner image
# itself holds the build's classes, so tests finish it (TestImages).
svc_images() {
  local t=$SECONDS ollama base
  go_build_wait ollama "$OLLAMA_BIN"
  ollama=$("$REPO_ROOT/scripts/test-images/build.sh" ollama | tail -n1)
  base=$("$REPO_ROOT/scripts/test-images/build.sh" engine-runner-base | tail -n1)
  [[ $ollama == "$OLLAMA_IMAGE" ]] || die "images: built $ollama, expected $OLLAMA_IMAGE"
  status images "ready in $((SECONDS - t))s: $OLLAMA_IMAGE; engine-runner base in $base"
}

# ---- run ------------------------------------------------------------------------------------
FAILED=()
for s in "${ALL_SERVICES[@]}"; do
  selected "$s" || continue
  set +e
  (
    set -eE
    trap 'warn "$s: command failed (exit $?) at line $LINENO: $BASH_COMMAND"' ERR
    "svc_$s"
  )
  rc=$?
  set -e
  if ((rc != 0)); then
    FAILED+=("$s")
    status "$s" "FAILED (see messages above)"
  fi
done
# Builds still running (e.g. a service failed before waiting on its build).
for b in "${!BUILD_PID[@]}"; do wait "${BUILD_PID[$b]}" 2>/dev/null || true; done

# ---- env file ---------------------------------------------------------------------------------
HF_TEST_REVISION=""
[[ -f $STATE_DIR/nginx/mirror.env ]] && HF_TEST_REVISION=$(sed -n 's/^HF_TEST_REVISION=//p' "$STATE_DIR/nginx/mirror.env")
if wait "$MONITORING_TOOLS_PID"; then
  status monitoring "$(grep -h '_BIN=' "$MONITORING_TOOLS_OUT" | tr '\n' ' ')"
else
  warn "monitoring: building Prometheus failed (log: $CACHE_DIR/build-logs/prometheus.log)"
  FAILED+=(monitoring)
fi

{
  echo "# Written by scripts/test-services.sh on $(date -u +%FT%TZ). Services: ${SELECTED[*]}"
  echo "MODELYARD_TEST_DIR=$STATE_DIR"
  echo "MODELYARD_TEST_SERVICES_FAILED=${FAILED[*]}"
  echo "DATABASE_URL=postgresql://modelyard:modelyard@127.0.0.1:$PG_PORT/modelyard"
  echo "JDBC_DATABASE_URL=jdbc:postgresql://127.0.0.1:$PG_PORT/modelyard"
  echo "DATABASE_USER=modelyard"
  echo "DATABASE_PASSWORD=modelyard"
  echo "POSTGRES_DATA_DIR=$PG_DATA"
  echo "POSTGRES_LOG=$PG_LOG"
  echo "REDIS_URL=redis://127.0.0.1:$REDIS_PORT"
  echo "DOCKER_HOST=unix://$DOCKER_SOCK"
  echo "DOCKER_BIN=$DOCKER_BIN"
  echo "DOCKER_DATA_ROOT=$DOCKER_DATA_ROOT"
  echo "REGISTRY=$REGISTRY_ADDR"
  echo "REGISTRY_SLOW=$REGISTRY_SLOW_ADDR"
  echo "REGISTRY_SLOW_RATE=$REGISTRY_SLOW_RATE"
  echo "TEST_IMAGE=$TEST_IMAGE"
  echo "OLLAMA_IMAGE=$OLLAMA_IMAGE"
  echo "ENGINE_RUNNER_IMAGE_REPOSITORY=$REGISTRY_ADDR/modelyard/engine-runner"
  echo "HF_ENDPOINT=http://127.0.0.1:$NGINX_PORT"
  echo "HF_TEST_REPO=$HF_TEST_REPO"
  echo "HF_TEST_FILE=$TEST_GGUF_NAME"
  echo "HF_TEST_SHA256=$HF_TEST_SHA256"
  echo "HF_TEST_SIZE=$HF_TEST_SIZE"
  echo "HF_TEST_REVISION=$HF_TEST_REVISION"
  echo "NGINX_ACCESS_LOG=$STATE_DIR/nginx/access.log"
  echo "TEMPORAL_ADDRESS=127.0.0.1:$TEMPORAL_PORT"
  echo "TEMPORAL_NAMESPACE=default"
  echo "TEMPORAL_UI=http://127.0.0.1:$TEMPORAL_UI_PORT"
  echo "TEMPORAL_CLI=$TEMPORAL_BIN"
  echo "OLLAMA_HOST=http://$OLLAMA_ADDR"
  echo "OLLAMA_TEST_MODEL=$OLLAMA_TEST_MODEL"
  echo "OLLAMA_REGISTRY_MODEL=$OLLAMA_REGISTRY_MODEL"
  echo "OLLAMA_SLOW_REGISTRY_MODEL=$OLLAMA_SLOW_REGISTRY_MODEL"
  echo "OLLAMA_BIN=$OLLAMA_BIN"
  echo "OLLAMA_MODELS=$OLLAMA_MODELS_DIR"
  echo "TEST_GGUF=$TEST_GGUF"
} >"$ENV_FILE.tmp"
mv -f "$ENV_FILE.tmp" "$ENV_FILE"

echo
log "summary ($((SECONDS - T0))s):"
sed 's/^/    /' "$STATUS_FILE"
log "env file: $ENV_FILE"
if ((${#FAILED[@]})); then
  die "failed: ${FAILED[*]}"
fi
}

main "$@"
