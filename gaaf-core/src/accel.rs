//! The gradient acceleration function `g` of Eq. 7.

use crate::{floor_fract, Differentiable, Error};
use num_traits::Float;

/// The frequency constant the paper uses in all its experiments (section 4).
///
/// ```
/// assert_eq!(gaaf_core::PAPER_K, 1e4);
/// ```
pub const PAPER_K: f64 = 10_000.0;

/// The gradient acceleration function `g(x) = (x*K - floor(x*K) - 0.5) / K`.
///
/// **Source**: Eq. 7 of Hahn & Choi, "Understanding Dropout as an Optimization
/// Trick". `g` is a sawtooth of period `1/K`: its value stays within `0.5/K` of
/// zero, while its slope is 1 everywhere except on the measure-zero set
/// `{n/K}` where the floor jumps. Added to an activation, it leaves the forward
/// pass (almost) unchanged and adds 1 to the slope.
///
/// **Method**: `t = x*K` is rounded once, its fractional part comes from
/// [`floor_fract`], and the division by `K` is a multiplication by `1/K`
/// (rounded once, when `g` is made): a division costs several multiplications'
/// time in a vector loop, and the result differs from the quotient by at most
/// an ulp of a value below `0.5/K`.
///
/// **Special cases and accuracy**:
/// - `|g(x)| <= 0.5/K` for every finite `x` (and for `±inf`, where `g = -0.5/K`):
///   the fractional part lies in `[0, 1]` and rounding is monotone;
/// - NaN in gives NaN out, never a panic;
/// - the fractional part is that of the *rounded* product `x*K`: in `f32` it
///   resolves `x` to steps of `ulp(x*K)/K` and is lost entirely once
///   `|x*K| >= 2^23` (`|x| >= 838.9` for `K = 10^4`), where every `f32` is an
///   integer and `g(x) = -0.5/K`. `f64` keeps it up to `|x*K| < 2^52`. The bound
///   above holds regardless.
///
/// `K` is checked once, in [`GradAccel::new`]: it must be finite and positive,
/// with a finite `1/K`.
///
/// # Example
///
/// ```
/// use gaaf_core::{Differentiable, GradAccel};
///
/// let g = GradAccel::new(10_000.0_f64)?;
/// assert!((g.value(0.123_45) - 0.0).abs() <= 0.5 / 10_000.0);
/// assert!((g.value(0.000_075) - 0.000_025).abs() < 1e-12);
/// assert_eq!(g.derivative(0.7), 1.0);
/// # Ok::<(), gaaf_core::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GradAccel<F> {
    k: F,
    /// `1/K`, rounded once.
    inv_k: F,
    half: F,
}

impl<F: Float> GradAccel<F> {
    /// A `g` with frequency constant `k`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidFrequency`] when `k` is not finite, not greater than 0,
    /// or so small (subnormal) that `1/k` overflows.
    ///
    /// ```
    /// use gaaf_core::{Error, GradAccel};
    ///
    /// assert!(GradAccel::new(100.0_f32).is_ok());
    /// assert!(matches!(GradAccel::new(0.0_f32), Err(Error::InvalidFrequency(_))));
    /// assert!(GradAccel::new(f64::NAN).is_err());
    /// ```
    pub fn new(k: F) -> Result<Self, Error> {
        if k.is_finite() && k > F::zero() && k.recip().is_finite() {
            Ok(Self {
                k,
                inv_k: k.recip(),
                half: F::from(0.5).unwrap_or_else(F::zero),
            })
        } else {
            Err(Error::InvalidFrequency(k.to_f64().unwrap_or(f64::NAN)))
        }
    }

    /// The paper's `g`, with `K = 10,000` ([`PAPER_K`]).
    ///
    /// ```
    /// use gaaf_core::GradAccel;
    ///
    /// assert_eq!(GradAccel::<f32>::paper().k(), 10_000.0);
    /// ```
    pub fn paper() -> Self {
        // 10,000 is exact in every float type num-traits knows.
        let k = F::from(PAPER_K).unwrap_or_else(F::one);
        Self {
            k,
            inv_k: k.recip(),
            half: F::from(0.5).unwrap_or_else(F::zero),
        }
    }

    /// The frequency constant `K`.
    ///
    /// ```
    /// use gaaf_core::GradAccel;
    ///
    /// assert_eq!(GradAccel::new(250.0_f64)?.k(), 250.0);
    /// # Ok::<(), gaaf_core::Error>(())
    /// ```
    pub fn k(&self) -> F {
        self.k
    }

