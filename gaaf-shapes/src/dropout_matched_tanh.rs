//! The dropout-matched shape of tanh as a closed formula with fitted
//! coefficients: no table reads, so slice kernels vectorise it.

use crate::error::{check, Error};
use crate::recast::narrow;
use crate::{dropout_sigma, DropoutScaling, GaussHermite, Recast, ShapeFn, DEFAULT_NODES};
use gaaf_core::{Differentiable, Real};

/// The number of Chebyshev terms [`DropoutMatchedTanh`] uses unless told
/// otherwise.
///
/// The largest differences from the exact 64-node shape
/// ([`crate::DropoutMatched`]) over `x` in [-20, 20], in `f64`, with 32 terms
/// (the test `close_to_the_quadrature_shape` asserts bounds a few times
/// these), value / slope: below 4e-10 / 7e-9 for `sigma <= 1`; 9e-8 / 8e-7 at
/// `sigma = 1.4`; 1.1e-5 / 1.2e-4 at 2; 2.3e-4 / 2.0e-3 at 3, where the
/// 64-node quadrature itself is off by about 2e-3. Dropout's net variances in
/// the paper's Table 3 (1 to 2) mean `sigma` of 1 to 1.4. The 1024-node
/// [`crate::Tabulated`] table of the same shape: 2e-5 / 2e-3.
pub const FIT_TERMS: usize = 32;

/// The largest `sigma` [`DropoutMatchedTanh`] accepts: `e^(2 sigma^2)`, the
/// ratio of noisy to plain slope far out on tanh's tails, must stay within
/// `f32`'s range (`e^72` at `sigma = 6`).
pub const MAX_FIT_SIGMA: f64 = 6.0;

/// [`crate::DropoutMatched`] for tanh, fitted: the same shape
/// `s(x) = max(0, E[tanh'(x + sigma*eps)] - tanh'(x))` to within 1e-7 for
/// `sigma <= 1.4` (see [`FIT_TERMS`]), at the cost of two short polynomial evaluations and an
/// exponential per element, with no table, so that slice kernels vectorise it.
///
/// **Why**: the quadrature shape costs 64 evaluations of `tanh'` per element,
/// and its [`crate::Tabulated`] form reads a table at a data-dependent index,
/// which compilers do not vectorise on AVX2 (no cheap gathers) and which
/// mispredicts at the clamp: on this project's 2-core AMD EPYC (AVX2 + FMA) the
/// tabulated GAAF kernel ran 20x GAAF-tanh's (gaaf-bench, `kernel/`), and the
/// dropout-matched MNIST epoch 1.5x the GAAF one.
///
/// **Method**: the ratio `rho(x) = E[tanh'(x + sigma*eps)] / tanh'(x)` is
/// smooth and even, 1 at `sigma = 0`, and tends to `e^(2 sigma^2)` on the
/// tails (where `tanh' ~ 4 e^(-2|x|)` and Gaussian smoothing multiplies an
/// exponential by a constant). Its logarithm is fitted by a Chebyshev series
/// of `N` terms in `w = (x^2 - L^2) / (x^2 + L^2)`, `L = 1 + 2 sigma`, which
/// maps `[0, inf)` onto `[-1, 1)`; the series is interpolated at `N`
/// Chebyshev nodes from the 64-node Gauss-Hermite expectation, computed in
/// `f64` in log space (so that nodes far out on the tails neither underflow
/// nor cancel), whatever `F`. Then
/// `s(x) = max(0, tanh'(x) (e^P(w) - 1))`, with `tanh'(x) = 4u / (1 + u)^2`,
/// `u = e^(-2|x|)`, exact in relative terms far out, and the slope is the
/// derivative of that formula (the series' derivative comes from its
/// coefficients).
///
/// **Special cases**: `sigma = 0` gives `s = 0`; NaN in gives NaN out;
/// `s(±inf) = 0` with slope 0. `s` is even and its slope odd, exactly.
///
/// # Example
///
/// ```
/// use gaaf_shapes::{Differentiable, DropoutMatched, DropoutMatchedTanh, Tanh};
///
/// let fitted = DropoutMatchedTanh::<f32>::new(1.0)?;
/// let exact = DropoutMatched::<_, f32>::new(Tanh, 1.0)?;
/// assert!((fitted.value(2.0) - exact.value(2.0)).abs() < 1e-6);
/// assert_eq!(fitted.value(0.0), 0.0); // noise lowers tanh's slope at 0
/// # Ok::<(), gaaf_shapes::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DropoutMatchedTanh<F, const N: usize = FIT_TERMS> {
    sigma: F,
    /// `L^2`, the square of the scale that maps `x` to `w`.
    scale_sq: F,
    /// Chebyshev coefficients of `ln rho` in `w`.
    coeffs: [F; N],
    /// Chebyshev coefficients of `d/dw ln rho`.
    slope_coeffs: [F; N],
}

