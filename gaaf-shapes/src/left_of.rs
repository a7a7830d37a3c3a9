//! A shape kept only left of an edge: ReLU's saturation-only shape.

use crate::error::{finite, Error};
use crate::recast::narrow;
use crate::{Recast, ShapeFn, ShiftedSigmoid};
use gaaf_core::{Differentiable, Real};

/// Another shape, kept only at and left of `edge`:
/// `s(x) = inner(x)` for `x <= edge`, `0` for `x > edge`.
///
/// **Why**: the paper's shape for ReLU ([`ShiftedSigmoid::paper_relu`]) is
/// about 1 for every `x > 0`, where ReLU is not saturated and dropout adds no
/// slope; there GAAF-ReLU's slope is about 2, so with nets distributed
/// `N(0, 1)` each GAAF-ReLU layer multiplies the backward signal by about 2
/// (`E[phi_new'^2] / E[phi'^2]` is 4.2, see [`crate::GradientGain`]), and a
/// deep network without batch normalisation diverges. The paper's own text
/// says dropout "does not generate gradient information on the leftmost or
/// rightmost saturation areas" and adds it near the kink; masking the shape
/// to `x <= 0` ([`LeftOf::relu_saturation`]) keeps exactly that part: slope
/// on ReLU's flat side near the kink, none where ReLU's slope is already 1.
///
/// At the edge itself `s` is `inner(edge)`: ReLU's own slope at its kink is
/// 0 (as most frameworks take it), so the kink belongs to the saturated side.
/// The slope is `inner'(x)` left of the edge, 0 right of it. NaN in, NaN out.
///
/// # Example
///
/// ```
/// use gaaf_shapes::{Differentiable, LeftOf};
///
/// let s = LeftOf::<_, f64>::relu_saturation();
/// assert_eq!(s.value(1.0), 0.0); // no slope added where relu' = 1
/// assert!((s.value(-0.5) - 0.5).abs() < 1e-15); // the paper's shape on the flat side
/// assert!(s.value(0.0) > 0.92);
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LeftOf<S, F> {
    inner: S,
    edge: F,
}

impl<S: ShapeFn<F>, F: Real> LeftOf<S, F> {
    /// `inner(x)` for `x <= edge`, else 0.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidParameter`] unless `edge` is finite.
    ///
    /// ```
    /// use gaaf_shapes::{Constant, Differentiable, LeftOf};
    ///
    /// let s = LeftOf::new(Constant::new(0.3_f32)?, 1.0)?;
    /// assert_eq!((s.value(0.5), s.value(1.5)), (0.3, 0.0));
    /// assert!(LeftOf::new(Constant::new(0.3_f32)?, f32::NAN).is_err());
    /// # Ok::<(), gaaf_shapes::Error>(())
    /// ```
    pub fn new(inner: S, edge: F) -> Result<Self, Error> {
        Ok(Self {
            inner,
            edge: finite("edge", edge)?,
        })
    }

    /// The shape kept left of the edge.
    ///
    /// ```
    /// use gaaf_shapes::{LeftOf, ShiftedSigmoid};
    ///
    /// assert_eq!(LeftOf::<_, f32>::relu_saturation().inner(), &ShiftedSigmoid::paper_relu());
    /// ```
    pub fn inner(&self) -> &S {
        &self.inner
    }

    /// Where the shape stops: it is 0 for every `x > edge`.
    ///
    /// ```
    /// use gaaf_shapes::LeftOf;
    ///
    /// assert_eq!(LeftOf::<_, f64>::relu_saturation().edge(), 0.0);
    /// ```
    pub fn edge(&self) -> F {
        self.edge
    }
}

