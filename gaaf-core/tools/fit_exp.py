#!/usr/bin/env python3
"""Fits the polynomial of gaaf_core's `Real::fast_exp` for f32.

e^r ~ 1 + r + r^2 C(r) on |r| <= ln2/2 (the range left after `x = n ln2 + r`),
C of degree 4, minimax in relative error, solved as a linear program on a
dense grid (the constraint is linear in C's coefficients).

Needs numpy and scipy. Prints the fit's error in exact arithmetic and C's
coefficients rounded to f32, highest degree first (Horner's order in real.rs);
the error of the f32 evaluation is measured in Rust (real.rs tests, every f32
by the ignored `exp_every_f32_within_2_ulp`).

Degree 4 fits to 0.05 ulp (degree 3: 1.76 ulp, too close to the 2 ulp bound
once f32 evaluation adds its rounding); the Cephes `expf` polynomial used
before had degree 5, one more multiply-add for accuracy f32 cannot show.

usage: python3 gaaf-core/tools/fit_exp.py
"""
import numpy as np
from scipy.optimize import linprog

DEG, R = 4, np.log(2.0) / 2


def fit(grid=20001):
    r = np.linspace(-R, R, grid)
    e = np.exp(r)
    # |1 + r + r^2 C(r) - e^r| / e^r <= err, linear in C's coefficients.
    # Scaled to units of 2^-24 so that the solver's tolerances (1e-7) are
    # far below the error sought.
    b = np.stack([r**2 * r**k for k in range(DEG + 1)], 1) / e[:, None] * 2**24
    rhs = (e - 1 - r) / e * 2**24
    ones = np.ones((len(r), 1))
    res = linprog(
        np.r_[np.zeros(DEG + 1), 1.0],
        A_ub=np.vstack([np.hstack([b, -ones]), np.hstack([-b, -ones])]),
        b_ub=np.r_[rhs, -rhs],
        bounds=[(None, None)] * (DEG + 1) + [(0, None)],
        method="highs",
    )
    c = res.x[: DEG + 1]
    err = np.abs((1 + r + r**2 * np.polyval(c[::-1], r)) / e - 1).max()
    return c, err


def main():
    c, err = fit()
    print(f"max relative error (exact arithmetic): {err:.3e} = {err / 2**-24:.3f} ulp")
    print("C", ", ".join(np.format_float_scientific(np.float32(v), unique=True) for v in c[::-1]))


if __name__ == "__main__":
    main()
