#!/usr/bin/env python3
"""Fits the rational tanh of gaaf_core's `Real::fast_tanh` for f32.

tanh(a) ~ a * P(z) / Q(z), z = a^2, P of degree 6 and Q of degree 3 in z,
Q(0) = 1, minimax in relative error on (0, 9] (from 9 on, real.rs clamps the
argument and returns 1, within an ulp of tanh). The minimax problem is solved as a linear program by differential
correction: minimise e subject to |(a P - t Q) / (t Q_prev)| <= e on a dense
grid, with Q_prev the previous iterate's denominator, until it settles.

Needs numpy and scipy. Prints the coefficients rounded to f32, highest degree
first (the order of Horner's scheme in real.rs), and the fit's error in exact
arithmetic; the error of the f32 evaluation is measured in Rust (real.rs tests).

real.rs evaluates P and Q with fused multiply-adds. Degrees 6 and 3 fit to
0.37 ulp and evaluate within 2.83 ulp (every f32 checked; 7 and 3 evaluated
within 2.53, one multiply-add more; without fused multiply-adds 6 and 3
reached 3.13 and 7 and 3 2.93). 5 and 3 fit to 1.6 ulp and P(0) is no
longer 1.

usage: python3 gaaf-core/tools/fit_tanh.py
"""
import numpy as np
from scipy.optimize import linprog

M, N, X = 6, 3, 9.0  # degrees of P and Q in z; right end of the interval


def fit(grid=6000, rounds=8):
    u = np.linspace(0.0, 1.0, grid)
    a = np.unique(np.concatenate([X * u**2, X * u]))[1:]  # dense near 0 as well
    t, z = np.tanh(a), a * a
    q_prev = np.ones_like(a)
    for _ in range(rounds):
        cols = [a * z**k for k in range(M + 1)] + [-t * z**k for k in range(1, N + 1)]
        b = np.stack(cols, 1) / (t * q_prev)[:, None]
        rhs = 1.0 / q_prev
        ones = np.ones((len(a), 1))
        res = linprog(
            np.r_[np.zeros(b.shape[1]), 1.0],
            A_ub=np.vstack([np.hstack([b, -ones]), np.hstack([-b, -ones])]),
            b_ub=np.r_[rhs, -rhs],
            bounds=[(None, None)] * b.shape[1] + [(0, None)],
            method="highs",
        )
        p, q = res.x[: M + 1], np.r_[1.0, res.x[M + 1 : M + 1 + N]]
        q_prev = np.polyval(q[::-1], z)
    err = np.abs(a * np.polyval(p[::-1], z) / q_prev / t - 1).max()
    return p, q, err


def main():
    p, q, err = fit()
    print(f"max relative error (exact arithmetic): {err:.3e} = {err / 2**-24:.3f} ulp")
    for name, c in (("P", p), ("Q", q)):
        # The shortest decimal that reads back as the same f32.
        print(name, ", ".join(np.format_float_scientific(np.float32(v), unique=True) for v in c[::-1]))


if __name__ == "__main__":
    main()
