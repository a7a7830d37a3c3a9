#!/usr/bin/env python3
"""Summarises a grid of convolutional sweeps (one folder per model and
learning rate, as results/mnist32-2026-12-07/run.sh writes them) as Markdown:
per model, rate and variant the finished and diverged runs and the test
accuracy; then, per model, paired differences by seed with 95 % t intervals
(GAAF against the same model without it, BN against base) at each rate, and
each variant at its best rate on validation against base at its own.

usage: scripts/conv_grid.py GRID_DIR > GRID_DIR/summary.md
"""
import glob
import json
import os
import statistics as st
import sys

T975 = {1: 12.706, 2: 4.303, 3: 3.182, 4: 2.776, 5: 2.571, 6: 2.447, 7: 2.365, 8: 2.306, 9: 2.262}
ORDER = ["base", "bn", "gaaf", "bn-gaaf", "gaaf-sat", "bn-gaaf-sat"]
LABEL = {
    "base": "Base",
    "bn": "+BN",
    "gaaf": "+GAAF (paper shape)",
    "bn-gaaf": "+BN +GAAF (paper shape)",
    "gaaf-sat": "+GAAF (saturation-only)",
    "bn-gaaf-sat": "+BN +GAAF (saturation-only)",
}
# (variant, reference) pairs compared at each rate.
PAIRS = [
    ("gaaf", "base"),
    ("gaaf-sat", "base"),
    ("gaaf-sat", "gaaf"),
    ("bn", "base"),
    ("bn-gaaf", "bn"),
    ("bn-gaaf-sat", "bn"),
]


# The first runs spelled the saturation-only variants out in JSON.
LONG = {"gaaf-saturation": "gaaf-sat", "bn-gaaf-saturation": "bn-gaaf-sat"}


def variant_of(config):
    return LONG.get(config["variant"], config["variant"])


def model_of(config):
    return config.get("model") or {"cifar10": "vgg-like", "cifar100": "vgg-like"}.get(
        config["dataset"], "svhn-net"
    )


def load(grid):
    """{(model, lr, variant): {seed: run or None (diverged)}} and the configs."""
    cells, diverged = {}, {}
    for folder in sorted(glob.glob(f"{grid}/*/")):
        for path in glob.glob(f"{folder}runs/*.json"):
            r = json.load(open(path))
            c = r["config"]
            cells.setdefault((model_of(c), c["lr"], variant_of(c)), {})[c["seed"]] = r
        for path in glob.glob(f"{folder}diverged/*.json"):
            d = json.load(open(path))
            c = d["config"]
            cells.setdefault((model_of(c), c["lr"], variant_of(c)), {})[c["seed"]] = None
            diverged[d["run_id"] + f" (lr {c['lr']})"] = d
    return cells, diverged


def paired(a, b):
    """Mean and 95 % t interval of a - b (points) over the seeds both finished."""
    seeds = sorted(s for s in a if a[s] is not None and b.get(s) is not None)
    d = [100 * (a[s]["test_acc"] - b[s]["test_acc"]) for s in seeds]
    if len(d) < 2:
        return None
    m = st.mean(d)
    h = T975[len(d) - 1] * st.stdev(d) / len(d) ** 0.5
    return f"{m:+.2f} [{m - h:+.2f}, {m + h:+.2f}] (n = {len(d)})"


def acc(cell, key="test_acc"):
    xs = [100 * r[key] for r in cell.values() if r is not None]
    if not xs:
        return None
    return (st.mean(xs), st.stdev(xs) if len(xs) > 1 else None)


def main(grid):
    cells, diverged = load(grid)
    models = sorted({k[0] for k in cells}, reverse=True)
    out = []
    for model in models:
        rates = sorted({k[1] for k in cells if k[0] == model}, reverse=True)
        out.append(f"## {model}\n")
        out.append("| Variant | lr | Finished | Diverged | Val % (mean) | Test % (mean, std) | Epochs (mean) |")
        out.append("|---|--:|--:|--:|--:|--:|--:|")
        for v in ORDER:
            for lr in rates:
                cell = cells.get((model, lr, v))
                if cell is None:
                    continue
                done = [r for r in cell.values() if r is not None]
                t, val = acc(cell), acc(cell, "best_val_acc")
                test = "—" if t is None else f"{t[0]:.2f}" + ("" if t[1] is None else f" ({t[1]:.2f})")
                vals = "—" if val is None else f"{val[0]:.2f}"
                ep = "—" if not done else f"{st.mean(len(r['epochs']) for r in done):.1f}"
                out.append(
                    f"| {LABEL[v]} | {lr} | {len(done)} | {len(cell) - len(done)} | {vals} | {test} | {ep} |"
                )
        out.append("\nPaired differences in test accuracy (points, same seed, 95 % t interval):\n")
        out.append("| Comparison | lr | Difference |")
        out.append("|---|--:|--:|")
        for lr in rates:
            for a, b in PAIRS:
                ca, cb = cells.get((model, lr, a)), cells.get((model, lr, b))
                if ca is None or cb is None:
                    continue
                p = paired(ca, cb)
                if p is None:
                    p = "— (fewer than 2 seeds finished on both sides)"
                out.append(f"| {LABEL[a]} minus {LABEL[b]} | {lr} | {p} |")
        # Each variant at its best rate on validation (every seed finished).
        best = {}
        for v in ORDER:
            ok = [
                (acc(cells[(model, lr, v)], "best_val_acc")[0], lr)
                for lr in rates
                if (model, lr, v) in cells and all(r is not None for r in cells[(model, lr, v)].values())
            ]
            if ok:
                best[v] = max(ok)[1]
        for a, b in PAIRS:
            if a in best and b in best and (a, b) != ("gaaf-sat", "gaaf"):
                p = paired(cells[(model, best[a], a)], cells[(model, best[b], b)])
                out.append(
                    f"| each at its best rate: {LABEL[a]} (lr {best[a]}) minus {LABEL[b]} (lr {best[b]}) | — | {p or '—'} |"
                )
        out.append("")
    if diverged:
        out.append("## Diverged runs\n")
        for k, d in sorted(diverged.items()):
            out.append(f"- {k}: loss {d['loss']} in epoch {d['epoch']}")
        out.append("")
    out.append(
        "A best rate is the rate with the highest mean validation accuracy among the rates at "
        "which every seed of the variant finished; an interval that contains 0 shows no difference."
    )
    print("\n".join(out))


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: scripts/conv_grid.py GRID_DIR")
    main(sys.argv[1])
