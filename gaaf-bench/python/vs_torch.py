#!/usr/bin/env python3
"""Times in PyTorch what gaaf-bench times in Rust, for `cargo xtask bench --vs-torch`.

GAAF-tanh (Hahn & Choi, Eq. 7 with the paper's K = 10,000 and shape
s(x) = exp(-x^2 / 3.7)) is written as a `torch.autograd.Function`, the way a
PyTorch user would write it: the forward saves its input, the backward
recomputes from it. Measured, single-threaded (`torch.set_num_threads(1)`, the
Rust side's thread count), each as the median of repeated runs:

- the MLP training step: 784-512-256-256-10, batch 128, Adam (lr 1e-3),
  cross-entropy against soft targets, with tanh, tanh + dropout (p = 0.5 on the
  hidden outputs) and GAAF-tanh;
- the activation alone on [128, 512]: forward + `sum().backward()`, tanh and
  GAAF-tanh;
- GAAF-tanh forward + backward on 1M and 16M elements, and a copy of the same
  size;
- one full MNIST training epoch of the same MLP (`mnist_epoch`), as
  gaaf-repro trains it (gaaf-bench/benches/epoch.rs): plain SGD at
  gaaf-repro's default learning rate, batch 128, the 50,000 training images
  left once a 10,000-image validation split is taken out (391 steps, shuffled),
  cross-entropy, per step the mean |dE/dW| of each weight matrix (summed over
  the epoch), then the validation accuracy; for tanh, tanh + dropout and
  GAAF-tanh. It reads the real MNIST IDX files (raw or `.gz`) from
  `$GAAF_DATA_DIR/mnist/` (else `./data/mnist/`); without them those rows are
  skipped, with a line saying so on stderr and in the JSON's "skipped".

Prints one JSON object on stdout whose "median_ns" keys are the Rust
benchmarks' ids, each with the median time in nanoseconds. Without torch it
prints "SKIPPED: torch not importable" and exits 0.
"""

import argparse
import gzip
import json
import os
import re
import sys
import time
from pathlib import Path

try:
    import numpy as np
    import torch
    import torch.nn.functional as F
except Exception as err:  # noqa: BLE001 - any import failure means no torch here
    print(f"SKIPPED: torch or numpy not importable ({type(err).__name__}: {err})")
    sys.exit(0)

K = 10_000.0
WIDTH = 3.7


