//! The activation trait and the standard activations: tanh, ReLU, sigmoid and
//! the identity.

use crate::error::cast;
use crate::quadrature::GaussHermite;
use gaaf_core::{Differentiable, Real};

/// An activation function `phi`: value, slope and curvature.
///
/// The value and slope come from [`Differentiable`], which is what kernels and
/// framework modules take. The curvature (`phi''`) and the slope under Gaussian
/// noise ([`Activation::noisy_slope`]) serve the dropout-matched shape
/// ([`crate::DropoutMatched`]).
///
/// # Example
///
/// ```
/// use gaaf_shapes::{Activation, Differentiable, Tanh};
///
/// assert!((Tanh.value(0.5_f64) - 0.5_f64.tanh()).abs() < 1e-15);
/// assert_eq!(Tanh.derivative(0.0_f64), 1.0);
/// assert_eq!(Tanh.second_derivative(0.0_f64), 0.0);
/// ```
pub trait Activation<F: Real>: Differentiable<F> {
    /// `phi''(x)`, zero where `phi` is piecewise linear.
    fn second_derivative(&self, x: F) -> F;

    /// The slope `phi` shows under Gaussian noise on its input, and how that
    /// slope changes with `x`:
    /// `(E[phi'(x + sigma*eps)], d/dx E[phi'(x + sigma*eps)])`, `eps ~ N(0, 1)`.
    ///
    /// This is the expected slope a net `x` sees when dropout gives it the
    /// standard deviation `sigma` (Eq. 6). The default evaluates both
    /// expectations with the Gauss-Hermite `rule` (exact for polynomials of
    /// degree below `2N`; smooth activations converge fast); activations with a
    /// closed form, or with kinks quadrature handles badly (ReLU), override it.
    /// `sigma = 0` gives `(phi'(x), phi''(x))`.
    fn noisy_slope<const N: usize>(&self, x: F, sigma: F, rule: &GaussHermite<F, N>) -> (F, F) {
        if sigma == F::zero() {
            return (self.derivative(x), self.second_derivative(x));
        }
        rule.expect2(|eps| {
            let z = x + sigma * eps;
            (self.derivative(z), self.second_derivative(z))
        })
    }
}

/// The hyperbolic tangent, `phi(x) = tanh(x)`: the activation of the paper's
/// MNIST experiments (section 5.1).
///
/// Slope `1 - tanh^2`, curvature `-2 tanh (1 - tanh^2)`. NaN in, NaN out.
/// `tanh` is [`Real::fast_tanh`]: vectorisable and within 3 ulp for `f32`, the
/// standard function for `f64`.
///
/// ```
/// use gaaf_shapes::{Differentiable, Tanh};
///
/// assert!(Tanh.derivative(4.0_f32) < 0.0014);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Tanh;

impl<F: Real> Differentiable<F> for Tanh {
    #[inline(always)]
    fn value(&self, x: F) -> F {
        x.fast_tanh()
    }
    #[inline(always)]
    fn derivative(&self, x: F) -> F {
        let t = x.fast_tanh();
        F::one() - t * t
    }
    #[inline(always)]
    fn value_and_derivative(&self, x: F) -> (F, F) {
        let t = x.fast_tanh();
        (t, F::one() - t * t)
    }
}

impl<F: Real> Activation<F> for Tanh {
    #[inline(always)]
    fn second_derivative(&self, x: F) -> F {
        let t = x.fast_tanh();
        cast::<F>(-2.0) * t * (F::one() - t * t)
    }
}

/// The rectifier, `phi(x) = max(0, x)`: the activation of the paper's
/// convolutional experiments (section 5.2).
///
/// Slope 1 for `x > 0` and 0 for `x <= 0` (at the kink, 0, as most frameworks
/// use); curvature 0 (the Dirac mass at the kink has no pointwise value, and
/// [`Activation::noisy_slope`] is computed in closed form instead:
/// `(Phi(x/sigma), pdf(x/sigma)/sigma)` with `Phi` the standard normal CDF).
/// NaN in, NaN out, for the value and the slope.
///
/// ```
/// use gaaf_shapes::{Differentiable, Relu};
///
/// assert_eq!(Relu.value(-2.0_f64), 0.0);
/// assert_eq!(Relu.derivative(3.0_f64), 1.0);
/// assert!(Relu.value(f64::NAN).is_nan());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Relu;

