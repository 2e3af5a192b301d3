#!/usr/bin/env bash
# Fuzzes the HTTP API with schemathesis against its own OpenAPI document (springdoc's
# /v3/api-docs), as an admin, for a bounded time. Fails on any 5xx or any response that breaks the
# document's schema. Run by hand (it is not part of `make test`):
#   scripts/fuzz-api.sh [seconds]     # default 180; the run stops by itself when they are spent
# It starts the standalone launcher on embedded defaults in a throwaway data dir, with a fresh
# MODELYARD_ADMIN_KEY, and installs schemathesis into a venv under ~/.cache/modelyard. Key
# revocation is left out: the stateful phase would list the keys and revoke the fuzzer's own; so are
# unloading, scaling, deleting containers and autoscaling policies, which would take away the model
# that it loads first so that generation requests reach an instance.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-180}"
schemathesis_version=4.32.5
export JAVA_HOME="$(scripts/java-home.sh)"

venv="$HOME/.cache/modelyard/schemathesis-$schemathesis_version"
if [ ! -x "$venv/bin/st" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q "schemathesis==$schemathesis_version"
fi

./mvnw -q -B package -DskipTests -Dspotless.check.skip -pl standalone -am
jar="$(ls standalone/target/modelyard-standalone-*.jar | grep -v original | head -1)"

work="$(mktemp -d "${TMPDIR:-/tmp}/modelyard-fuzz.XXXXXX")"
key="my-fuzz-$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
base="http://127.0.0.1:$port"

MODELYARD_ADMIN_KEY="$key" "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED \
  -jar "$jar" --server.port="$port" --modelyard.data-dir="$work/data" \
  --modelyard.embedded.temporal-port=0 --modelyard.database.url= --modelyard.temporal.address= \
  --modelyard.redis.url= >"$work/modelyard.log" 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true' EXIT

for _ in $(seq 1 240); do
  curl -fsS "$base/actuator/health" >/dev/null 2>&1 && break
  kill -0 "$pid" 2>/dev/null || { tail -50 "$work/modelyard.log"; exit 1; }
  sleep 0.5
done
# A loaded model, so that generation requests reach an instance instead of a 503 saying none is
# ready: the tiny test model, registered from its file and loaded in process.
model="${TEST_GGUF:-$PWD/../shared/models/llama-2-tiny-random.gguf}"
api() { curl -fsS -H "Authorization: Bearer $key" -H 'Content-Type: application/json' "$@"; }
api -X POST "$base/api/v1/local-llm/models/pull" \
  -d '{"provider":"local_gguf","model_name":"tiny","path":"'"$model"'"}' >/dev/null
for task in pull load; do
  if [ "$task" = load ]; then
    api -X POST "$base/api/v1/local-llm/models/load" \
      -d '{"provider":"local_gguf","model_name":"tiny","resource_requirements":{"context_length":2048}}' >/dev/null
  fi
  for _ in $(seq 1 120); do
    api "$base/api/v1/local-llm/tasks/$task:local_gguf:tiny" | grep -q '"status":"completed"' && break
    sleep 1
  done
done
api "$base/v1/models" | grep -q '"tiny"' || { echo "the tiny model did not load"; exit 1; }

curl -fsS -H "Authorization: Bearer $key" "$base/v3/api-docs" >"$work/openapi.json"

status=0
# From the throwaway dir, where schemathesis leaves its .schemathesis cache.
cd "$work"
"$venv/bin/st" run "$work/openapi.json" --url "$base" \
  --header "Authorization: Bearer $key" \
  --checks not_a_server_error,response_schema_conformance \
  --exclude-operation-id revoke --exclude-operation-id unload --exclude-operation-id scale \
  --exclude-operation-id delete --exclude-operation-id set \
  --max-time "$seconds" --request-timeout 30 --workers 2 \
  --report junit --report-dir "$work/report" || status=$?

# The API logs every 500 it answers; there must be none, whatever schemathesis thought of them.
errors="$(grep -c 'unexpected error' "$work/modelyard.log" || true)"
echo "schemathesis exit status $status; unexpected server errors logged: $errors"
echo "schema, report and the API's log: $work"
if [ "$status" -ne 0 ] || [ "$errors" -ne 0 ]; then
  exit 1
fi