impl<F: Real> DropoutMatchedTanh<F> {
    /// The shape matched to noise of standard deviation `sigma` on the net,
    /// with [`FIT_TERMS`] terms.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidParameter`] unless `0 <= sigma <= MAX_FIT_SIGMA`.
    ///
    /// ```
    /// use gaaf_shapes::DropoutMatchedTanh;
    ///
    /// assert!(DropoutMatchedTanh::<f32>::new(0.7).is_ok());
    /// assert!(DropoutMatchedTanh::<f32>::new(-0.7).is_err());
    /// assert!(DropoutMatchedTanh::<f32>::new(f32::NAN).is_err());
    /// ```
    pub fn new(sigma: F) -> Result<Self, Error> {
        Self::with_terms(sigma)
    }

    /// The shape matched to dropout at rate `p` on a layer whose mean of
    /// `sum_i (W_ij x_i)^2` is `mean_sum_sq` ([`dropout_sigma`], Eq. 6).
    ///
    /// # Errors
    ///
    /// As [`dropout_sigma`] and [`DropoutMatchedTanh::new`].
    ///
    /// ```
    /// use gaaf_shapes::{DropoutMatchedTanh, DropoutScaling};
    ///
    /// let s = DropoutMatchedTanh::<f64>::from_dropout(0.5, 4.0, DropoutScaling::Paper)?;
    /// assert_eq!(s.sigma(), 1.0);
    /// # Ok::<(), gaaf_shapes::Error>(())
    /// ```
    pub fn from_dropout(p: F, mean_sum_sq: F, scaling: DropoutScaling) -> Result<Self, Error> {
        Self::new(dropout_sigma(p, mean_sum_sq, scaling)?)
    }
}

impl<F: Real, const N: usize> DropoutMatchedTanh<F, N> {
    /// As [`DropoutMatchedTanh::new`] with an `N`-term series: fewer terms
    /// cost less per element and fit less closely (24 terms: about 2e-8 at
    /// `sigma = 1`, 7e-7 at 1.4, 4e-5 at 2, against the exact shape).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidParameter`] unless `0 <= sigma <= MAX_FIT_SIGMA` and
    /// `N >= 2`.
    ///
    /// ```
    /// use gaaf_shapes::{Differentiable, DropoutMatchedTanh};
    ///
    /// let short = DropoutMatchedTanh::<f64, 24>::with_terms(0.5)?;
    /// let long = DropoutMatchedTanh::<f64>::new(0.5)?;
    /// assert!((short.value(1.5) - long.value(1.5)).abs() < 1e-7);
    /// # Ok::<(), gaaf_shapes::Error>(())
    /// ```
    pub fn with_terms(sigma: F) -> Result<Self, Error> {
        let max = F::from(MAX_FIT_SIGMA).unwrap_or_else(F::max_value);
        let sigma = check("sigma", sigma, "finite, >= 0 and <= 6", |s| {
            s >= F::zero() && s <= max
        })?;
        check("N", F::from(N).unwrap_or_else(F::zero), "at least 2", |n| {
            n >= F::one() + F::one()
        })?;
        let s = sigma.to_f64().unwrap_or(0.0);
        let scale = 1.0 + 2.0 * s;
        let (coeffs, slope_coeffs) = fit::<N>(s, scale);
        // The fit in f64, rounded to `F` as `recast` rounds (exactly for
        // `sigma`, which came from `F`).
        DropoutMatchedTanh::<f64, N> {
            sigma: s,
            scale_sq: scale * scale,
            coeffs,
            slope_coeffs,
        }
        .recast()
    }

    /// The noise level this shape is matched to.
    ///
    /// ```
    /// use gaaf_shapes::DropoutMatchedTanh;
    ///
    /// assert_eq!(DropoutMatchedTanh::<f64>::new(0.7)?.sigma(), 0.7);
    /// # Ok::<(), gaaf_shapes::Error>(())
    /// ```
    pub fn sigma(&self) -> F {
        self.sigma
    }

