#!/usr/bin/env bash
# The MNIST GPU check, on the GPU machine, from the bundle that
# scripts/gpu/build-mnist-bundle.sh built: the CUDA tests, one epoch per
# variant timed, and one full seed of the sweep (base, dropout, gaaf; the
# dropout-matched shape has no CUDA path) within the time left. Everything
# it prints and writes goes to $OUT (default ./gpu-out).
#
# usage: bash gpu-bundle/run-mnist.sh [SECONDS_FOR_THE_SEED]   (the unpacked bundle)
set -uo pipefail
B=$(cd "$(dirname "$0")" && pwd)
OUT=${OUT:-$PWD/gpu-out}
SEED_SECONDS=${1:-300}
mkdir -p "$OUT/data/mnist"
cp "$B"/data/* "$OUT/data/mnist/"
# CUDA 13 libraries from the PyTorch install (cuBLAS, NVRTC, cuRAND).
NV=$(python3 -c 'import nvidia, os; print(os.path.join(list(nvidia.__path__)[0], "cu13", "lib"))')
export LD_LIBRARY_PATH=$NV${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
export GAAF_DATA_DIR=$OUT/data RAYON_NUM_THREADS=1
log() { echo "== $* ($(date -u +%H:%M:%S))"; }
{
  log machine; nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv
  log "gaaf-dfdx CUDA test"; "$B/dfdx-cuda-test" --ignored --nocapture
  log "gaaf-repro CUDA test"; "$B/repro-cuda-test" --ignored --nocapture
  log "one epoch per variant"
  t0=$SECONDS
  "$B/gaaf-repro" mnist --device cuda --variants base,dropout,gaaf \
      --seeds 1 --max-epochs 1 --out "$OUT/epoch"
  echo "three one-epoch runs, with set-up and analyses: $((SECONDS - t0)) s"
  log "one full seed, at most $SEED_SECONDS s (resumable)"
  timeout "$SEED_SECONDS" "$B/gaaf-repro" mnist --device cuda --variants base,dropout,gaaf \
      --seeds 1 --jobs 3 --out "$OUT/seed0"
  log "done, rc $?"
  python3 - "$OUT" <<'PY'
import glob, json, sys
for f in sorted(glob.glob(sys.argv[1] + "/*/runs/*.json")):
    r = json.load(open(f))
    s = [e["seconds"] for e in r["epochs"]]
    print(f.split("/")[-3], r["config"]["variant"], "epochs", len(s), "mean epoch s", round(sum(s) / len(s), 3),
          "test", r["test_acc"], "machine", r["machine"])
PY
} 2>&1 | tee "$OUT/log.txt"
rm -rf "$OUT/data" "$OUT"/*/checkpoints
