#!/usr/bin/env bash
# Prints a JAVA_HOME holding JDK 25 or newer: $JAVA_HOME if it is one, else the first found in
# the usual places. Prints the given JAVA_HOME unchanged when none is found, so that the build's
# enforcer rule can say clearly what is missing; with --require, says so itself and fails.
set -euo pipefail

version_of() { "$1/bin/java" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2}'; }

is_25_or_newer() { [ -x "$1/bin/java" ] && [ "$(version_of "$1")" -ge 25 ] 2>/dev/null; }

if [ -n "${JAVA_HOME:-}" ] && is_25_or_newer "$JAVA_HOME"; then
  echo "$JAVA_HOME"; exit 0
fi
for candidate in /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/*25* /usr/lib/jvm/* /opt/java/*; do
  if is_25_or_newer "$candidate"; then echo "$candidate"; exit 0; fi
done
if [ "${1:-}" = "--require" ]; then
  echo "Modelyard needs a JDK 25 or newer; found none (JAVA_HOME=${JAVA_HOME:-unset}, nor under /usr/lib/jvm or /opt/java). Install one, or set JAVA_HOME to it." >&2
  exit 1
fi
echo "${JAVA_HOME:-}"
