#!/usr/bin/env bash
# Prints the path of java-llama.cpp's jar of the version the build uses (the root pom's
# llama.version), whose native libraries the images carry; on a clean machine, whose build has
# not fetched it yet, fetches it from Maven Central first. Not the newest jar in ~/.m2: another
# checkout's version would pair its native libraries with this build's classes.
#
#   scripts/llama-jar.sh [JAVA_HOME]     the JDK that runs Maven (default scripts/java-home.sh's)
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
JDK="${1:-$("$REPO_ROOT/scripts/java-home.sh")}"

die() {
  echo "llama-jar: $*" >&2
  exit 1
}

version=$(sed -n 's|.*<llama.version>\(.*\)</llama.version>.*|\1|p' "$REPO_ROOT/pom.xml" | head -n1)
[[ -n $version ]] || die "no llama.version in $REPO_ROOT/pom.xml"
jar="$HOME/.m2/repository/de/kherud/llama/$version/llama-$version.jar"
if [[ ! -f $jar ]]; then
  (cd "$REPO_ROOT" && JAVA_HOME="$JDK" timeout 1800 ./mvnw -B -q dependency:get \
    -Dartifact="de.kherud:llama:$version" -Dtransitive=false \
    -Dmaven.repo.local="$HOME/.m2/repository" >&2) \
    || die "cannot fetch de.kherud:llama:$version with Maven"
fi
[[ -f $jar ]] || die "$jar is missing after fetching it"
echo "$jar"
