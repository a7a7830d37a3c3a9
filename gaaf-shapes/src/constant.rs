//! The constant shape: `g` alone, scaled.

use crate::error::{finite, Error};
use crate::recast::narrow;
use crate::{Recast, ShapeFn};
use gaaf_core::{Differentiable, Real};

/// A constant shape, `s(x) = c`: GAAF adds the same slope `c` everywhere.
///
/// `Constant::one()` is plain `phi + g` (Eq. 7 before the paper introduces
/// shapes). Derivative 0.
///
/// ```
/// use gaaf_shapes::{Constant, Differentiable};
///
/// assert_eq!(Constant::<f32>::one().value(123.0), 1.0);
/// assert_eq!(Constant::new(0.3_f64)?.derivative(1.0), 0.0);
/// # Ok::<(), gaaf_shapes::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Constant<F>(F);

impl<F: Real> Constant<F> {
    /// `s(x) = c`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidParameter`] unless `c` is finite.
    ///
    /// ```
    /// use gaaf_shapes::{Constant, Differentiable};
    ///
    /// assert_eq!(Constant::new(0.5_f32)?.value(-3.0), 0.5);
    /// assert!(Constant::new(f32::NAN).is_err());
    /// # Ok::<(), gaaf_shapes::Error>(())
    /// ```
    pub fn new(c: F) -> Result<Self, Error> {
        finite("c", c).map(Self)
    }

    /// `s(x) = 1`.
    ///
    /// ```
    /// use gaaf_shapes::{Constant, Differentiable};
    ///
    /// assert_eq!(Constant::<f64>::one().value(7.0), 1.0);
    /// ```
    pub fn one() -> Self {
        Self(F::one())
    }

    /// The constant.
    ///
    /// ```
    /// use gaaf_shapes::Constant;
    ///
    /// assert_eq!(Constant::new(0.25_f64)?.get(), 0.25);
    /// # Ok::<(), gaaf_shapes::Error>(())
    /// ```
    pub fn get(&self) -> F {
        self.0
    }
}

impl<F: Real> Default for Constant<F> {
    /// [`Constant::one`].
    fn default() -> Self {
        Self::one()
    }
}

impl<F: Real> Differentiable<F> for Constant<F> {
    #[inline(always)]
    fn value(&self, _x: F) -> F {
        self.0
    }

    #[inline(always)]
    fn derivative(&self, _x: F) -> F {
        F::zero()
    }
}

impl<F: Real> ShapeFn<F> for Constant<F> {}

impl<F: Real, G: Real> Recast<F> for Constant<G> {
    type Output = Constant<F>;

    /// [`Constant::new`] with the constant rounded to `F`.
    fn recast(&self) -> Result<Constant<F>, Error> {
        Constant::new(narrow("c", self.0)?)
    }
}
