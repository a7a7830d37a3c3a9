//! The fused GAAF activation `phi + g*s` of Eq. 8.

use crate::{Differentiable, GradAccel};
use num_traits::Float;

/// The GAAF activation `phi_new(x) = phi(x) + g(x) * s(x)` (Eq. 8).
///
/// `phi` is any activation and `s` any shape function, both [`Differentiable`];
/// `g` is the acceleration function of Eq. 7 ([`GradAccel`]). `Gaaf` is itself
/// [`Differentiable`], so it goes wherever an activation goes, the slice kernels
/// of [`crate::kernel`] included, and those kernels then compute `phi`, `g` and
/// `s` in one fused pass.
///
/// **Value**: within `0.5/K * |s(x)|` of `phi(x)`, since `|g(x)| <= 0.5/K`.
///
/// **Derivative**: the exact derivative of Eq. 8 with `g' = 1`,
/// `phi'(x) + s(x) + g(x) * s'(x)`. It is exact everywhere except on the
/// measure-zero set `{n/K}` where the floor in `g` jumps and no derivative
/// exists; there it is the one-sided slope. The last term is at most
/// `0.5/K * |s'(x)|`, so the slope `phi'` gains is `s(x)` to within that.
///
/// # Example
///
/// ```
/// use gaaf_core::{Differentiable, Gaaf, GradAccel};
///
/// struct Tanh;
/// impl Differentiable<f64> for Tanh {
///     fn value(&self, x: f64) -> f64 { x.tanh() }
///     fn derivative(&self, x: f64) -> f64 { 1.0 - x.tanh().powi(2) }
/// }
/// struct Flat; // s(x) = 1
/// impl Differentiable<f64> for Flat {
///     fn value(&self, _x: f64) -> f64 { 1.0 }
///     fn derivative(&self, _x: f64) -> f64 { 0.0 }
/// }
///
/// let act = Gaaf::new(Tanh, Flat, GradAccel::paper());
/// // Deep in saturation the plain slope vanishes; GAAF's does not.
/// assert!(Tanh.derivative(6.0) < 1e-4);
/// assert!((act.derivative(6.0) - 1.0).abs() < 1e-4);
/// // The value barely moves.
/// assert!((act.value(6.0) - 6.0_f64.tanh()).abs() <= 0.5 / 10_000.0);
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Gaaf<P, S, F> {
    phi: P,
    shape: S,
    accel: GradAccel<F>,
}

impl<P, S, F> Gaaf<P, S, F> {
    /// `phi + g*s` from its three parts.
    ///
    /// ```
    /// use gaaf_core::{Gaaf, GradAccel};
    ///
    /// let act = Gaaf::new((), (), GradAccel::<f32>::paper());
    /// assert_eq!(act.accel().k(), 1e4);
    /// ```
    pub fn new(phi: P, shape: S, accel: GradAccel<F>) -> Self {
        Self { phi, shape, accel }
    }

    /// The activation `phi`.
    ///
    /// ```
    /// use gaaf_core::{Gaaf, GradAccel};
    ///
    /// let act = Gaaf::new("phi", "s", GradAccel::<f64>::paper());
    /// assert_eq!(*act.phi(), "phi");
    /// ```
    pub fn phi(&self) -> &P {
        &self.phi
    }

    /// The shape function `s`.
    ///
    /// ```
    /// use gaaf_core::{Gaaf, GradAccel};
    ///
    /// let act = Gaaf::new("phi", "s", GradAccel::<f64>::paper());
    /// assert_eq!(*act.shape(), "s");
    /// ```
    pub fn shape(&self) -> &S {
        &self.shape
    }

    /// The acceleration function `g`.
    ///
    /// ```
    /// use gaaf_core::{Gaaf, GradAccel};
    ///
    /// let act = Gaaf::new((), (), GradAccel::<f64>::paper());
    /// assert_eq!(act.accel().amplitude(), 0.5e-4);
    /// ```
    pub fn accel(&self) -> &GradAccel<F> {
        &self.accel
    }

    /// The same activation with another `g` (another `K`).
    ///
    /// ```
    /// use gaaf_core::{Gaaf, GradAccel};
    ///
    /// let act = Gaaf::new((), (), GradAccel::<f32>::paper()).with_accel(GradAccel::new(100.0)?);
    /// assert_eq!(act.accel().k(), 100.0);
    /// # Ok::<(), gaaf_core::Error>(())
    /// ```
    pub fn with_accel(self, accel: GradAccel<F>) -> Self {
        Self { accel, ..self }
    }
}

impl<F: Float, P: Default, S: Default> Default for Gaaf<P, S, F> {
    /// Default `phi` and `s` with the paper's `g` (`K = 10,000`).
    fn default() -> Self {
        Self::new(P::default(), S::default(), GradAccel::paper())
    }
}

impl<F: Float, P: Differentiable<F>, S: Differentiable<F>> Differentiable<F> for Gaaf<P, S, F> {
    /// `phi(x) + g(x) * s(x)`.
    #[inline(always)]
    fn value(&self, x: F) -> F {
        self.phi.value(x) + self.accel.value(x) * self.shape.value(x)
    }

    /// `phi'(x) + s(x) + g(x) * s'(x)`.
    #[inline(always)]
    fn derivative(&self, x: F) -> F {
        self.phi.derivative(x)
            + self.shape.value(x)
            + self.accel.value(x) * self.shape.derivative(x)
    }

    /// Both of the above, with `phi`, `s` and `g` each evaluated once.
    #[inline(always)]
    fn value_and_derivative(&self, x: F) -> (F, F) {
        let (phi, dphi) = self.phi.value_and_derivative(x);
        let (s, ds) = self.shape.value_and_derivative(x);
        let g = self.accel.value(x);
        (phi + g * s, dphi + s + g * ds)
    }
}