    /// The bound `0.5 / K` on `|g(x)|`.
    ///
    /// ```
    /// use gaaf_core::{Differentiable, GradAccel};
    ///
    /// let g = GradAccel::<f64>::paper();
    /// assert!(g.value(1.234_567_89).abs() <= g.amplitude());
    /// ```
    pub fn amplitude(&self) -> F {
        // The bound of what `value` computes: `(f - 1/2) * (1/K)` with
        // `f` in [0, 1], rounded monotonically.
        self.half * self.inv_k
    }
}

impl<F: Float> Default for GradAccel<F> {
    /// The paper's `g` ([`GradAccel::paper`]).
    fn default() -> Self {
        Self::paper()
    }
}

impl<F: Float> Differentiable<F> for GradAccel<F> {
    /// `g(x)`, Eq. 7.
    #[inline(always)]
    fn value(&self, x: F) -> F {
        (floor_fract(x * self.k) - self.half) * self.inv_k
    }

    /// `g'(x) = 1`, the slope everywhere but on the jumps at `x = n/K`, where `g`
    /// has no derivative and the backward pass uses 1 all the same.
    #[inline(always)]
    fn derivative(&self, _x: F) -> F {
        F::one()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn rejects_bad_k() {
        for k in [0.0, -0.0, -1.0, f64::INFINITY, f64::NEG_INFINITY, f64::NAN] {
            assert!(GradAccel::new(k).is_err(), "k = {k}");
        }
        assert!(matches!(
            GradAccel::new(-2.0_f32),
            Err(Error::InvalidFrequency(k)) if k == -2.0
        ));
        assert!(GradAccel::new(f32::MIN_POSITIVE).is_ok());
        // Subnormal: 1/k overflows, so g could not be evaluated.
        assert!(GradAccel::new(f32::MIN_POSITIVE / 8.0).is_err());
        assert!(GradAccel::new(f64::from_bits(1)).is_err());
    }

    #[test]
    fn matches_eq7_on_a_table() {
        let g = GradAccel::<f64>::paper();
        // x, g(x) by hand: x*K = 1.25 -> frac 0.25 -> (0.25 - 0.5)/K.
        let table = [
            (0.000_125, -0.25e-4),
            (-0.000_125, 0.25e-4),
            (0.0, -0.5e-4),
            (0.000_05, 0.0),
            (3.000_07, 0.2e-4),
        ];
        for (x, want) in table {
            assert!((g.value(x) - want).abs() < 1e-12, "x = {x}");
        }
    }

    #[test]
    fn special_values() {
        let g = GradAccel::<f32>::paper();
        assert!(g.value(f32::NAN).is_nan());
        assert_eq!(g.value(f32::INFINITY), -g.amplitude());
        assert_eq!(g.value(f32::NEG_INFINITY), -g.amplitude());
        assert_eq!(g.value(1.0e6), -g.amplitude());
        assert_eq!(g.derivative(f32::NAN), 1.0);
    }

    proptest! {
        #[test]
        fn bounded_for_every_finite_f32(bits in any::<u32>(), k in 1.0e-3_f32..1.0e6) {
            let x = f32::from_bits(bits);
            prop_assume!(x.is_finite());
            let g = GradAccel::new(k).unwrap();
            prop_assert!(g.value(x).abs() <= 0.5 / k, "x = {}, g = {}", x, g.value(x));
        }

        #[test]
        fn bounded_for_every_finite_f64(bits in any::<u64>(), k in 1.0e-3_f64..1.0e9) {
            let x = f64::from_bits(bits);
            prop_assume!(x.is_finite());
            let g = GradAccel::new(k).unwrap();
            prop_assert!(g.value(x).abs() <= 0.5 / k);
        }

        #[test]
        fn slope_is_one_between_jumps(x in -100.0_f64..100.0) {
            // A step far below 1/K, away from the jumps, sees the slope of 1.
            let g = GradAccel::<f64>::paper();
            let h = 1.0e-9;
            let frac = (x * 1.0e4).fract().abs();
            prop_assume!(frac > 1.0e-3 && frac < 1.0 - 1.0e-3);
            let fd = (g.value(x + h) - g.value(x - h)) / (2.0 * h);
            prop_assert!((fd - 1.0).abs() < 1.0e-3, "fd = {}", fd);
        }
    }
}
