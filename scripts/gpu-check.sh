#!/usr/bin/env bash
# Checks the FFM binding to NVML on a real GPU, on a machine that has no Java.
#
#   scripts/gpu-check.sh build    # here: a jlink'ed java.base runtime and gpu.jar in .gpu-check/
#   scripts/gpu-check.sh local    # here: build, then print the inventory (no GPU: zero devices)
#   scripts/gpu-check.sh device   # on the GPU machine, with .gpu-check/ copied there: print the
#                                 # inventory and nvidia-smi's view of the same device into $OUT
#
# Only the gpu package's java.base classes go into the jar, compiled with javac alone: no Spring,
# no Maven, so the runtime and jar together stay a few tens of MiB.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
CHECK_DIR="$REPO_ROOT/.gpu-check"
GPU_SOURCES="$REPO_ROOT/infra/src/main/java/dev/modelyard/infra/gpu"
MAIN_CLASS=dev.modelyard.infra.gpu.GpuInventoryReport
MAX_MIB=64

build() {
  local java_home
  java_home="$("$REPO_ROOT/scripts/java-home.sh")"
  rm -rf "$CHECK_DIR"
  mkdir -p "$CHECK_DIR/classes"
  # Git must not carry it, but the device tool can (carry: [".gpu-check"]).
  local exclude="$REPO_ROOT/.git/info/exclude"
  mkdir -p "$(dirname "$exclude")"
  grep -qxF '/.gpu-check/' "$exclude" 2>/dev/null || echo '/.gpu-check/' >>"$exclude"

  "$java_home/bin/jlink" --add-modules java.base --strip-debug --no-man-pages \
    --no-header-files --compress=zip-9 --output "$CHECK_DIR/runtime"

  local sources=()
  for f in "$GPU_SOURCES"/*.java; do
    # The one Spring class stays out: the report runs on java.base alone.
    [[ "$f" == */GpuAutoConfiguration.java ]] || sources+=("$f")
  done
  "$java_home/bin/javac" --release 25 -d "$CHECK_DIR/classes" "${sources[@]}"
  "$java_home/bin/jar" --create --file "$CHECK_DIR/gpu.jar" --main-class "$MAIN_CLASS" \
    -C "$CHECK_DIR/classes" .
  rm -rf "$CHECK_DIR/classes"

  local mib
  mib=$(du -sm "$CHECK_DIR" | cut -f1)
  echo "gpu-check: built $CHECK_DIR (${mib} MiB: runtime $(du -sm "$CHECK_DIR/runtime" | cut -f1) MiB, gpu.jar $(du -k "$CHECK_DIR/gpu.jar" | cut -f1) KiB)"
  if ((mib >= MAX_MIB)); then
    echo "gpu-check: $CHECK_DIR is over ${MAX_MIB} MiB and would not travel" >&2
    exit 1
  fi
}

report() {
  local started ended
  started=$(date +%s%N)
  "$CHECK_DIR/runtime/bin/java" --enable-native-access=ALL-UNNAMED -cp "$CHECK_DIR/gpu.jar" "$MAIN_CLASS"
  ended=$(date +%s%N)
  echo "wall: $(((ended - started) / 1000000)) ms including JVM start"
}

# One reading from each side, as near the same moment as two processes allow.
snapshot() {
  local out=$1 tag=$2 status=0
  report >"$out/nvml-$tag.txt" 2>&1 || status=$?
  {
    nvidia-smi --query-gpu=index,uuid,name,memory.total,memory.used,memory.free,memory.reserved,utilization.gpu,utilization.memory,temperature.gpu,power.draw --format=csv
    nvidia-smi --query-compute-apps=pid,used_memory --format=csv
  } >"$out/smi-$tag.txt" 2>&1 || true
  echo "=== $tag: NVML via FFM (GpuInventoryReport) ==="
  cat "$out/nvml-$tag.txt"
  echo "=== $tag: nvidia-smi ==="
  cat "$out/smi-$tag.txt"
  return "$status"
}

device() {
  local out="${OUT:-$CHECK_DIR/out}"
  mkdir -p "$out"
  [[ -x "$CHECK_DIR/runtime/bin/java" ]] || {
    echo "gpu-check: no $CHECK_DIR/runtime; run 'scripts/gpu-check.sh build' here and carry .gpu-check" >&2
    exit 1
  }
  nvidia-smi --version 2>&1 || true
  local status=0
  snapshot "$out" idle || status=$?

  # A process holding 1 GiB, so the process list and used memory are read with something in them.
  if python3 -c 'import torch' 2>/dev/null; then
    python3 -c '
import time, torch
x = torch.empty(1 << 30, dtype=torch.uint8, device="cuda")
torch.cuda.synchronize()
print("holding", flush=True)
time.sleep(90)
' >"$out/holder.log" 2>&1 &
    local holder=$!
    for _ in $(seq 1 60); do
      grep -q holding "$out/holder.log" 2>/dev/null && break
      sleep 1
    done
    echo "holder pid $holder: $(cat "$out/holder.log")"
    snapshot "$out" busy || status=$?
    kill "$holder" 2>/dev/null || true
    wait "$holder" 2>/dev/null || true
  fi
  return "$status"
}

case "${1:-build}" in
  build) build ;;
  local) build && report ;;
  device) device ;;
  *)
    echo "usage: $0 [build|local|device]" >&2
    exit 2
    ;;
esac
