#!/usr/bin/env bash
# Builds, on a machine WITHOUT a GPU, everything the MNIST GPU check needs,
# into target/gpu-bundle/ and packs it as target/gpu-bundle.tar.xz (about
# 26 MB: the binaries are 100 MB, mostly candle's embedded PTX, over the
# device tool's 64 MiB carry limit), to be carried to a GPU machine that has
# no Rust and run there:
#   python3 -c "import tarfile; tarfile.open('target/gpu-bundle.tar.xz').extractall('gpu-bundle')"
#   bash gpu-bundle/run-mnist.sh
#
# usage: bash scripts/gpu/build-mnist-bundle.sh
# needs: ../shared/tools/cuda-toolkit-from-wheels.sh (a CUDA 13.0 toolkit
#        from NVIDIA's wheels) and MNIST in $GAAF_DATA_DIR/mnist/.
set -euo pipefail
cd "$(git rev-parse --show-toplevel)"
: "${GAAF_DATA_DIR:?set GAAF_DATA_DIR to the folder that holds mnist/}"
eval "$(bash ../shared/tools/cuda-toolkit-from-wheels.sh "${CUDA13_DIR:-$HOME/.cache/cuda13}")"
export CARGO_TARGET_DIR=target/cuda
B=target/gpu-bundle
rm -rf "$B" && mkdir -p "$B/data"
cargo build --release -p gaaf-repro --features cuda
cp "$CARGO_TARGET_DIR/release/gaaf-repro" "$B/"
# The CUDA tests: gaaf-dfdx's (GPU vs fused CPU op) and gaaf-repro's (an
# MNIST epoch on the GPU vs the CPU, tests/cuda.rs); their executables, found from cargo's
# JSON messages.
cargo test --release -p gaaf-dfdx -p gaaf-repro --features gaaf-dfdx/cuda,gaaf-repro/cuda \
    --no-run --message-format=json 2>/dev/null |
    python3 -c '
import json, shutil, sys
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") != "compiler-artifact" or not m.get("executable"):
        continue
    t = m["target"]
    name = {("gaaf-dfdx", "cuda"): "dfdx-cuda-test", ("gaaf-repro", "cuda"): "repro-cuda-test"}.get(
        (m["package_id"].split("#")[0].split("/")[-1].split("@")[0], t["name"]))
    if name and m["profile"]["test"]:
        shutil.copy(m["executable"], sys.argv[1] + "/" + name)
        print("bundled", name)
' "$B"
cp -L "$GAAF_DATA_DIR"/mnist/* "$B/data/"
cp scripts/gpu/run-mnist.sh "$B/"
strip "$B/gaaf-repro" "$B"/*-test
tar -C "$B" -cf - . | xz -T2 -6 > target/gpu-bundle.tar.xz
ls -la target/gpu-bundle.tar.xz
echo "carry target/gpu-bundle.tar.xz; there: unpack it (see this script's header) and run gpu-bundle/run-mnist.sh"
