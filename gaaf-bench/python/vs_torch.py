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
  size.

Prints one JSON object on stdout whose keys are the Rust benchmarks' ids, each
with the median time in nanoseconds. Without torch it prints
"SKIPPED: torch not importable" and exits 0.
"""

import argparse
import json
import sys
import time

try:
    import torch
    import torch.nn.functional as F
except Exception as err:  # noqa: BLE001 - any import failure means no torch here
    print(f"SKIPPED: torch not importable ({type(err).__name__})")
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


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="shorter timing")
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.set_num_interop_threads(args.threads)
    min_time = 0.5 if args.quick else 2.0

    results = {}
    for name, act, dropout in [
        ("tanh", torch.nn.Tanh, False),
        ("tanh_dropout", torch.nn.Tanh, True),
        ("gaaf_tanh", GaafTanh, False),
    ]:
        results[f"mlp_step_b128/adam/{name}"] = mlp_step(act, dropout, min_time)

    torch.manual_seed(1)
    x = torch.randn(128, 512) * 2.0
    results["dfdx_op_128x512/fwd_bwd/tanh"] = op_fwd_bwd(torch.tanh, x, min_time)
    results["dfdx_op_128x512/fwd_bwd/gaaf_tanh"] = op_fwd_bwd(GaafTanhFn.apply, x, min_time)

    for n in [1 << 20, 1 << 24]:
        results[f"kernel/gaaf-tanh/forward+backward/{n}"] = kernel_fwd_bwd(n, min_time)
        src, dst = torch.rand(n), torch.empty(n)
        results[f"kernel/copy/copy/{n}"] = median_ns(lambda: dst.copy_(src), min_time)

    json.dump(
        {
            "torch_version": torch.__version__,
            "threads": torch.get_num_threads(),
            "median_ns": results,
        },
        sys.stdout,
        indent=1,
    )
    print()


if __name__ == "__main__":
    main()
