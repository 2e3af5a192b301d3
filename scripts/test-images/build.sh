#!/usr/bin/env bash
# Builds Modelyard's test images without any outside registry: a small root file
# system, `docker import`ed and pushed to the local test registry, from which the
# Docker runtime pulls them exactly as it would pull a production image.
#
#   scripts/test-images/build.sh ollama
#       The test environment's Ollama binary (OLLAMA_BIN) as
#       $REGISTRY/modelyard/ollama:test; runs `ollama serve`.
#   scripts/test-images/build.sh engine-runner-base
#       Only prepares (and caches) the engine runner's base: a jlink'd JRE 25,
#       busybox and the host's shared libraries that the JRE and llama.cpp need.
#   scripts/test-images/build.sh engine-runner CLASSPATH_ENTRY...
#       The base plus the given jars and class folders (the runner's class path)
#       as $REGISTRY/modelyard/engine-runner:<hash of every input>; its entry
#       point is EngineRunnerMain, whose arguments the runtime gives.
#
# Prints the pushed image reference on its last line. Cached and idempotent:
# an image whose inputs' hash is already in the registry is not built again
# (a rebuild happens only when an input changes), and the jlink'd JRE is kept
# under ~/.cache/modelyard/images. Needs root, the test Docker engine and the
# registry of scripts/test-services.sh.
set -euo pipefail
# A function whose output is taken ($(...)) stops at its first failure too: without this, a
# failure in llama_jar, within engine_runner_base, went on to mark a base without llama.cpp built.
shopt -s inherit_errexit

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)"
# shellcheck source=../test-services/lib.sh
source "$REPO_ROOT/scripts/test-services/lib.sh"

JDK="${MODELYARD_IMAGE_JDK:-$("$REPO_ROOT/scripts/java-home.sh")}"
# What EngineRunnerMain and its libraries load: the HTTP server, logging, XML
# (logback's configuration), JMX and naming (logback), sun.misc.Unsafe users.
JRE_MODULES=java.base,java.logging,java.xml,java.naming,java.management,java.net.http,jdk.httpserver,jdk.unsupported,jdk.crypto.ec,jdk.zipfs
BUSYBOX=/bin/busybox
IMAGES_CACHE="$CACHE_DIR/images"
SELF_HASH="$(sha256sum <"${BASH_SOURCE[0]}" | cut -c1-64)"

docker_cli() { DOCKER_HOST="unix://$DOCKER_SOCK" timeout 300 "$DOCKER_BIN" "$@"; }
registry_has() { # REPO TAG
  curl -fsS -m 5 -o /dev/null \
    -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' \
    -H 'Accept: application/vnd.oci.image.manifest.v1+json' \
    "http://$REGISTRY_ADDR/v2/$1/manifests/$2" 2>/dev/null
}
hash_of() { sha256sum | cut -c1-16; }

