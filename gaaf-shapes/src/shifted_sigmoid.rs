//! The shifted sigmoid, the paper's shape for ReLU.

use crate::activation::logistic;
use crate::error::{cast, finite, Error};
use crate::recast::narrow;
use crate::{Recast, ShapeFn};
use gaaf_core::{Differentiable, Real};

/// A shifted sigmoid, `s(x) = 1 / (1 + exp(-slope * (x + shift)))`.
///
/// With `slope = 5` and `shift = 0.5` it is the paper's shape for ReLU (Fig. 5b,
/// [`ShiftedSigmoid::paper_relu`]). The paper's text gives no formula; these
/// constants are a fit to its figure, and make `s` rise from 0.007 at `x = -1.5`
/// through 0.5 at `x = -0.5` to 0.993 at `x = 0.5`: extra slope on the flat left
/// side of ReLU near the kink, where dropout's noise reaches, fading further
/// left. Every constant is a parameter.
///
/// Derivative `slope * s (1 - s)`. NaN in, NaN out; saturates to exactly 0
/// and 1 without overflow.
///
/// # Example
///
/// ```
/// use gaaf_shapes::{Differentiable, ShiftedSigmoid};
///
/// let s = ShiftedSigmoid::<f64>::paper_relu();
/// assert_eq!(s.value(-0.5), 0.5);
/// assert!(s.value(-3.0) < 1e-5);
/// assert!(s.value(3.0) > 1.0 - 1e-7);
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ShiftedSigmoid<F> {
    slope: F,
    shift: F,
}

/// The slope the paper's Fig. 5b implies.
///
/// ```
/// use gaaf_shapes::{ShiftedSigmoid, PAPER_RELU_SLOPE};
///
/// assert_eq!(ShiftedSigmoid::<f32>::paper_relu().slope(), PAPER_RELU_SLOPE as f32);
/// ```
pub const PAPER_RELU_SLOPE: f64 = 5.0;
/// The shift the paper's Fig. 5b implies.
///
/// ```
/// use gaaf_shapes::{ShiftedSigmoid, PAPER_RELU_SHIFT};
///
/// assert_eq!(ShiftedSigmoid::<f32>::paper_relu().shift(), PAPER_RELU_SHIFT as f32);
/// ```
pub const PAPER_RELU_SHIFT: f64 = 0.5;

impl<F: Real> ShiftedSigmoid<F> {
    /// `1 / (1 + exp(-slope * (x + shift)))`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidParameter`] unless both are finite.
    ///
    /// ```
    /// use gaaf_shapes::ShiftedSigmoid;
    ///
    /// assert!(ShiftedSigmoid::new(2.0_f32, 1.0).is_ok());
    /// assert!(ShiftedSigmoid::new(f32::INFINITY, 1.0).is_err());
    /// ```
    pub fn new(slope: F, shift: F) -> Result<Self, Error> {
        Ok(Self {
            slope: finite("slope", slope)?,
            shift: finite("shift", shift)?,
        })
    }

    /// The paper's shape for ReLU: `sigmoid(5 (x + 0.5))`.
    ///
    /// ```
    /// use gaaf_shapes::{Differentiable, ShiftedSigmoid};
    ///
    /// assert_eq!(ShiftedSigmoid::<f64>::paper_relu().value(-0.5), 0.5);
    /// ```
    pub fn paper_relu() -> Self {
        Self {
            slope: cast(PAPER_RELU_SLOPE),
            shift: cast(PAPER_RELU_SHIFT),
        }
    }

    /// The steepness.
    ///
    /// ```
    /// use gaaf_shapes::ShiftedSigmoid;
    ///
    /// assert_eq!(ShiftedSigmoid::new(2.0_f64, 1.0)?.slope(), 2.0);
    /// # Ok::<(), gaaf_shapes::Error>(())
    /// ```
    pub fn slope(&self) -> F {
        self.slope
    }

    /// How far left the midpoint sits (`s(-shift) = 0.5`).
    ///
    /// ```
    /// use gaaf_shapes::ShiftedSigmoid;
    ///
    /// assert_eq!(ShiftedSigmoid::new(2.0_f64, 1.0)?.shift(), 1.0);
    /// # Ok::<(), gaaf_shapes::Error>(())
    /// ```
    pub fn shift(&self) -> F {
        self.shift
    }
}

impl<F: Real> Default for ShiftedSigmoid<F> {
    /// [`ShiftedSigmoid::paper_relu`].
    fn default() -> Self {
        Self::paper_relu()
    }
}

impl<F: Real> Differentiable<F> for ShiftedSigmoid<F> {
    #[inline(always)]
    fn value(&self, x: F) -> F {
        logistic(self.slope * (x + self.shift))
    }

    #[inline(always)]
    fn derivative(&self, x: F) -> F {
        let s = logistic(self.slope * (x + self.shift));
        self.slope * s * (F::one() - s)
    }

    #[inline(always)]
    fn value_and_derivative(&self, x: F) -> (F, F) {
        let s = logistic(self.slope * (x + self.shift));
        (s, self.slope * s * (F::one() - s))
    }
}

impl<F: Real> ShapeFn<F> for ShiftedSigmoid<F> {}

impl<F: Real, G: Real> Recast<F> for ShiftedSigmoid<G> {
    type Output = ShiftedSigmoid<F>;

    /// [`ShiftedSigmoid::new`] with both constants rounded to `F`.
    fn recast(&self) -> Result<ShiftedSigmoid<F>, Error> {
        ShiftedSigmoid::new(narrow("slope", self.slope)?, narrow("shift", self.shift)?)
    }
}