impl<F: Real> LeftOf<ShiftedSigmoid<F>, F> {
    /// The saturation-only shape for ReLU: the paper's shifted sigmoid
    /// `sigmoid(5 (x + 0.5))` for `x <= 0`, 0 for `x > 0`. It rises from 0.007
    /// at `x = -1.5` through 0.5 at `x = -0.5` to 0.92 at the kink, so
    /// GAAF-ReLU's slope goes smoothly from about 0 to 0.92 left of the kink
    /// and is ReLU's 1 right of it. The shape of [`crate::GaafRelu`].
    ///
    /// ```
    /// use gaaf_shapes::{Differentiable, LeftOf};
    ///
    /// let s = LeftOf::<_, f32>::relu_saturation();
    /// assert_eq!(s.derivative(0.1), 0.0);
    /// assert!(s.derivative(-0.5) > 1.2);
    /// ```
    pub fn relu_saturation() -> Self {
        Self {
            inner: ShiftedSigmoid::paper_relu(),
            edge: F::zero(),
        }
    }
}

impl<F: Real> Default for LeftOf<ShiftedSigmoid<F>, F> {
    /// [`LeftOf::relu_saturation`].
    fn default() -> Self {
        Self::relu_saturation()
    }
}

impl<S: ShapeFn<F>, F: Real> Differentiable<F> for LeftOf<S, F> {
    // `inner` is evaluated everywhere and then dropped right of the edge: a
    // select, which slice kernels vectorise, where a branch around `inner`
    // (an `exp`) kept them scalar (gaaf-burn's `GaafRelu` op was 3.8x
    // burn's `relu` with the branch).
    #[inline(always)]
    fn value(&self, x: F) -> F {
        let v = self.inner.value(x);
        // `x > edge` is false for NaN, so NaN reaches `inner` and comes out.
        if x > self.edge {
            F::zero()
        } else {
            v
        }
    }

    #[inline(always)]
    fn derivative(&self, x: F) -> F {
        let d = self.inner.derivative(x);
        if x > self.edge {
            F::zero()
        } else {
            d
        }
    }

    #[inline(always)]
    fn value_and_derivative(&self, x: F) -> (F, F) {
        let (v, d) = self.inner.value_and_derivative(x);
        if x > self.edge {
            (F::zero(), F::zero())
        } else {
            (v, d)
        }
    }
}

impl<S: ShapeFn<F>, F: Real> ShapeFn<F> for LeftOf<S, F> {}

impl<F, G, S> Recast<F> for LeftOf<S, G>
where
    F: Real,
    G: Real,
    S: Recast<F>,
    S::Output: ShapeFn<F>,
{
    type Output = LeftOf<S::Output, F>;

    /// The inner shape recast, and the edge rounded to `F`.
    fn recast(&self) -> Result<Self::Output, Error> {
        LeftOf::new(self.inner.recast()?, narrow("edge", self.edge)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Constant;

    #[test]
    fn keeps_the_inner_shape_left_of_the_edge_only() {
        let s = LeftOf::<_, f64>::relu_saturation();
        let inner = ShiftedSigmoid::<f64>::paper_relu();
        for i in -300..=300 {
            let x = f64::from(i) / 50.0;
            let want = if x <= 0.0 {
                inner.value_and_derivative(x)
            } else {
                (0.0, 0.0)
            };
            assert_eq!(s.value_and_derivative(x), want, "x = {x}");
            assert_eq!((s.value(x), s.derivative(x)), want, "x = {x}");
        }
    }

    #[test]
    fn nan_stays_nan_and_infinities_are_finite() {
        let s = LeftOf::<_, f32>::relu_saturation();
        assert!(s.value(f32::NAN).is_nan() && s.derivative(f32::NAN).is_nan());
        assert_eq!(s.value_and_derivative(f32::INFINITY), (0.0, 0.0));
        assert_eq!(s.value(f32::NEG_INFINITY), 0.0);
    }

    #[test]
    fn recast_rounds_the_edge_and_the_inner_shape_once() {
        let s64 = LeftOf::new(ShiftedSigmoid::new(3.3_f64, 0.7).unwrap(), 0.1).unwrap();
        let s32: LeftOf<ShiftedSigmoid<f32>, f32> = s64.recast().unwrap();
        let want = LeftOf::new(ShiftedSigmoid::new(3.3_f32, 0.7).unwrap(), 0.1_f32).unwrap();
        assert_eq!(s32, want);
        let far = LeftOf::new(Constant::new(1.0_f64).unwrap(), 1e300).unwrap();
        assert!(Recast::<f32>::recast(&far).is_err());
    }
}
