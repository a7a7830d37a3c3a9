//! The shoulder bump: extra slope on tanh's shoulders, none at its centre.

use crate::error::{cast, finite, positive, Error};
use crate::recast::narrow;
use crate::{Recast, ShapeFn};
use gaaf_core::{Differentiable, Real};

/// A two-humped shape that is zero at the origin,
/// `s(x) = height * u * exp(1 - u)` with `u = x^2 / width`.
///
/// The paper's tanh shape ([`GaussianBump::paper_tanh`](crate::GaussianBump),
/// `exp(-x^2 / 3.7)`) is largest at `x = 0`, where tanh is not saturated:
/// there GAAF nearly doubles tanh's slope, which under plain SGD works as a
/// larger learning rate. The paper's own text says the added gradient
/// belongs where dropout's noise adds it, on the shoulders and not in the
/// linear middle. This shape puts it there: `s(0) = 0` (and `s'(0) = 0`), a
/// peak of `height` at `|x| = sqrt(width)`, and the same Gaussian tail as
/// `exp(-x^2 / width)` times `e u`. With [`ShoulderBump::tanh_shoulders`]
/// (`height = 1`, `width = 3.7`, the paper's width) the peaks sit at
/// `|x| = 1.92`, where `tanh'` is 0.08, and `s(±1) = 0.56`, `s(±3) = 0.58`.
///
/// Derivative `height * exp(1 - u) * (1 - u) * 2 x / width`. NaN in, NaN out;
/// far out both underflow to 0.
///
/// # Example
///
/// ```
/// use gaaf_shapes::{Differentiable, ShoulderBump};
///
/// let s = ShoulderBump::<f64>::tanh_shoulders();
/// assert_eq!(s.value(0.0), 0.0);
/// assert!((s.value(3.7_f64.sqrt()) - 1.0).abs() < 1e-15);
/// assert!(s.derivative(3.7_f64.sqrt()).abs() < 1e-15);
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ShoulderBump<F> {
    height: F,
    width: F,
    /// `1/width`, rounded once (the kernels multiply instead of dividing).
    inv_width: F,
}

impl<F: Real> ShoulderBump<F> {
    /// `height * u * exp(1 - u)`, `u = x^2 / width`: peaks of `height` at
    /// `x = ±sqrt(width)`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidParameter`] unless `height` is finite and `width` is
    /// finite and positive with a finite `1/width` (not subnormal).
    ///
    /// ```
    /// use gaaf_shapes::ShoulderBump;
    ///
    /// assert!(ShoulderBump::new(1.0_f32, 4.0).is_ok());
    /// assert!(ShoulderBump::new(1.0_f32, 0.0).is_err());
    /// assert!(ShoulderBump::new(f32::NAN, 4.0).is_err());
    /// ```
    pub fn new(height: F, width: F) -> Result<Self, Error> {
        let width = positive("width", width)?;
        Ok(Self {
            height: finite("height", height)?,
            width,
            inv_width: width.recip(),
        })
    }

    /// Height 1 and the paper's tanh width 3.7: peaks at `|x| = 1.92`.
    ///
    /// ```
    /// use gaaf_shapes::{ShoulderBump, PAPER_TANH_WIDTH};
    ///
    /// assert_eq!(ShoulderBump::<f64>::tanh_shoulders().width(), PAPER_TANH_WIDTH);
    /// ```
    pub fn tanh_shoulders() -> Self {
        let width: F = cast(crate::PAPER_TANH_WIDTH);
        Self {
            height: F::one(),
            width,
            inv_width: width.recip(),
        }
    }

    /// The value at the peaks.
    ///
    /// ```
    /// use gaaf_shapes::ShoulderBump;
    ///
    /// assert_eq!(ShoulderBump::new(0.5_f32, 2.0)?.height(), 0.5);
    /// # Ok::<(), gaaf_shapes::Error>(())
    /// ```
    pub fn height(&self) -> F {
        self.height
    }

    /// `width`: the peaks sit at `±sqrt(width)`.
    ///
    /// ```
    /// use gaaf_shapes::ShoulderBump;
    ///
    /// assert_eq!(ShoulderBump::new(0.5_f32, 2.0)?.width(), 2.0);
    /// # Ok::<(), gaaf_shapes::Error>(())
    /// ```
    pub fn width(&self) -> F {
        self.width
    }
}

