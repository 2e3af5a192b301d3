#!/usr/bin/env bash
# Builds the api and workers container images with Maven (Jib) on a base image made here, so that
# nothing is pulled from any registry:
#
#   scripts/images/build.sh            api/target/jib-image.tar and workers/target/jib-image.tar
#   scripts/images/build.sh --push     pushes them instead (-Ppush-images; set
#                                      MODELYARD_IMAGE_PREFIX=registry.example.com/modelyard/),
#                                      tagged MODELYARD_IMAGE_TAG, by default the commit (and the
#                                      time, when the tree has changes): give k8s/deploy.sh the
#                                      same MODELYARD_IMAGE_TAG so that its pods roll
#
# The base is a JRE 25 jlink'd from the local JDK (the modules Spring Boot, JDBC, Netty and gRPC
# use), busybox and the host's shared libraries that the JRE and llama.cpp need, as a Docker
# archive under ~/.cache/modelyard/images that Jib reads as tar://. Production builds may use any
# JRE 25 image instead: the pom's default is eclipse-temurin:25-jre-noble.
set -euo pipefail
# A function whose output is taken ($(...)) stops at its first failure too.
shopt -s inherit_errexit

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)"
JDK="${MODELYARD_IMAGE_JDK:-$("$REPO_ROOT/scripts/java-home.sh")}"
CACHE="${MODELYARD_CACHE_DIR:-$HOME/.cache/modelyard}/images"
BUSYBOX="${BUSYBOX:-/bin/busybox}"
# What the api and workers load: JDBC, JMX, naming, XML, the JDK's HTTP client and server, JFR,
# Kerberos/SASL (the PostgreSQL driver's optional auth), sun.misc.Unsafe users, zip file systems.
JRE_MODULES=java.base,java.compiler,java.desktop,java.instrument,java.logging,java.management,java.management.rmi,java.naming,java.net.http,java.prefs,java.rmi,java.scripting,java.security.jgss,java.security.sasl,java.sql,java.sql.rowset,java.transaction.xa,java.xml,jdk.crypto.ec,jdk.httpserver,jdk.jfr,jdk.management,jdk.naming.dns,jdk.net,jdk.unsupported,jdk.zipfs,jdk.localedata

die() {
  echo "images: $*" >&2
  exit 1
}

[[ -x $JDK/bin/jlink ]] || die "no JDK 25 at $JDK (set MODELYARD_IMAGE_JDK)"
[[ -x $BUSYBOX ]] || die "busybox is missing at $BUSYBOX (Debian package busybox-static)"
command -v unzip >/dev/null || die "unzip is missing (Debian package unzip)"