    /// `tanh'(x)`, `tanh(x)`, the excess `tanh'(x) (rho(x) - 1)` before
    /// clamping, and `rho(x)` and `w`: what value and slope share.
    #[inline(always)]
    fn parts(&self, x: F) -> Parts<F, N> {
        let one = F::one();
        let two = one + one;
        // Selects rather than `abs`, which num-traits' `libm` build makes a
        // call per element that stops the loop vectorising.
        let a = if x < F::zero() { -x } else { x };
        let u = (-(a + a)).fast_exp();
        let one_u = one + u;
        let slope = (two + two) * u / (one_u * one_u);
        // `L^2 / (x^2 + L^2)` is 0 at infinity, where `w = 1` as it should.
        let r = self.scale_sq / (x * x + self.scale_sq);
        let w = one - two * r;
        let t = chebyshev_t::<F, N>(w);
        let rho = dot(&self.coeffs, &t).fast_exp();
        Parts {
            slope,
            u,
            r,
            t,
            rho,
            excess: slope * (rho - one),
        }
    }
}

/// The pieces of one evaluation (see [`DropoutMatchedTanh::parts`]).
struct Parts<F, const N: usize> {
    slope: F,
    u: F,
    r: F,
    /// `T_k(w)`, shared by the series of the value and of the slope.
    t: [F; N],
    rho: F,
    excess: F,
}

impl<F: Real, const N: usize> Differentiable<F> for DropoutMatchedTanh<F, N> {
    #[inline(always)]
    fn value(&self, x: F) -> F {
        let excess = self.parts(x).excess;
        // `<=` rather than `max` so that NaN passes through.
        if excess <= F::zero() {
            F::zero()
        } else {
            excess
        }
    }

    #[inline(always)]
    fn derivative(&self, x: F) -> F {
        self.value_and_derivative(x).1
    }

    #[inline(always)]
    fn value_and_derivative(&self, x: F) -> (F, F) {
        let p = self.parts(x);
        let one = F::one();
        let two = one + one;
        // d/dx tanh' = -2 tanh tanh', with |tanh x| = (1 - u) / (1 + u).
        let abs_tanh = (one - p.u) / (one + p.u);
        let tanh = if x < F::zero() { -abs_tanh } else { abs_tanh };
        let d_slope = -(two * tanh * p.slope);
        // dw/dx = 4 x L^2 / (x^2 + L^2)^2 = 4 x r^2 / L^2.
        let d_w = (two + two) * x * p.r * p.r / self.scale_sq;
        let d_log_rho = dot(&self.slope_coeffs, &p.t) * d_w;
        let slope = d_slope * (p.rho - one) + p.slope * p.rho * d_log_rho;
        // Computed whatever the clamp and selected after (it may be NaN at
        // infinity, where the clamp applies): a branch would keep the
        // kernel from vectorising.
        if p.excess <= F::zero() {
            (F::zero(), F::zero())
        } else {
            (p.excess, slope)
        }
    }
}

impl<F: Real, const N: usize> ShapeFn<F> for DropoutMatchedTanh<F, N> {}

impl<F: Real, G: Real, const N: usize> Recast<F> for DropoutMatchedTanh<G, N> {
    type Output = DropoutMatchedTanh<F, N>;

    /// The same fit with every stored number rounded to `F`: since the fit
    /// is computed in `f64` whatever the type, an `f64` shape recast to `f32`
    /// is the `f32` shape of the same `sigma` (when `sigma` is an `f32`), bit
    /// for bit.
    fn recast(&self) -> Result<DropoutMatchedTanh<F, N>, Error> {
        let mut out = DropoutMatchedTanh {
            sigma: narrow("sigma", self.sigma)?,
            scale_sq: narrow("scale", self.scale_sq)?,
            coeffs: [F::zero(); N],
            slope_coeffs: [F::zero(); N],
        };
        for k in 0..N {
            out.coeffs[k] = narrow("coeffs", self.coeffs[k])?;
            out.slope_coeffs[k] = narrow("slope_coeffs", self.slope_coeffs[k])?;
        }
        Ok(out)
    }
}

/// `T_0(w), ..., T_{N-1}(w)`, each from two of about half its degree
/// (`T_2h = 2 T_h^2 - 1`, `T_2h+1 = 2 T_h+1 T_h - w`), so that the longest chain
/// of dependent operations is `log2 N` steps: Clenshaw's recurrence, one chain
/// of `N` steps, left a vectorised loop waiting on latency (about 15 ns an
/// element at 32 terms on this project's AVX2 machine). The error of `T_k`
/// grows with `k` no faster than its sensitivity to `w` (up to `k^2` near
/// `w = ±1`), and the coefficients that multiply it fall off quickly.
#[inline(always)]
fn chebyshev_t<F: Real, const N: usize>(w: F) -> [F; N] {
    let one = F::one();
    let two = one + one;
    let mut t = [F::zero(); N];
    t[0] = one;
    if N > 1 {
        t[1] = w;
    }
    // Two per step keeps the body free of branches, which lets the compiler
    // unroll the loop fully and vectorise the kernel around it.
    for h in 1..N / 2 {
        t[2 * h] = two * t[h] * t[h] - one;
        t[2 * h + 1] = two * t[h + 1] * t[h] - w;
    }
    if N % 2 == 1 && N > 2 {
        let h = N / 2;
        t[N - 1] = two * t[h] * t[h] - one;
    }
    t
}

/// `sum_k c_k t_k` in four interleaved partial sums (one chain of `N` adds
/// would be the critical path).
#[inline(always)]
fn dot<F: Real, const N: usize>(c: &[F; N], t: &[F; N]) -> F {
    let mut acc = [F::zero(); 4];
    for k in 0..N {
        acc[k % 4] = acc[k % 4] + c[k] * t[k];
    }
    (acc[0] + acc[1]) + (acc[2] + acc[3])
}

/// The Chebyshev coefficients of `ln rho` in `w` for noise `sigma` and scale
/// `L`, interpolating at the `N` Chebyshev points of the first kind, and
/// those of its derivative in `w`. All zero at `sigma = 0`.
fn fit<const N: usize>(sigma: f64, scale: f64) -> ([f64; N], [f64; N]) {
    use num_traits::Float;
    let mut c = [0.0; N];
    let mut dc = [0.0; N];
    if sigma == 0.0 {
        return (c, dc);
    }
    let rule = GaussHermite::<f64, DEFAULT_NODES>::new();
    let n = N as f64;
    let pi = core::f64::consts::PI;
    let mut f = [0.0; N];
    for (k, fk) in f.iter_mut().enumerate() {
        let w = Float::cos(pi * (k as f64 + 0.5) / n);
        let x = scale * Float::sqrt((1.0 + w) / (1.0 - w));
        *fk = ln_noisy_slope(x, sigma, &rule) - ln_slope(x);
    }
    for (j, cj) in c.iter_mut().enumerate() {
        let sum: f64 = f
            .iter()
            .enumerate()
            .map(|(k, fk)| fk * Float::cos(pi * j as f64 * (k as f64 + 0.5) / n))
            .sum();
        *cj = 2.0 * sum / n;
    }
    c[0] /= 2.0;
    // The derivative series (Numerical Recipes' `chder`, whose convention
    // halves c_0 in the sum, hence the halving of d_0 at the end).
    for j in (1..N).rev() {
        let next = if j + 1 < N { dc[j + 1] } else { 0.0 };
        dc[j - 1] = next + 2.0 * j as f64 * c[j];
    }
    dc[0] /= 2.0;
    (c, dc)
}

/// `ln tanh'(x)`, accurate far out on the tails: `ln 4 - 2|x| - 2 ln(1 + e^(-2|x|))`.
fn ln_slope(x: f64) -> f64 {
    use num_traits::Float;
    let a = Float::abs(x);
    core::f64::consts::LN_2 * 2.0 - 2.0 * a - 2.0 * Float::ln_1p(Float::exp(-2.0 * a))
}

/// `ln E[tanh'(x + sigma*eps)]` by the Gauss-Hermite `rule`, summed in log
/// space (the largest term factored out) so that it neither underflows nor
/// loses digits where every term is tiny.
fn ln_noisy_slope<const M: usize>(x: f64, sigma: f64, rule: &GaussHermite<f64, M>) -> f64 {
    use num_traits::Float;
    let term = |i: usize| ln_slope(x + sigma * rule.nodes()[i]) + Float::ln(rule.weights()[i]);
    let top = (0..M).map(term).fold(f64::NEG_INFINITY, f64::max);
    let sum: f64 = (0..M).map(|i| Float::exp(term(i) - top)).sum();
    top + Float::ln(sum)
}

#[cfg(test)]
mod tests {
    use super::DropoutMatchedTanh;
    use crate::{Differentiable, DropoutMatched, Recast, Tanh};

