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
    /// `(f(x), f'(x))` together, for the kernels that need both (the
    /// training forward that saves the slope,
    /// [`crate::kernel::forward_saving_derivative`]).
    ///
    /// The default calls [`value`](Self::value) and
    /// [`derivative`](Self::derivative). Override it where the two share work
    /// (`tanh(x)` in tanh's slope, the exponential in a shape's), so that the
    /// work is done once rather than left to the compiler to merge, which it
    /// did only in some builds. An override must return exactly
    /// `(self.value(x), self.derivative(x))`, bit for bit.
    ///
    /// ```
    /// use gaaf_core::{Differentiable, GradAccel};
    ///
    /// let g = GradAccel::<f32>::paper();
    /// assert_eq!(g.value_and_derivative(0.3), (g.value(0.3), 1.0));
    /// ```
    #[inline(always)]
    fn value_and_derivative(&self, x: F) -> (F, F)
    where
        F: Copy,
    {
        (self.value(x), self.derivative(x))
    }
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
    #[inline(always)]
    fn value_and_derivative(&self, x: F) -> (F, F)
    where
        F: Copy,
    {
        (**self).value_and_derivative(x)
    }
}