# copy_libs ROOT FILE...: the shared libraries FILEs need, and the dynamic loader, under ROOT.
copy_libs() {
  local root=$1 lib
  shift
  for lib in $(ldd "$@" 2>/dev/null | grep -o '/[^ ]*\.so[^ ]*' | sort -u); do
    [[ $lib == "$root"/* || -e $root$lib ]] && continue
    mkdir -p "$root$(dirname "$lib")"
    cp -L "$lib" "$root$lib"
  done
}

# base_image: builds (or finds) the base as a Docker archive; prints its path.
base_image() {
  local llama_jar inputs archive
  llama_jar=$("$REPO_ROOT/scripts/llama-jar.sh" "$JDK")
  inputs=$({
    sha256sum <"${BASH_SOURCE[0]}"
    cat "$JDK/release"
    sha256sum "$BUSYBOX"
    sha256sum "$llama_jar"
  } | sha256sum | cut -c1-16)
  archive="$CACHE/app-base-$inputs.tar"
  if [[ -s $archive ]]; then
    echo "$archive"
    return
  fi
  mkdir -p "$CACHE"
  local work="$CACHE/app-base.$$" root
  root="$work/rootfs"
  rm -rf "$work" && mkdir -p "$root"/{bin,etc,tmp,opt/java,home/modelyard}
  cp "$BUSYBOX" "$root/bin/busybox"
  for a in sh cat ls ps wget; do ln -sf busybox "$root/bin/$a"; done
  printf 'root:x:0:0:root:/root:/bin/sh\nmodelyard:x:10001:10001:modelyard:/home/modelyard:/bin/sh\n' >"$root/etc/passwd"
  printf 'root:x:0:\nmodelyard:x:10001:\n' >"$root/etc/group"
  printf 'hosts: files dns\n' >"$root/etc/nsswitch.conf"
  chmod 1777 "$root/tmp"
  "$JDK/bin/jlink" --add-modules "$JRE_MODULES" --strip-debug --no-man-pages --no-header-files \
    --compress=zip-6 --output "$root/opt/java/openjdk" >&2
  local libs=()
  mapfile -t libs < <(find "$root/opt/java/openjdk/lib" -name '*.so')
  copy_libs "$root" "$root/opt/java/openjdk/bin/java" "${libs[@]}"
  # llama.cpp's JNI library (extracted from its jar at run time) needs libstdc++ and libgomp.
  mkdir -p "$work/llama"
  unzip -q -j -o "$llama_jar" 'de/kherud/llama/Linux/x86_64/*.so' -d "$work/llama"
  copy_libs "$root" "$work"/llama/*.so
  # A Docker archive (docker save's format): one layer, its config and the manifest.
  tar -C "$root" --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -cf "$work/layer.tar" .
  local diff_id config
  diff_id=$(sha256sum "$work/layer.tar" | cut -d' ' -f1)
  cat >"$work/config.json" <<JSON
{"architecture":"amd64","os":"linux","config":{"Env":["PATH=/opt/java/openjdk/bin:/bin","JAVA_HOME=/opt/java/openjdk","HOME=/home/modelyard"],"User":"10001:10001"},"rootfs":{"type":"layers","diff_ids":["sha256:$diff_id"]},"history":[{"created":"1970-01-01T00:00:00Z","created_by":"scripts/images/build.sh"}]}
JSON
  config="$(sha256sum "$work/config.json" | cut -d' ' -f1).json"
  mv "$work/config.json" "$work/$config"
  printf '[{"Config":"%s","RepoTags":["modelyard/app-base:%s"],"Layers":["layer.tar"]}]\n' "$config" "$inputs" >"$work/manifest.json"
  tar -C "$work" -cf "$archive.partial" manifest.json "$config" layer.tar
  mv "$archive.partial" "$archive"
  rm -rf "$work"
  find "$CACHE" -maxdepth 1 -name 'app-base-*.tar' ! -name "app-base-$inputs.tar" -delete
  echo "$archive"
}

profile=images
case "${1:-}" in
  "") ;;
  --push) profile=push-images ;;
  *) sed -n '2,13p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac

base=$(base_image)
echo "images: base $base" >&2
prefix_args=()
[[ -n ${MODELYARD_IMAGE_PREFIX:-} ]] && prefix_args=(-Dmodelyard.image.prefix="$MODELYARD_IMAGE_PREFIX")
tag=${MODELYARD_IMAGE_TAG:-}
if [[ -z $tag && $profile == push-images ]]; then
  # Each build its own tag, so that deploying it replaces the pods of the one before.
  tag=$(git -C "$REPO_ROOT" rev-parse --short=12 HEAD)
  [[ -z $(git -C "$REPO_ROOT" status --porcelain) ]] || tag="$tag-dirty-$(date -u +%Y%m%d%H%M%S)"
fi
[[ -n $tag ]] && prefix_args+=(-Dmodelyard.image.tag="$tag")
cd "$REPO_ROOT"
JAVA_HOME="$JDK" ./mvnw -B -q -P"$profile" -pl api,workers -am package -DskipTests -Dspotless.check.skip \
  -Dmodelyard.image.base="tar://$base" "${prefix_args[@]}"
if [[ $profile == images ]]; then
  ls -l api/target/jib-image.tar workers/target/jib-image.tar
fi
[[ -z $tag ]] || echo "images: tagged $tag (deploy with MODELYARD_IMAGE_TAG=$tag)" >&2