# copy_libs ROOT FILE...: the shared libraries FILEs need (ldd), and the dynamic
# loader, copied to the same paths under ROOT.
copy_libs() {
  local root=$1 lib
  shift
  for lib in $(ldd "$@" 2>/dev/null | grep -o '/[^ ]*\.so[^ ]*' | sort -u); do
    [[ $lib == "$root"/* || -e $root$lib ]] && continue
    mkdir -p "$root$(dirname "$lib")"
    cp -L "$lib" "$root$lib"
  done
}

# skeleton ROOT: what every image has: /tmp, /etc/passwd, busybox's sh and wget
# (the health checks use wget).
skeleton() {
  local root=$1 a
  mkdir -p "$root/bin" "$root/etc" "$root/tmp" "$root/proc" "$root/sys" "$root/dev" "$root/root"
  cp "$BUSYBOX" "$root/bin/busybox"
  for a in sh wget cat ls ps; do ln -sf busybox "$root/bin/$a"; done
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >"$root/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"
  printf 'hosts: files dns\n' >"$root/etc/nsswitch.conf"
  printf '127.0.0.1 localhost\n' >"$root/etc/hosts"
  chmod 1777 "$root/tmp"
}

# import_and_push ROOT REFERENCE CHANGE...: tar ROOT reproducibly, import it
# with the given Dockerfile changes, push it, and drop the local copy so that
# the first run pulls it from the registry.
import_and_push() {
  local root=$1 ref=$2 tar
  shift 2
  tar="$root.tar"
  tar -C "$root" --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -cf "$tar" .
  local changes=() c
  for c in "$@"; do changes+=(-c "$c"); done
  docker_cli import "${changes[@]}" "$tar" "$ref" >/dev/null
  docker_cli push "$ref" >"$root.push.log" 2>&1 || { cat "$root.push.log" >&2; die "push $ref failed"; }
  docker_cli rmi "$ref" >/dev/null
  rm -rf "$root" "$tar" "$root.push.log"
}

# ---- Ollama ----------------------------------------------------------------------------------
build_ollama() {
  [[ -x $OLLAMA_BIN ]] || die "ollama: $OLLAMA_BIN is missing (scripts/test-services.sh ollama builds it)"
  local tag=test ref="$REGISTRY_ADDR/modelyard/ollama:test" stamp="$IMAGES_CACHE/ollama.inputs" inputs
  inputs=$( { echo "$SELF_HASH"; sha256sum "$OLLAMA_BIN" "$BUSYBOX"; } | hash_of)
  if [[ -f $stamp && $(cat "$stamp") == "$inputs" ]] && registry_has modelyard/ollama "$tag"; then
    echo "$ref"
    return
  fi
  local root="$IMAGES_CACHE/ollama-rootfs.$$"
  rm -rf "$root" && skeleton "$root"
  cp "$OLLAMA_BIN" "$root/bin/ollama"
  copy_libs "$root" "$OLLAMA_BIN"
  mkdir -p "$root/root/.ollama"
  import_and_push "$root" "$ref" \
    'ENV PATH=/bin OLLAMA_HOST=127.0.0.1:11434 HOME=/root' \
    'ENTRYPOINT ["/bin/ollama"]' 'CMD ["serve"]'
  echo "$inputs" >"$stamp"
  echo "$ref"
}

# ---- the engine runner -------------------------------------------------------------------------
# The base: jlink'd JRE + busybox + shared libraries, cached by its inputs. Prints its folder.
engine_runner_base() {
  local llama_jar inputs base
  llama_jar=$("$REPO_ROOT/scripts/llama-jar.sh" "$JDK")
  inputs=$( { echo "$SELF_HASH $JRE_MODULES"; cat "$JDK/release"; sha256sum "$BUSYBOX"; sha256sum "$llama_jar"; } | hash_of)
  base="$IMAGES_CACHE/engine-runner-base-$inputs"
  if [[ -f $base/.complete ]]; then
    echo "$base"
    return
  fi
  local work="$base.$$"
  rm -rf "$work" && skeleton "$work"
  mkdir -p "$work/opt/modelyard/native"
  "$JDK/bin/jlink" --add-modules "$JRE_MODULES" --strip-debug --no-man-pages --no-header-files \
    --compress=zip-6 --output "$work/opt/java" >&2
  # The llama.cpp binding of java-llama.cpp, loaded from a fixed path rather than
  # extracted to /tmp at each start.
  unzip -q -j -o "$llama_jar" 'de/kherud/llama/Linux/x86_64/*.so' -d "$work/opt/modelyard/native"
  copy_libs "$work" "$work/opt/java/bin/java" $(find "$work/opt/java/lib" "$work/opt/modelyard/native" -name '*.so')
  touch "$work/.complete"
  rm -rf "$base" && mv "$work" "$base"
  # Older bases are of no further use.
  find "$IMAGES_CACHE" -maxdepth 1 -name 'engine-runner-base-*' ! -name "engine-runner-base-$inputs*" -exec rm -rf {} + 2>/dev/null || true
  echo "$base"
}

# entry_hash ENTRY: a jar's hash, or a class folder's (names and contents).
entry_hash() {
  if [[ -d $1 ]]; then
    (cd "$1" && find . -type f -print0 | sort -z | xargs -0 -r sha256sum) | hash_of
  else
    sha256sum <"$1" | cut -c1-16
  fi
}

build_engine_runner() {
  (($#)) || die "engine-runner: give the runner's class path entries (jars or class folders)"
  local base entry inputs tag ref
  base=$(engine_runner_base)
  inputs=$( { echo "$base"; for entry in "$@"; do
    [[ -e $entry ]] || die "engine-runner: class path entry $entry does not exist"
    echo "$(basename "$entry") $(entry_hash "$entry")"
  done; } | hash_of)
  tag="$inputs"
  ref="$REGISTRY_ADDR/modelyard/engine-runner:$tag"
  if registry_has modelyard/engine-runner "$tag"; then
    echo "$ref"
    return
  fi
  # Earlier builds' images pulled into this engine are of no further use here.
  docker_cli images --format '{{.Repository}}:{{.Tag}}' "$REGISTRY_ADDR/modelyard/engine-runner" |
    xargs -r env DOCKER_HOST="unix://$DOCKER_SOCK" "$DOCKER_BIN" rmi >/dev/null 2>&1 || true
  local root="$IMAGES_CACHE/engine-runner-rootfs.$$" i=0
  rm -rf "$root" && cp -a "$base" "$root" && rm -f "$root/.complete"
  mkdir -p "$root/opt/modelyard/lib"
  for entry in "$@"; do
    i=$((i + 1))
    if [[ -d $entry ]]; then
      "$JDK/bin/jar" --create --file "$root/opt/modelyard/lib/$(printf '%03d' $i)-classes.jar" -C "$entry" .
    else
      cp "$entry" "$root/opt/modelyard/lib/$(printf '%03d' $i)-$(basename "$entry")"
    fi
  done
  import_and_push "$root" "$ref" \
    'ENV PATH=/opt/java/bin:/bin' \
    'ENTRYPOINT ["/opt/java/bin/java", "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Dde.kherud.llama.lib.path=/opt/modelyard/native", "-cp", "/opt/modelyard/lib/*", "dev.modelyard.infra.engine.EngineRunnerMain"]'
  echo "$ref"
}

[[ $(id -u) -eq 0 ]] || die "must run as root (it talks to the test Docker engine)"
mkdir -p "$IMAGES_CACHE"
exec 8>"$IMAGES_CACHE/.lock"
flock -w 600 8 || die "another build holds $IMAGES_CACHE/.lock"
what=${1:-}
shift || true
case "$what" in
  ollama) build_ollama ;;
  engine-runner-base) engine_runner_base ;;
  engine-runner) build_engine_runner "$@" ;;
  *) sed -n '2,22p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac
