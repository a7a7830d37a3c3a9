//! Gauss-Hermite quadrature for expectations over a standard normal variable.

use crate::error::cast;
use gaaf_core::Real;

/// An `N`-point Gauss-Hermite rule for `E[f(eps)]`, `eps ~ N(0, 1)`:
/// `E[f(eps)] ~= sum_i w_i f(z_i)`.
///
/// **Method**: the nodes of the physicists' Hermite polynomial `H_N` are found by
/// Newton's method from the classic asymptotic starting guesses (Numerical
/// Recipes, `gauher`), in `f64`, with the orthonormal three-term recurrence;
/// the weights follow from the derivative at each node. They are then rescaled
/// to the standard normal (`z = sqrt(2) x`, `w / sqrt(pi)`) and rounded once to
/// `F`. Everything runs in [`GaussHermite::new`], with no allocation (`no_std`).
///
/// **Accuracy**: exact for polynomials of degree below `2N`; the weights sum to
/// 1 within a few ulps (tested for `N` up to 128). For smooth integrands such as
/// `tanh'` the error falls geometrically with `N`.
///
/// # Example
///
/// ```
/// use gaaf_shapes::GaussHermite;
///
/// let rule = GaussHermite::<f64, 16>::new();
/// // E[eps^2] = 1 and E[eps^4] = 3 for a standard normal.
/// assert!((rule.expect(|z| z * z) - 1.0).abs() < 1e-13);
/// assert!((rule.expect(|z| z.powi(4)) - 3.0).abs() < 1e-12);
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GaussHermite<F, const N: usize> {
    nodes: [F; N],
    weights: [F; N],
}

impl<F: Real, const N: usize> GaussHermite<F, N> {
    /// Computes the `N`-point rule.
    ///
    /// # Panics
    ///
    /// At compile time of the caller, never at run time: `N = 0` is rejected by a
    /// const assertion.
    ///
    /// ```
    /// use gaaf_shapes::GaussHermite;
    ///
    /// let rule = GaussHermite::<f32, 8>::new();
    /// assert_eq!(rule.nodes().len(), 8);
    /// ```
    pub fn new() -> Self {
        const { assert!(N > 0, "a Gauss-Hermite rule needs at least one node") };
        let (x, w) = physicists_rule::<N>();
        let sqrt2 = core::f64::consts::SQRT_2;
        // 1/sqrt(pi)
        let inv_sqrt_pi = 0.564_189_583_547_756_3;
        let mut nodes = [F::zero(); N];
        let mut weights = [F::zero(); N];
        for i in 0..N {
            nodes[i] = cast(x[i] * sqrt2);
            weights[i] = cast(w[i] * inv_sqrt_pi);
        }
        Self { nodes, weights }
    }

    /// The nodes `z_i`, ascending.
    ///
    /// ```
    /// use gaaf_shapes::GaussHermite;
    ///
    /// let rule = GaussHermite::<f64, 2>::new();
    /// // The two-point rule puts its nodes at -1 and 1.
    /// assert!((rule.nodes()[1] - 1.0).abs() < 1e-15);
    /// ```
    pub fn nodes(&self) -> &[F; N] {
        &self.nodes
    }

    /// The weights `w_i`, summing to 1.
    ///
    /// ```
    /// use gaaf_shapes::GaussHermite;
    ///
    /// let rule = GaussHermite::<f64, 2>::new();
    /// assert!((rule.weights()[0] - 0.5).abs() < 1e-15);
    /// ```
    pub fn weights(&self) -> &[F; N] {
        &self.weights
    }

    /// `E[f(eps)]`, `eps ~ N(0, 1)`.
    ///
    /// ```
    /// use gaaf_shapes::GaussHermite;
    ///
    /// // E[cos(eps)] = exp(-1/2).
    /// let rule = GaussHermite::<f64, 24>::new();
    /// assert!((rule.expect(f64::cos) - (-0.5_f64).exp()).abs() < 1e-14);
    /// ```
    #[inline]
    pub fn expect(&self, mut f: impl FnMut(F) -> F) -> F {
        let mut acc = F::zero();
        for i in 0..N {
            acc = acc + self.weights[i] * f(self.nodes[i]);
        }
        acc
    }

    /// Two expectations at once, `(E[f(eps).0], E[f(eps).1])`, sharing each
    /// evaluation of `f`.
    ///
    /// ```
    /// use gaaf_shapes::GaussHermite;
    ///
    /// let rule = GaussHermite::<f64, 4>::new();
    /// let (m1, m2) = rule.expect2(|z| (z, z * z));
    /// assert!(m1.abs() < 1e-15 && (m2 - 1.0).abs() < 1e-14);
    /// ```
    #[inline]
    pub fn expect2(&self, mut f: impl FnMut(F) -> (F, F)) -> (F, F) {
        let (mut a, mut b) = (F::zero(), F::zero());
        for i in 0..N {
            let (fa, fb) = f(self.nodes[i]);
            a = a + self.weights[i] * fa;
            b = b + self.weights[i] * fb;
        }
        (a, b)
    }
}

