#!/usr/bin/env bash
# Checks the Prometheus alert rules of k8s/monitoring: `promtool check rules`
# (syntax, templates) and `promtool test rules` (the unit tests beside them).
# Run by MonitoringToolsTests; needs promtool (scripts/monitoring-tools.sh).
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
eval "$("$REPO_ROOT/scripts/monitoring-tools.sh" "$@")"

cd "$REPO_ROOT/k8s/monitoring/alerts"
rules=() tests=()
for f in *.yaml; do
  if [[ $f == *.test.yaml ]]; then tests+=("$f"); else rules+=("$f"); fi
done
"$PROMTOOL_BIN" check rules "${rules[@]}"
"$PROMTOOL_BIN" test rules "${tests[@]}"
