//! The one contract every kernel in this crate takes.

/// A scalar function `f: F -> F` together with its first derivative.
///
/// Activations (`phi`), shape functions (`s`), the acceleration function `g` and the
/// fused GAAF activation all implement it, so one set of slice kernels
/// ([`crate::kernel`]) serves them all. Implementations should be
/// `#[inline(always)]` and branch-light: the kernels call them once per
/// element, and the compiler can only vectorise what it inlines. (Plain
/// `#[inline]` was not enough: in a dfdx benchmark binary LLVM kept
/// `Gaaf::value` out of line, and the forward kernel ran 4x slower.)
///
/// # Example
///
/// ```
/// use gaaf_core::Differentiable;
///
/// /// `f(x) = x^2`.
/// struct Square;
///
/// impl Differentiable<f64> for Square {
///     fn value(&self, x: f64) -> f64 {
///         x * x
///     }
///     fn derivative(&self, x: f64) -> f64 {
///         2.0 * x
///     }
/// }
///
/// assert_eq!(Square.value(3.0), 9.0);
/// assert_eq!(Square.derivative(3.0), 6.0);
/// ```
pub trait Differentiable<F> {
    /// `f(x)`.
    fn value(&self, x: F) -> F;
    /// `f'(x)`, the derivative used in the backward pass.
    fn derivative(&self, x: F) -> F;
}

impl<F, T: Differentiable<F> + ?Sized> Differentiable<F> for &T {
    #[inline(always)]
    fn value(&self, x: F) -> F {
        (**self).value(x)
    }
    #[inline(always)]
    fn derivative(&self, x: F) -> F {
        (**self).derivative(x)
    }
}
