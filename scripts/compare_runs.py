#!/usr/bin/env python3
"""Compares the runs two MNIST sweeps share (same run id): epochs, best epoch,
test accuracy, tail rise at the stop (last 20 epochs' mean validation accuracy
minus the 20 before, points) and training loss at the stop, as a Markdown
table, then the paired mean change in test accuracy per model.

usage: scripts/compare_runs.py OLD_RUNS_DIR NEW_RUNS_DIR
"""
import glob
import json
import os
import statistics as st
import sys

T975 = {1: 12.706, 2: 4.303, 3: 3.182, 4: 2.776, 5: 2.571, 6: 2.447, 7: 2.365, 8: 2.306, 9: 2.262}


def load(d):
    return {os.path.basename(f)[:-5]: json.load(open(f)) for f in glob.glob(f"{d}/*.json")}


def rise(run, n=20):
    acc = [e["val_acc"] for e in run["epochs"]]
    e = len(acc)
    return None if e < 2 * n else (sum(acc[e - n:]) - sum(acc[e - 2 * n:e - n])) / n * 100


old, new = load(sys.argv[1]), load(sys.argv[2])
shared = sorted(set(old) & set(new))
fmt = lambda r: "—" if r is None else f"{r:+.3f}"
print("| Run | Epochs | Best epoch | Test % | Rise at stop (points) | Train loss at stop |")
print("|---|--:|--:|--:|--:|--:|")
for k in shared:
    a, b = old[k], new[k]
    print(
        f"| {k} | {len(b['epochs'])} ({len(a['epochs'])}) | {b['best_epoch']} ({a['best_epoch']}) "
        f"| {100 * b['test_acc']:.2f} ({100 * a['test_acc']:.2f}) | {fmt(rise(b))} ({fmt(rise(a))}) "
        f"| {b['epochs'][-1]['train_loss']:.4f} ({a['epochs'][-1]['train_loss']:.4f}) |"
    )
print("\nIn parentheses: the old sweep's run.\n")
models = sorted({k.rsplit("-seed", 1)[0] for k in shared})
for m in models:
    d = [100 * (new[k]["test_acc"] - old[k]["test_acc"]) for k in shared if k.rsplit("-seed", 1)[0] == m]
    if len(d) > 1:
        half = T975[len(d) - 1] * st.stdev(d) / len(d) ** 0.5
        print(f"- {m}: new minus old test accuracy {st.mean(d):+.3f} points [{st.mean(d) - half:+.3f}, {st.mean(d) + half:+.3f}], n = {len(d)}")
