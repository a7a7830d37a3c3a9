//! GAAF activations built from this crate's activations and shapes.

use crate::{Activation, DropoutMatched, Error, GaussianBump, Relu, ShapeFn, ShiftedSigmoid, Tanh};
use gaaf_core::{Gaaf, GradAccel, Real};

/// GAAF on tanh with the paper's shape, the Gaussian bump
/// `tanh + g * exp(-x^2/3.7)`
/// (section 5.1). `GaafTanh::<f32>::default()` uses `K = 10,000`.
///
/// `gaaf_dfdx::GaafTanh` and `gaaf_candle::GaafTanh` are this function as a
/// framework module (for `f32` and `f64` tensors, parameters given in `f64`).
///
/// ```
/// use gaaf_shapes::{Differentiable, GaafTanh};
///
/// let act = GaafTanh::<f32>::default();
/// assert!(act.derivative(2.5) > 0.2);
/// ```
pub type GaafTanh<F> = Gaaf<Tanh, GaussianBump<F>, F>;

/// GAAF on ReLU with the paper's shifted-sigmoid shape,
/// `relu + g * sigmoid(5 (x + 0.5))` (section 5.2).
/// `GaafRelu::<f32>::default()` uses `K = 10,000`.
///
/// `gaaf_dfdx::GaafRelu` and `gaaf_candle::GaafRelu` are this function as a
/// framework module.
///
/// ```
/// use gaaf_shapes::{Differentiable, GaafRelu};
///
/// let act = GaafRelu::<f64>::default();
/// assert!(act.derivative(-1.0) > 0.07);
/// ```
pub type GaafRelu<F> = Gaaf<Relu, ShiftedSigmoid<F>, F>;

/// GAAF on `phi` with a shape matched to dropout noise ([`DropoutMatched`]).
///
/// ```
/// use gaaf_shapes::{gaaf_dropout_matched, GaafDropoutMatched, Tanh};
///
/// let act: GaafDropoutMatched<Tanh, f32> = gaaf_dropout_matched(Tanh, 1.0)?;
/// assert_eq!(act.shape().sigma(), 1.0);
/// # Ok::<(), gaaf_shapes::Error>(())
/// ```
pub type GaafDropoutMatched<A, F> = Gaaf<A, DropoutMatched<A, F>, F>;

/// `phi + g * s`: any activation with any shape and any `g`. The result is
/// [`gaaf_core::Differentiable`], so it runs through `gaaf-core`'s kernels and
/// goes into any framework module that takes an activation.
/// `gaaf_dfdx::Gaaf::new(phi, shape, accel)` and
/// `gaaf_candle::Gaaf::new(phi, shape, accel)` take the same three parts
/// (with `f64` parameters) and make a module of it.
///
/// ```
/// use gaaf_shapes::{gaaf, Differentiable, GaussianBump, GradAccel, Sigmoid};
///
/// let act = gaaf(Sigmoid, GaussianBump::new(0.2, 0.0, 8.0)?, GradAccel::new(1e4)?);
/// assert!((act.derivative(0.0_f64) - 0.45).abs() < 1e-3);
/// # Ok::<(), gaaf_shapes::Error>(())
/// ```
pub fn gaaf<F: Real, A: Activation<F>, S: ShapeFn<F>>(
    phi: A,
    shape: S,
    accel: GradAccel<F>,
) -> Gaaf<A, S, F> {
    Gaaf::new(phi, shape, accel)
}

/// The paper's GAAF for tanh, with `K = 10,000` ([`GaafTanh`]).
///
/// ```
/// use gaaf_shapes::{gaaf_tanh, Differentiable, Tanh};
///
/// let act = gaaf_tanh::<f32>();
/// // tanh' (3) = 0.0099; GAAF adds exp(-9/3.7) = 0.088.
/// assert!((act.derivative(3.0) - 0.0979).abs() < 1e-3);
/// ```
pub fn gaaf_tanh<F: Real>() -> GaafTanh<F> {
    Gaaf::new(Tanh, GaussianBump::paper_tanh(), GradAccel::paper())
}

/// The paper's GAAF for ReLU, with `K = 10,000` ([`GaafRelu`]).
///
/// ```
/// use gaaf_shapes::{gaaf_relu, Differentiable};
///
/// let act = gaaf_relu::<f64>();
/// assert!((act.derivative(-0.5) - 0.5).abs() < 1e-4);
/// ```
pub fn gaaf_relu<F: Real>() -> GaafRelu<F> {
    Gaaf::new(Relu, ShiftedSigmoid::paper_relu(), GradAccel::paper())
}

/// GAAF on `phi` with the shape matched to noise of standard deviation `sigma`
/// ([`DropoutMatched`]; see [`crate::dropout_sigma`] for `sigma` from a dropout
/// rate) and the paper's `K`.
///
/// # Errors
///
/// As [`DropoutMatched::new`].
///
/// ```
/// use gaaf_shapes::{gaaf_dropout_matched, Differentiable, Tanh};
///
/// let act = gaaf_dropout_matched(Tanh, 1.0_f32)?;
/// assert!(act.derivative(2.0) > Tanh.derivative(2.0) + 0.1);
/// # Ok::<(), gaaf_shapes::Error>(())
/// ```
pub fn gaaf_dropout_matched<F: Real, A: Activation<F> + Copy>(
    phi: A,
    sigma: F,
) -> Result<GaafDropoutMatched<A, F>, Error> {
    Ok(Gaaf::new(
        phi,
        DropoutMatched::new(phi, sigma)?,
        GradAccel::paper(),
    ))
}