    /// Largest value and slope differences from the quadrature shape over
    /// [-20, 20], away from the kinks where the shape meets 0 (there the
    /// slope jumps, and a fit a hair off moves the jump).
    fn worst<const N: usize>(sigma: f64) -> (f64, f64) {
        let fit = DropoutMatchedTanh::<f64, N>::with_terms(sigma).unwrap();
        let exact = DropoutMatched::<_, f64>::new(Tanh, sigma).unwrap();
        let (mut v, mut d) = (0.0_f64, 0.0_f64);
        for i in -20_000..=20_000 {
            let x = f64::from(i) * 1e-3;
            v = v.max((fit.value(x) - exact.value(x)).abs());
            let near_kink = [x - 1e-3, x + 1e-3]
                .iter()
                .any(|&y| (exact.value(y) > 0.0) != (exact.value(x) > 0.0));
            if !near_kink {
                d = d.max((fit.derivative(x) - exact.derivative(x)).abs());
            }
        }
        (v, d)
    }

    #[test]
    fn close_to_the_quadrature_shape() {
        for (sigma, max_v, max_d) in [
            (0.05, 1e-9, 1e-8),
            (0.3, 1e-9, 1e-8),
            (0.7, 1e-9, 1e-8),
            (1.0, 1e-8, 1e-7),
            (1.4, 1e-7, 2e-6),
            (2.0, 1e-4, 1e-3),
        ] {
            let (v, d) = worst::<32>(sigma);
            assert!(v < max_v, "sigma {sigma}: value error {v}");
            assert!(d < max_d, "sigma {sigma}: slope error {d}");
        }
    }

    #[test]
    fn fewer_terms_fit_less_closely() {
        let (v24, _) = worst::<24>(1.4);
        let (v32, _) = worst::<32>(1.4);
        assert!(v32 < v24, "24 terms {v24}, 32 terms {v32}");
    }

    #[test]
    fn slope_is_the_derivative_of_the_value() {
        let s = DropoutMatchedTanh::<f64>::new(1.2).unwrap();
        let h = 1e-6;
        for i in -600..=600 {
            let x = f64::from(i) * 0.0137;
            if s.value(x - h) == 0.0 || s.value(x + h) == 0.0 {
                continue;
            }
            let fd = (s.value(x + h) - s.value(x - h)) / (2.0 * h);
            assert!((s.derivative(x) - fd).abs() < 1e-7, "x = {x}");
        }
    }

    #[test]
    fn f32_follows_f64() {
        let s64 = DropoutMatchedTanh::<f64>::new(1.0).unwrap();
        let s32 = DropoutMatchedTanh::<f32>::new(1.0).unwrap();
        assert_eq!(s64.recast().unwrap(), s32);
        for i in -3000..=3000 {
            let x = i as f32 * 7e-3;
            let (v, d) = s32.value_and_derivative(x);
            let (v64, d64) = s64.value_and_derivative(f64::from(x));
            assert!((f64::from(v) - v64).abs() < 2e-6, "value at {x}");
            assert!((f64::from(d) - d64).abs() < 2e-5, "slope at {x}");
        }
    }

    #[test]
    fn special_values() {
        let s = DropoutMatchedTanh::<f32>::new(1.0).unwrap();
        assert!(s.value(f32::NAN).is_nan());
        assert!(s.derivative(f32::NAN).is_nan());
        for x in [f32::INFINITY, f32::NEG_INFINITY, 200.0, -200.0, 0.0, -0.0] {
            assert_eq!(s.value_and_derivative(x), (0.0, 0.0), "at {x}");
        }
        let zero = DropoutMatchedTanh::<f32>::new(0.0).unwrap();
        for i in -100..=100 {
            assert_eq!(zero.value_and_derivative(i as f32 * 0.1), (0.0, 0.0));
        }
        for i in 1..=4000 {
            let x = i as f32 * 3e-3;
            assert_eq!(s.value(x).to_bits(), s.value(-x).to_bits());
            assert_eq!(s.derivative(x), -s.derivative(-x));
            assert_eq!(s.value(x), s.value_and_derivative(x).0);
        }
    }

    #[test]
    fn far_tails_neither_overflow_nor_vanish_early() {
        // At sigma = 3 the shape reaches far out; the f64 fit still follows
        // the quadrature shape (within the looser accuracy of both there).
        let fit = DropoutMatchedTanh::<f64>::new(3.0).unwrap();
        let exact = DropoutMatched::<_, f64>::new(Tanh, 3.0).unwrap();
        for x in [5.0, 10.0, 15.0] {
            let (f, e) = (fit.value(x), exact.value(x));
            assert!(
                f > 0.0 && (f - e).abs() < 1e-2 * e.max(1e-3),
                "x = {x}: {f} vs {e}"
            );
        }
        assert!(DropoutMatchedTanh::<f32>::new(6.0).is_ok());
        assert!(DropoutMatchedTanh::<f32>::new(6.5).is_err());
    }
}