impl<F: Real> Default for ShoulderBump<F> {
    /// [`ShoulderBump::tanh_shoulders`].
    fn default() -> Self {
        Self::tanh_shoulders()
    }
}

impl<F: Real> Differentiable<F> for ShoulderBump<F> {
    #[inline(always)]
    fn value(&self, x: F) -> F {
        self.value_and_derivative(x).0
    }

    #[inline(always)]
    fn derivative(&self, x: F) -> F {
        self.value_and_derivative(x).1
    }

    #[inline(always)]
    fn value_and_derivative(&self, x: F) -> (F, F) {
        let xw = x * self.inv_width;
        let u = xw * x;
        let one = F::one();
        // `height * exp(1 - u)`, shared by value and slope.
        let he = self.height * (one - u).fast_exp();
        let s = he * u;
        // Far out `he` underflows to 0 while `u` may be infinite: the value
        // and the slope are 0, not `inf * 0`.
        if he == F::zero() {
            return (F::zero(), F::zero());
        }
        (s, he * (one - u) * (xw + xw))
    }
}

impl<F: Real> ShapeFn<F> for ShoulderBump<F> {}

impl<F: Real, G: Real> Recast<F> for ShoulderBump<G> {
    type Output = ShoulderBump<F>;

    /// [`ShoulderBump::new`] with both constants rounded to `F`.
    fn recast(&self) -> Result<ShoulderBump<F>, Error> {
        ShoulderBump::new(narrow("height", self.height)?, narrow("width", self.width)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_at_the_centre_peaks_on_the_shoulders_even() {
        let s = ShoulderBump::<f64>::tanh_shoulders();
        assert_eq!(s.value_and_derivative(0.0), (0.0, 0.0));
        let peak = 3.7_f64.sqrt();
        assert!((s.value(peak) - 1.0).abs() < 1e-15);
        for x in [0.3, 1.0, 1.5, 2.5, 4.0, 9.0] {
            assert!(s.value(x) <= 1.0 + 1e-15 && s.value(x) > 0.0, "{x}");
            assert_eq!(s.value(-x), s.value(x));
            assert_eq!(s.derivative(-x), -s.derivative(x));
        }
        assert!(s.derivative(1.0) > 0.0 && s.derivative(3.0) < 0.0);
    }

    #[test]
    fn slope_is_the_derivative_of_the_value() {
        for s in [
            ShoulderBump::<f64>::tanh_shoulders(),
            ShoulderBump::new(0.4, 1.3).unwrap(),
        ] {
            for i in -400..=400 {
                let x = f64::from(i) / 40.0;
                let h = 1e-6;
                let fd = (s.value(x + h) - s.value(x - h)) / (2.0 * h);
                assert!((s.derivative(x) - fd).abs() < 1e-8, "x = {x}");
            }
        }
    }

    #[test]
    fn nan_stays_nan_and_far_out_is_zero() {
        let s = ShoulderBump::<f32>::tanh_shoulders();
        assert!(s.value(f32::NAN).is_nan() && s.derivative(f32::NAN).is_nan());
        for x in [1e3_f32, -1e3, f32::INFINITY, f32::NEG_INFINITY, f32::MAX] {
            assert_eq!(s.value_and_derivative(x), (0.0, 0.0), "{x}");
        }
    }

    #[test]
    fn f32_follows_f64_and_recast_rounds_once() {
        let s64 = ShoulderBump::new(0.7_f64, 2.9).unwrap();
        let s32: ShoulderBump<f32> = s64.recast().unwrap();
        assert_eq!(s32, ShoulderBump::new(0.7_f32, 2.9).unwrap());
        for i in -200..=200 {
            let x = f64::from(i) / 20.0;
            let (v, d) = s32.value_and_derivative(x as f32);
            assert!((f64::from(v) - s64.value(x)).abs() < 1e-6, "{x}");
            assert!((f64::from(d) - s64.derivative(x)).abs() < 2e-6, "{x}");
        }
        assert!(Recast::<f32>::recast(&ShoulderBump::new(1.0_f64, 1e300).unwrap()).is_err());
    }
}