impl<F: Real, const N: usize> Default for GaussHermite<F, N> {
    fn default() -> Self {
        Self::new()
    }
}

/// Nodes (ascending) and weights of the `N`-point rule for the weight
/// `exp(-x^2)`, in `f64`.
fn physicists_rule<const N: usize>() -> ([f64; N], [f64; N]) {
    const MAX_ITERATIONS: usize = 100;
    let n = N as f64;
    let mut x = [0.0; N];
    let mut w = [0.0; N];
    let mut z = 0.0_f64;
    // Roots come in +- pairs; the loop finds the non-negative ones, largest
    // first, each guess built from the roots already found.
    for i in 0..N.div_ceil(2) {
        z = match i {
            0 => libm::sqrt(2.0 * n + 1.0) - 1.855_75 * libm::pow(2.0 * n + 1.0, -0.166_67),
            1 => z - 1.14 * libm::pow(n, 0.426) / z,
            2 => 1.86 * z - 0.86 * x[N - 1],
            3 => 1.91 * z - 0.91 * x[N - 2],
            _ => 2.0 * z - x[N + 1 - i],
        };
        let mut slope = 1.0;
        for _ in 0..MAX_ITERATIONS {
            let (p, dp) = orthonormal_hermite(N, z);
            slope = dp;
            let step = p / dp;
            z -= step;
            if libm::fabs(step) <= 1e-14 * libm::fmax(1.0, libm::fabs(z)) {
                break;
            }
        }
        // Odd N: the middle root is 0 exactly.
        if N % 2 == 1 && i == N / 2 {
            z = 0.0;
            slope = orthonormal_hermite(N, 0.0).1;
        }
        x[N - 1 - i] = z;
        x[i] = -z;
        let weight = 2.0 / (slope * slope);
        w[N - 1 - i] = weight;
        w[i] = weight;
    }
    (x, w)
}

/// The orthonormal Hermite function of degree `n` at `z`, and the derivative
/// of the polynomial part scaled as Numerical Recipes' `gauher` uses it.
fn orthonormal_hermite(n: usize, z: f64) -> (f64, f64) {
    // pi^(-1/4), the value of the orthonormal Hermite function of degree 0.
    const PIM4: f64 = 0.751_125_544_464_942_5;
    let mut p1 = PIM4;
    let mut p2 = 0.0;
    for j in 0..n {
        let p3 = p2;
        p2 = p1;
        let jf = j as f64;
        p1 = z * libm::sqrt(2.0 / (jf + 1.0)) * p2 - libm::sqrt(jf / (jf + 1.0)) * p3;
    }
    (p1, libm::sqrt(2.0 * n as f64) * p2)
}

#[cfg(test)]
mod tests {
    use super::GaussHermite;

    fn check_moments<const N: usize>() {
        let rule = GaussHermite::<f64, N>::new();
        let sum: f64 = rule.weights().iter().sum();
        assert!((sum - 1.0).abs() < 1e-13, "N = {N}: sum of weights {sum}");
        // Odd moments vanish, even ones are (k-1)!!, exactly while 2k < 2N.
        let mut double_factorial = 1.0;
        for k in 1..N.min(8) {
            let odd = rule.expect(|z| z.powi(2 * k as i32 - 1));
            assert!(odd.abs() < 1e-11 * double_factorial, "N = {N}, k = {k}");
            double_factorial *= (2 * k - 1) as f64;
            let even = rule.expect(|z| z.powi(2 * k as i32));
            assert!(
                (even - double_factorial).abs() < 1e-11 * double_factorial,
                "N = {N}, moment {}: {even} vs {double_factorial}",
                2 * k
            );
        }
        assert!(rule.nodes().windows(2).all(|p| p[0] < p[1]), "N = {N}");
    }

    #[test]
    fn moments_are_exact() {
        check_moments::<1>();
        check_moments::<2>();
        check_moments::<3>();
        check_moments::<5>();
        check_moments::<8>();
        check_moments::<16>();
        check_moments::<31>();
        check_moments::<32>();
        check_moments::<64>();
        check_moments::<128>();
    }

    #[test]
    fn f32_rule_matches_f64_rule() {
        let r32 = GaussHermite::<f32, 32>::new();
        let r64 = GaussHermite::<f64, 32>::new();
        for i in 0..32 {
            assert_eq!(r32.nodes()[i], r64.nodes()[i] as f32);
            assert_eq!(r32.weights()[i], r64.weights()[i] as f32);
        }
    }
}
