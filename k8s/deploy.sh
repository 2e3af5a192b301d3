#!/usr/bin/env bash
# Deploys Modelyard into one namespace of the current kubectl context, in dependency order, and
# waits for each part to be ready before the next. Idempotent: run it again after any change (the
# Temporal setup jobs run again; they change nothing that is already right).
#
#   k8s/deploy.sh NAMESPACE
#
# Environment:
#   MODELYARD_IMAGE_PREFIX  where the api and workers images are, e.g. registry.example.com/modelyard/
#                           (default modelyard/, as the Maven build names them)
#   MODELYARD_IMAGE_TAG     their tag, as scripts/images/build.sh --push printed it (default the
#                           manifests' version tag: pods already on it are not replaced by a rebuild)
#   MODELYARD_HOSTNAME      the ingress host name (default modelyard.example.com)
#   ROLLOUT_TIMEOUT         how long to wait for each rollout, and for each node of the GPU
#                           host workers' (default 10m)
#
# The Secrets (k8s/examples/secrets.yaml lists them) must exist first: it stops before applying
# anything else when one is missing, saying which.
set -euo pipefail

usage() {
  sed -n '2,18p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

(($# == 1)) || usage
NS=$1
[[ $NS =~ ^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$ ]] || {
  echo "deploy.sh: '$NS' is not a namespace name (lower-case letters, digits and '-')" >&2
  exit 2
}
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
IMAGE_PREFIX=${MODELYARD_IMAGE_PREFIX:-modelyard/}
MANIFEST_TAG=0.1.0-SNAPSHOT
IMAGE_TAG=${MODELYARD_IMAGE_TAG:-$MANIFEST_TAG}
HOSTNAME_=${MODELYARD_HOSTNAME:-modelyard.example.com}
TIMEOUT=${ROLLOUT_TIMEOUT:-10m}

command -v kubectl >/dev/null || {
  echo "deploy.sh: kubectl is not on PATH" >&2
  exit 1
}

log() { printf '%s deploy: %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
die() {
  log "$*"
  exit 1
}

k() { kubectl --namespace "$NS" "$@"; }

# render FILE: the manifest with this deployment's namespace, images and host name. Only the
# Namespace object is named "modelyard" (the manifest tests keep it so).
render() {
  sed -e "s|^  name: modelyard$|  name: $NS|" \
    -e "s#image: modelyard/\(api\|workers\):$MANIFEST_TAG\$#image: modelyard/\1:$IMAGE_TAG#" \
    -e "s|image: modelyard/|image: $IMAGE_PREFIX|" \
    -e "s|modelyard\.example\.com|$HOSTNAME_|g" "$HERE/$1"
}

# apply FILE: server-side apply, so that large ConfigMaps need no last-applied annotation and
# fields set by others (the autoscalers' replicas) are left alone.
apply() {
  log "applying $1"
  render "$1" | k apply --server-side --field-manager=modelyard-deploy --force-conflicts -f - >/dev/null
}

rollout() { # KIND/NAME...
  local target
  for target in "$@"; do
    log "waiting for $target"
    k rollout status "$target" --timeout="$TIMEOUT" >/dev/null || die "$target did not become ready within $TIMEOUT (kubectl -n $NS describe $target)"
  done
}

# seconds DURATION: a duration as kubectl takes it (90, 90s, 10m, 1h30m) in seconds; fails on
# anything else.
seconds() {
  local rest=$1 total=0
  if [[ $rest =~ ^[0-9]+$ ]]; then
    echo "$rest"
    return
  fi
  while [[ $rest =~ ^([0-9]+)([hms])(.*)$ ]]; do
    case ${BASH_REMATCH[2]} in
      h) total=$((total + BASH_REMATCH[1] * 3600)) ;;
      m) total=$((total + BASH_REMATCH[1] * 60)) ;;
      s) total=$((total + BASH_REMATCH[1])) ;;
    esac
    rest=${BASH_REMATCH[3]}
  done
  [[ -z $rest && $total -gt 0 ]] || return 1
  echo "$total"
}

TIMEOUT_SECONDS=$(seconds "$TIMEOUT") ||
  die "ROLLOUT_TIMEOUT: '$TIMEOUT' is not a duration such as 600, 90s, 10m or 1h30m"

# rollout_daemonset NAME: ROLLOUT_TIMEOUT for each node it runs on. It replaces one node's pod at a
# time, each then held minReadySeconds (2 min) once ready: four GPU nodes took longer than one
# ROLLOUT_TIMEOUT, and the script died there before applying monitoring and the ingress.
rollout_daemonset() {
  local nodes
  nodes=$(k get daemonset "$1" -o jsonpath='{.status.desiredNumberScheduled}' 2>/dev/null || true)
  [[ $nodes =~ ^[1-9][0-9]*$ ]] || nodes=1
  local within=$((nodes * TIMEOUT_SECONDS))s
  log "waiting for daemonset/$1 ($nodes node(s), $TIMEOUT each)"
  k rollout status "daemonset/$1" --timeout="$within" >/dev/null ||
    die "daemonset/$1 did not become ready within $within (kubectl -n $NS describe daemonset/$1)"
}

run_job() { # NAME: waits for a job that apply has just (re)created
  log "waiting for job/$1"
  k wait --for=condition=complete "job/$1" --timeout="$TIMEOUT" >/dev/null ||
    die "job/$1 did not complete within $TIMEOUT (kubectl -n $NS logs job/$1)"
}

require_secret() { # NAME KEY...
  local name=$1 key have
  shift
  # The single quotes are Go template syntax for kubectl, not shell.
  # shellcheck disable=SC2016
  have=$(k get secret "$name" -o 'go-template={{range $k, $v := .data}}{{$k}} {{end}}' 2>/dev/null) ||
    die "Secret $name is missing: create it first (k8s/examples/secrets.yaml, README \"Production\")"
  for key in "$@"; do
    [[ " $have " == *" $key "* ]] || die "Secret $name has no key $key (k8s/examples/secrets.yaml)"
  done
}

optional_secret() { # NAME WHAT
  k get secret "$1" >/dev/null 2>&1 || log "note: no Secret $1 yet: $2"
}

# Ollama is scheduled only on a GPU node labelled for it; without one it would stay Pending and the
# rollout below would wait for it until its timeout. A deployer who may not list nodes is told so.
require_ollama_node() {
  local nodes
  if ! nodes=$(kubectl get nodes -l 'modelyard.dev/gpu-for in (ollama,shared)' -o name 2>/dev/null); then
    log "note: cannot list nodes; Ollama needs a GPU node labelled modelyard.dev/gpu-for=ollama or =shared"
    return
  fi
  [[ -n $nodes ]] || die "no node is labelled modelyard.dev/gpu-for=ollama (or =shared): Ollama could not be scheduled; kubectl label node <gpu-node> modelyard.dev/gpu-for=ollama (k8s/README.md)"
}

# A hash of the monitoring configuration, set on the pods' template, so that they restart exactly
# when it changed (mounted files of subPath mounts never update in place).
monitoring_hash() {
  cat "$HERE/monitoring.yaml" "$HERE/monitoring/kustomization.yaml" "$HERE"/monitoring/dashboards/*.json \
    "$HERE/monitoring/alerts/modelyard-alerts.yaml" | sha256sum | cut -c1-16
}

log "namespace $NS (context $(kubectl config current-context 2>/dev/null || echo '?'))"
[[ -n ${MODELYARD_IMAGE_TAG:-} ]] ||
  log "MODELYARD_IMAGE_TAG is not set: images tagged $MANIFEST_TAG, which pods already running it keep (a rebuild under the same tag is not rolled out)"
apply namespace.yaml

require_secret postgres password
require_secret modelyard-app database-url secret-key admin-key
require_secret grafana-admin password
optional_secret modelyard-cloud "no cloud fallbacks"
optional_secret prometheus-scrape "Prometheus cannot read the API's metrics until a viewer key is stored there"
optional_secret modelyard-tls "the ingress serves no certificate until cert-manager or you make one"
require_ollama_node

apply rbac.yaml
apply network-policies.yaml

apply postgres.yaml
apply redis.yaml
rollout statefulset/postgres deployment/redis

# Jobs cannot be changed in place: each deploy runs them afresh.
k delete job temporal-schema temporal-namespace --ignore-not-found >/dev/null
apply temporal.yaml
run_job temporal-schema
rollout deployment/temporal
run_job temporal-namespace
rollout deployment/temporal-ui

apply ollama.yaml
rollout statefulset/ollama

apply llm-api.yaml
apply workers.yaml
rollout deployment/llm-api deployment/workers-pulls deployment/workers-runtime \
  deployment/workers-health deployment/workers-maintenance
rollout_daemonset workers-host

log "applying monitoring/ (dashboards and alert rules)"
kubectl kustomize "$HERE/monitoring" |
  k apply --server-side --field-manager=modelyard-deploy --force-conflicts -f - >/dev/null
apply monitoring.yaml
hash=$(monitoring_hash)
for target in statefulset/prometheus deployment/grafana; do
  k patch "$target" --type=merge \
    -p "{\"spec\":{\"template\":{\"metadata\":{\"annotations\":{\"modelyard.dev/config-hash\":\"$hash\"}}}}}" >/dev/null
done
rollout statefulset/prometheus deployment/grafana

apply ingress.yaml
log "done: https://$HOSTNAME_ (kubectl -n $NS get pods)"
