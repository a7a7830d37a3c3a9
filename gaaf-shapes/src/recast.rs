//! The same function with its constants in another float type.

use crate::error::{cast, Error};
use gaaf_core::{Gaaf, GradAccel, Real};

/// The same function with its parameters in the float type `F`: a shape
/// given with `f64` constants as its `f32` twin, say.
///
/// **Why**: frameworks such as candle pick a tensor's float type at run time,
/// and dfdx modules serve `f32` and `f64` tensors alike, while the functions
/// here are typed (`Differentiable<f32>` or `Differentiable<f64>`). A backend
/// module keeps one definition, with `f64` parameters, and derives the twin
/// for each float type from it with this trait ([`crate::GaafTwins`]), so the
/// twins cannot drift apart.
///
/// **Method**: each stored constant is rounded once to `F` (as `as` does),
/// and whatever a constructor derives from the constants (a reciprocal, a
/// quadrature rule) is derived again in `F`, so the twin is bit for bit what
/// the constructor would build from the rounded constants:
/// `GaussianBump::<f64>::paper_tanh().recast()` is
/// `GaussianBump::<f32>::paper_tanh()`. Activations without constants
/// ([`Tanh`](crate::Tanh), [`Relu`](crate::Relu), ...) are their own twins.
///
/// # Errors
///
/// [`Error`] when a constant does not fit `F`: a width of `1e300` is a fine
/// `f64` but infinite in `f32`.
///
/// # Example
///
/// ```
/// use gaaf_shapes::{GaussianBump, Recast};
///
/// let s64 = GaussianBump::new(0.5_f64, 0.0, 2.0)?;
/// let s32: GaussianBump<f32> = s64.recast()?;
/// assert_eq!(s32, GaussianBump::new(0.5_f32, 0.0, 2.0)?);
/// assert!(Recast::<f32>::recast(&GaussianBump::new(1.0_f64, 0.0, 1e300)?).is_err());
/// # Ok::<(), gaaf_shapes::Error>(())
/// ```
pub trait Recast<F> {
    /// The function with `F` parameters.
    type Output;

    /// This function with its parameters rounded to `F`.
    ///
    /// # Errors
    ///
    /// [`Error`] when a parameter does not fit `F`.
    fn recast(&self) -> Result<Self::Output, Error>;
}

/// Rounds `v` to `F`, failing where a finite value stops being finite.
pub(crate) fn narrow<F: Real, G: Real>(name: &'static str, v: G) -> Result<F, Error> {
    let out: F = cast(v.to_f64().unwrap_or(f64::NAN));
    if out.is_finite() || !v.is_finite() {
        Ok(out)
    } else {
        Err(Error::InvalidParameter {
            name,
            value: v.to_f64().unwrap_or(f64::NAN),
            expected: "representable in the target float type",
        })
    }
}

impl<F: Real, G: Real> Recast<F> for GradAccel<G> {
    type Output = GradAccel<F>;

    /// `g` with `K` rounded to `F`.
    fn recast(&self) -> Result<GradAccel<F>, Error> {
        Ok(GradAccel::new(cast(self.k().to_f64().unwrap_or(f64::NAN)))?)
    }
}

impl<F: Real, G: Real, P: Recast<F>, S: Recast<F>> Recast<F> for Gaaf<P, S, G> {
    type Output = Gaaf<P::Output, S::Output, F>;

    /// `phi + g*s` with each part recast.
    fn recast(&self) -> Result<Self::Output, Error> {
        Ok(Gaaf::new(
            self.phi().recast()?,
            self.shape().recast()?,
            self.accel().recast()?,
        ))
    }
}

/// Activations without constants are their own twins in every float type.
macro_rules! recast_as_self {
    ($($t:ty),*) => {$(
        impl<F> Recast<F> for $t {
            type Output = Self;

            /// The activation itself: it has no constants.
            fn recast(&self) -> Result<Self, Error> {
                Ok(*self)
            }
        }
    )*};
}

recast_as_self!(crate::Tanh, crate::Relu, crate::Sigmoid, crate::Identity);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Constant, DropoutMatched, GaussianBump, ShiftedSigmoid, Tabulated, Tanh};

    #[test]
    fn paper_constants_recast_to_the_f32_constructors() {
        let s: GaussianBump<f32> = GaussianBump::<f64>::paper_tanh().recast().unwrap();
        assert_eq!(s, GaussianBump::paper_tanh());
        let s: ShiftedSigmoid<f32> = ShiftedSigmoid::<f64>::paper_relu().recast().unwrap();
        assert_eq!(s, ShiftedSigmoid::paper_relu());
        let c: Constant<f32> = Constant::<f64>::one().recast().unwrap();
        assert_eq!(c, Constant::one());
        let g: GradAccel<f32> = GradAccel::<f64>::paper().recast().unwrap();
        assert_eq!(g, GradAccel::paper());
        let f: gaaf_core::Gaaf<_, _, f32> = crate::gaaf_tanh::<f64>().recast().unwrap();
        assert_eq!(f, crate::gaaf_tanh::<f32>());
    }

    #[test]
    fn dropout_matched_recasts_to_the_f32_constructor() {
        let d: DropoutMatched<Tanh, f32> = DropoutMatched::<Tanh, f64>::new(Tanh, 1.3)
            .unwrap()
            .recast()
            .unwrap();
        assert_eq!(d, DropoutMatched::new(Tanh, 1.3_f32).unwrap());
    }

    #[test]
    fn a_widened_table_narrows_back_to_itself() {
        let t32: Tabulated<f32, 64> = DropoutMatched::new(Tanh, 1.0_f32)
            .unwrap()
            .tabulated()
            .unwrap();
        let t64: Tabulated<f64, 64> = t32.recast().unwrap();
        let back: Tabulated<f32, 64> = t64.recast().unwrap();
        assert_eq!(back, t32);
    }

    #[test]
    fn constants_too_large_for_f32_are_errors() {
        let big = GaussianBump::new(1.0_f64, 0.0, 1e300).unwrap();
        assert!(Recast::<f32>::recast(&big).is_err());
        let big = ShiftedSigmoid::new(1e300_f64, 0.0).unwrap();
        assert!(Recast::<f32>::recast(&big).is_err());
        assert!(Recast::<f32>::recast(&GradAccel::new(1e300_f64).unwrap()).is_err());
    }
}
