#!/usr/bin/env bash
# Table 5's protocol on MNIST padded to 32x32 (issue 16): both models of
# section 5.2 at a width two CPU cores can train, 3 seeds, the paper's SGD
# (momentum 0.9, weight decay 5e-4) at lr 0.01 for every variant, and the
# VGG-like model's base and paper-shape GAAF at lr 0.002 (does the paper's
# shape train at a smaller rate?). Each (model, rate) is one folder;
# rerunning this script reuses finished runs and resumes the rest.
# Usage: bash results/mnist32-2026-12-07/run.sh [path to gaaf-repro]
set -uo pipefail
bin=${1:-target/release/gaaf-repro}
here=results/mnist32-2026-12-07
export RAYON_NUM_THREADS=1
common=(--seeds 3 --jobs 2 --train-subset 4000 --val-size 1000 --test-subset 2000
        --max-epochs 8 --patience 8)
svhn=(--model svhn-net --width-divisor 4)
vgg=(--model vgg-like --width-divisor 8)
all=base,bn,gaaf,bn-gaaf,gaaf-sat,bn-gaaf-sat
# A diverged run makes the command exit non-zero after the others finish;
# the next folder still runs.
"$bin" mnist32 "${common[@]}" "${svhn[@]}" --variants $all --lr 0.01 --out $here/svhn-net-lr0.01
"$bin" mnist32 "${common[@]}" "${vgg[@]}" --variants $all --lr 0.01 --out $here/vgg-like-lr0.01
"$bin" mnist32 "${common[@]}" "${vgg[@]}" --variants base,gaaf --lr 0.002 --out $here/vgg-like-lr0.002