impl<F: Real> Differentiable<F> for Relu {
    #[inline(always)]
    fn value(&self, x: F) -> F {
        // `x < 0` is false for NaN, so NaN passes through.
        if x < F::zero() {
            F::zero()
        } else {
            x
        }
    }
    #[inline(always)]
    fn derivative(&self, x: F) -> F {
        if x > F::zero() {
            F::one()
        } else if x.is_nan() {
            x
        } else {
            F::zero()
        }
    }
}

impl<F: Real> Activation<F> for Relu {
    #[inline(always)]
    fn second_derivative(&self, _x: F) -> F {
        F::zero()
    }

    fn noisy_slope<const N: usize>(&self, x: F, sigma: F, _rule: &GaussHermite<F, N>) -> (F, F) {
        if sigma == F::zero() {
            return (self.derivative(x), F::zero());
        }
        let u = (x / sigma).to_f64().unwrap_or(f64::NAN);
        let cdf = 0.5 * libm::erfc(-u * core::f64::consts::FRAC_1_SQRT_2);
        let pdf = libm::exp(-0.5 * u * u) * 0.398_942_280_401_432_7;
        (cast(cdf), cast::<F>(pdf) / sigma)
    }
}

/// The logistic sigmoid, `phi(x) = 1 / (1 + exp(-x))`.
///
/// Slope `sig (1 - sig)`, curvature `sig (1 - sig) (1 - 2 sig)`. Saturates to
/// exactly 0 and 1 without overflow (`exp` overflowing to infinity gives 0).
///
/// ```
/// use gaaf_shapes::{Differentiable, Sigmoid};
///
/// assert_eq!(Sigmoid.value(0.0_f64), 0.5);
/// assert_eq!(Sigmoid.derivative(0.0_f64), 0.25);
/// assert_eq!(Sigmoid.value(-1000.0_f32), 0.0);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Sigmoid;

/// The logistic function, shared by [`Sigmoid`] and [`crate::ShiftedSigmoid`].
#[inline(always)]
pub(crate) fn logistic<F: Real>(x: F) -> F {
    F::one() / (F::one() + (-x).fast_exp())
}

impl<F: Real> Differentiable<F> for Sigmoid {
    #[inline(always)]
    fn value(&self, x: F) -> F {
        logistic(x)
    }
    #[inline(always)]
    fn derivative(&self, x: F) -> F {
        let s = logistic(x);
        s * (F::one() - s)
    }
    #[inline(always)]
    fn value_and_derivative(&self, x: F) -> (F, F) {
        let s = logistic(x);
        (s, s * (F::one() - s))
    }
}

impl<F: Real> Activation<F> for Sigmoid {
    #[inline(always)]
    fn second_derivative(&self, x: F) -> F {
        let s = logistic(x);
        s * (F::one() - s) * (F::one() - cast::<F>(2.0) * s)
    }
}

/// The identity, `phi(x) = x`: slope 1, curvature 0. Useful in tests, where
/// GAAF on the identity isolates `g*s`.
///
/// ```
/// use gaaf_shapes::{Differentiable, Identity};
///
/// assert_eq!(Identity.value(1.5_f32), 1.5);
/// assert_eq!(Identity.derivative(1.5_f32), 1.0);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Identity;

impl<F: Real> Differentiable<F> for Identity {
    #[inline(always)]
    fn value(&self, x: F) -> F {
        x
    }
    #[inline(always)]
    fn derivative(&self, _x: F) -> F {
        F::one()
    }
}

impl<F: Real> Activation<F> for Identity {
    #[inline(always)]
    fn second_derivative(&self, _x: F) -> F {
        F::zero()
    }
}
