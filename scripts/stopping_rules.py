#!/usr/bin/env python3
"""Replays the stopping rules on finished MNIST run files (docs/stopping.md).

For each run: the epochs it trained under its own rule, the tail rise at its
stop (mean validation accuracy of the last N epochs minus the N before, in
points), the training loss at the stop, the epoch-to-epoch standard deviation
of validation accuracy over its last 2N epochs, and the epoch at which the
plateau test (window N, threshold T points) would have stopped it within the
history it has (None: not within it).

usage: scripts/stopping_rules.py RUNS_DIR [N] [T]
"""
import glob
import json
import statistics as st
import sys

runs_dir = sys.argv[1]
n = int(sys.argv[2]) if len(sys.argv) > 2 else 20
t = float(sys.argv[3]) if len(sys.argv) > 3 else 0.02


def rise(acc, e):
    if e < 2 * n:
        return None
    return (sum(acc[e - n:e]) - sum(acc[e - 2 * n:e - n])) / n * 100


print(f"| Run | Epochs | Rise at stop (points) | Train loss at stop | Epoch-to-epoch sd (points) | Plateau ({n}, {t}) stops at |")
print("|---|--:|--:|--:|--:|--:|")
for f in sorted(glob.glob(f"{runs_dir}/*.json")):
    d = json.load(open(f))
    acc = [e["val_acc"] for e in d["epochs"]]
    loss = [e["train_loss"] for e in d["epochs"]]
    e_end = len(acc)
    r = rise(acc, e_end)
    tail = acc[max(1, e_end - 2 * n):]
    sd = st.pstdev([(b - a) * 100 for a, b in zip(tail, tail[1:])])
    stop = next((e for e in range(2 * n, e_end + 1) if rise(acc, e) <= t), None)
    name = f.split("/")[-1][:-5]
    rs = "—" if r is None else f"{r:+.3f}"
    print(f"| {name} | {e_end} | {rs} | {loss[-1]:.4f} | {sd:.3f} | {stop if stop else '—'} |")
