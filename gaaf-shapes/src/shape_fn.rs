//! The shape-function trait.

use gaaf_core::Differentiable;

/// A shape function `s` (the paper's term): where, and how much, GAAF adds
/// slope (Eq. 8).
///
/// `phi_new(x) = phi(x) + g(x) * s(x)` has slope `phi'(x) + s(x) + g(x) s'(x)`,
/// so `s(x)` is, to within `0.5/K * |s'(x)|`, the slope GAAF adds at `x`. The
/// value and derivative come from [`Differentiable`]; implementing this marker
/// trait says the function is meant as a shape, which the constructors of
/// [`crate::gaaf`] ask for.
///
/// (Named `ShapeFn`, not `Shape`, so that a glob import next to dfdx's or
/// candle's preludes does not shadow their tensor `Shape`.)
///
/// # Example: a shape of your own
///
/// ```
/// use gaaf_shapes::{gaaf, Differentiable, GradAccel, ShapeFn, Tanh};
///
/// /// Extra slope only for negative nets: `s(x) = 1` for `x < 0`, else 0.
/// struct LeftOnly;
/// impl Differentiable<f32> for LeftOnly {
///     fn value(&self, x: f32) -> f32 { if x < 0.0 { 1.0 } else { 0.0 } }
///     fn derivative(&self, _x: f32) -> f32 { 0.0 }
/// }
/// impl ShapeFn<f32> for LeftOnly {}
///
/// let act = gaaf(Tanh, LeftOnly, GradAccel::paper());
/// assert!(act.derivative(-5.0) > 0.99);
/// assert!(act.derivative(5.0) < 0.001);
/// ```
pub trait ShapeFn<F>: Differentiable<F> {}