class GaafTanhFn(torch.autograd.Function):
    """GAAF-tanh: tanh(x) + g(x) * s(x), with g(x) = (xK - floor(xK) - 0.5) / K."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        g = (x * K - torch.floor(x * K) - 0.5) / K
        s = torch.exp(-x * x / WIDTH)
        return torch.tanh(x) + g * s

    @staticmethod
    def backward(ctx, dy):
        (x,) = ctx.saved_tensors
        t = torch.tanh(x)
        g = (x * K - torch.floor(x * K) - 0.5) / K
        s = torch.exp(-x * x / WIDTH)
        ds = -2.0 * x / WIDTH * s
        return dy * (1.0 - t * t + s + g * ds)


class GaafTanh(torch.nn.Module):
    """GAAF-tanh as a module."""

    def forward(self, x):
        return GaafTanhFn.apply(x)


def median_ns(fn, min_time, min_reps=5):
    """Median wall time of `fn()` in ns, after one warm-up call."""
    fn()
    times = []
    start = time.perf_counter()
    while len(times) < min_reps or time.perf_counter() - start < min_time:
        t0 = time.perf_counter_ns()
        fn()
        times.append(time.perf_counter_ns() - t0)
    times.sort()
    return times[len(times) // 2]


def mlp(act, dropout):
    layers = []
    for i, o in [(784, 512), (512, 256), (256, 256)]:
        layers += [torch.nn.Linear(i, o), act()]
        if dropout:
            layers.append(torch.nn.Dropout(0.5))
    layers.append(torch.nn.Linear(256, 10))
    return torch.nn.Sequential(*layers)


def mlp_step(act, dropout, min_time):
    torch.manual_seed(0)
    model = mlp(act, dropout).train()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    x = torch.randn(128, 784)
    y = torch.softmax(torch.randn(128, 10), dim=1)

    def step():
        opt.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()

    return median_ns(step, min_time)


def op_fwd_bwd(f, x, min_time):
    def run():
        xi = x.detach().requires_grad_()
        f(xi).sum().backward()

    return median_ns(run, min_time)


def kernel_fwd_bwd(n, min_time):
    x = (torch.rand(n) * 12.0 - 6.0).requires_grad_()
    dy = torch.rand(n) * 12.0 - 6.0

    def run():
        x.grad = None
        GaafTanhFn.apply(x).backward(dy)

    return median_ns(run, min_time, min_reps=3)


# gaaf-repro's MNIST defaults (gaaf-repro/src/mnist/config.rs, `Config::new`).
MNIST_LR = 0.05
MNIST_BATCH = 128
MNIST_VAL = 10_000
# Rows per validation forward pass (gaaf-repro's `EVAL_CHUNK`).
MNIST_EVAL_CHUNK = 1000
# The criterion group of gaaf-bench/benches/epoch.rs.
MNIST_EPOCH_GROUP = "epoch_mnist_50k"


def read_idx(folder, name):
    """The IDX file `name` in `folder` (raw, else `name.gz`) as a uint8 array."""
    raw = folder / name
    zipped = folder / f"{name}.gz"
    if raw.is_file():
        data = raw.read_bytes()
    elif zipped.is_file():
        data = gzip.decompress(zipped.read_bytes())
    else:
        raise FileNotFoundError(f"neither {raw} nor {zipped} exists")
    if len(data) < 4 or data[0] != 0 or data[1] != 0 or data[2] != 0x08:
        raise ValueError(f"{name}: not an IDX file of unsigned bytes")
    ndim = data[3]
    dims = np.frombuffer(data, dtype=">u4", count=ndim, offset=4).astype(np.int64)
    body = np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim)
    if body.size != int(np.prod(dims)):
        raise ValueError(f"{name}: {body.size} bytes for dimensions {dims.tolist()}")
    return body.reshape(dims)


def load_mnist():
    """MNIST's training images and labels, split as gaaf-repro does.

    Returns (x_train, y_train, x_val, y_val): the pixels scaled to [0, 1] and
    normalised with the mean and (population) standard deviation of all
    60,000 training images, then 10,000 of them (a seeded shuffle) held out
    for validation, 50,000 left to train on.
    """
    root = os.environ.get("GAAF_DATA_DIR") or "data"
    folder = Path(root) / "mnist"
    images = read_idx(folder, "train-images-idx3-ubyte")
    labels = read_idx(folder, "train-labels-idx1-ubyte")
    if images.ndim != 3 or images.shape[1:] != (28, 28) or labels.shape != images.shape[:1]:
        raise ValueError(f"unexpected MNIST shapes {images.shape} and {labels.shape}")
    x = images.reshape(len(images), 784).astype(np.float32) / 255.0
    x = (x - x.mean()) / x.std()
    order = np.random.default_rng(0).permutation(len(x))
    val, train = order[:MNIST_VAL], order[MNIST_VAL:]
    y = labels.astype(np.int64)
    return (
        torch.from_numpy(np.ascontiguousarray(x[train])),
        torch.from_numpy(y[train]),
        torch.from_numpy(np.ascontiguousarray(x[val])),
        torch.from_numpy(y[val]),
    )


def mnist_epoch(variant, data, reps):
    """Median time in ns of one MNIST training epoch plus validation.

    `variant` is "base" (tanh), "dropout" (tanh + dropout 0.5 on the three
    hidden outputs) or "gaaf" (GAAF-tanh). Each repetition trains a freshly
    initialised model (built outside the timed region, as the Rust side's
    `iter_batched` setup) for one epoch, after one untimed warm-up epoch.
    Returns the median and the last epoch's record (loss, accuracy, gradient
    statistic), for a look at whether both sides do the same work.
    """
    act, dropout = {
        "base": (torch.nn.Tanh, False),
        "dropout": (torch.nn.Tanh, True),
        "gaaf": (GaafTanh, False),
    }[variant]
    x_train, y_train, x_val, y_val = data
    torch.manual_seed(0)
    shuffle = torch.Generator().manual_seed(0)

    def epoch(model, opt, weights):
        model.train()
        order = torch.randperm(len(x_train), generator=shuffle)
        steps = 0
        loss_sum = 0.0
        grad_sum = [0.0] * len(weights)
        for idx in order.split(MNIST_BATCH):
            loss = F.cross_entropy(model(x_train[idx]), y_train[idx])
            loss_sum += loss.item()
            opt.zero_grad()
            loss.backward()
            for k, w in enumerate(weights):
                grad_sum[k] += w.grad.abs().mean(dtype=torch.float64).item()
            opt.step()
            steps += 1
        model.eval()
        correct = 0
        with torch.no_grad():
            for xs, ys in zip(x_val.split(MNIST_EVAL_CHUNK), y_val.split(MNIST_EVAL_CHUNK)):
                correct += (model(xs).argmax(dim=1) == ys).sum().item()
        return {
            "steps": steps,
            "train_loss": loss_sum / steps,
            "val_acc": correct / len(x_val),
            "grad_info": [s / steps for s in grad_sum],
        }

    times = []
    record = None
    for rep in range(reps + 1):
        model = mlp(act, dropout)
        opt = torch.optim.SGD(model.parameters(), lr=MNIST_LR)
        weights = [m.weight for m in model if isinstance(m, torch.nn.Linear)]
        t0 = time.perf_counter_ns()
        record = epoch(model, opt, weights)
        if rep > 0:
            times.append(time.perf_counter_ns() - t0)
    times.sort()
    return times[len(times) // 2], record


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="shorter timing")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument(
        "--filter",
        metavar="REGEX",
        help="only the rows whose id matches this regular expression (as criterion's filter)",
    )
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.set_num_interop_threads(args.threads)
    min_time = 0.5 if args.quick else 2.0
    epoch_reps = 3 if args.quick else 5
    pattern = re.compile(args.filter) if args.filter else None

    def wanted(row_id):
        return pattern is None or pattern.search(row_id) is not None

    results = {}
    skipped = []
    for name, act, dropout in [
        ("tanh", torch.nn.Tanh, False),
        ("tanh_dropout", torch.nn.Tanh, True),
        ("gaaf_tanh", GaafTanh, False),
    ]:
        row = f"mlp_step_b128/adam/{name}"
        if wanted(row):
            results[row] = mlp_step(act, dropout, min_time)

    torch.manual_seed(1)
    x = torch.randn(128, 512) * 2.0
    for name, f in [("tanh", torch.tanh), ("gaaf_tanh", GaafTanhFn.apply)]:
        row = f"dfdx_op_128x512/fwd_bwd/{name}"
        if wanted(row):
            results[row] = op_fwd_bwd(f, x, min_time)

    for n in [1 << 20, 1 << 24]:
        row = f"kernel/gaaf-tanh/forward+backward/{n}"
        if wanted(row):
            results[row] = kernel_fwd_bwd(n, min_time)
        row = f"kernel/copy/copy/{n}"
        if wanted(row):
            src, dst = torch.rand(n), torch.empty(n)
            results[row] = median_ns(lambda: dst.copy_(src), min_time)

    epochs = {}
    epoch_rows = [
        (v, f"{MNIST_EPOCH_GROUP}/train_epoch/{v}") for v in ["base", "dropout", "gaaf"]
    ]
    epoch_rows = [(v, row) for v, row in epoch_rows if wanted(row)]
    if epoch_rows:
        try:
            data = load_mnist()
        except (OSError, ValueError) as err:
            data = None
            line = (
                f"{MNIST_EPOCH_GROUP}: no MNIST in $GAAF_DATA_DIR/mnist/ ({err}); "
                "`cargo xtask data fetch --dataset mnist` fetches it"
            )
            print(f"SKIPPED: {line}", file=sys.stderr)
            skipped.append(line)
        if data is not None:
            for variant, row in epoch_rows:
                results[row], epochs[row] = mnist_epoch(variant, data, epoch_reps)

    json.dump(
        {
            "torch_version": torch.__version__,
            "threads": torch.get_num_threads(),
            "median_ns": results,
            "mnist_epochs": epochs,
            "skipped": skipped,
        },
        sys.stdout,
        indent=1,
    )
    print()


if __name__ == "__main__":
    main()
