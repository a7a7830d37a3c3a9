//! GAAF activations built from this crate's activations and shapes.

use crate::{
    Activation, DropoutMatched, Error, GaussianBump, LeftOf, Relu, ShapeFn, ShiftedSigmoid,
    ShoulderBump, Tanh,
};
use gaaf_core::{Gaaf, GradAccel, Real};

/// GAAF on tanh with the paper's shape, the Gaussian bump
/// `tanh + g * exp(-x^2/3.7)`
/// (section 5.1). `GaafTanh::<f32>::default()` uses `K = 10,000`.
///
/// Gradient gain ([`crate::GradientGain`]) with nets `N(0, 1)`: 4.86 in mean
/// squared slope, 2.2 on the backward signal per layer. Most of it is in the
/// middle, where tanh is not saturated: under plain SGD that works as a
/// larger learning rate (`results/mnist-2026-12-03-plateau/`).
/// [`GaafTanhShoulder`] adds slope on the shoulders only.
///
/// `gaaf_dfdx::GaafTanh` and `gaaf_candle::GaafTanh` are this function as a
/// framework module (for `f32` and `f64` tensors, parameters given in `f64`).
///
/// ```
/// use gaaf_shapes::{Differentiable, GaafTanh, GradientGain};
///
/// let act = GaafTanh::<f32>::default();
/// assert!(act.derivative(2.5) > 0.2);
/// let gain = GradientGain::new(act.phi(), act.shape(), 1.0)?;
/// assert!((gain.power() - 4.86).abs() < 0.01);
/// # Ok::<(), gaaf_shapes::Error>(())
/// ```
pub type GaafTanh<F> = Gaaf<Tanh, GaussianBump<F>, F>;

/// GAAF on ReLU with slope added on its saturated side only, the default
/// GAAF-ReLU: the paper's shifted sigmoid for `x <= 0`, nothing for `x > 0`
/// ([`LeftOf::relu_saturation`]). Left of the kink its slope rises smoothly
/// from about 0 (at `x = -1.5`) to 0.92 (at 0); right of it, it is ReLU's 1.
/// `GaafRelu::<f32>::default()` uses `K = 10,000`.
///
/// **Why this shape and not the paper's** ([`GaafReluPaper`]): gradient gain
/// ([`crate::GradientGain`]) with nets `N(0, 1)`. This shape has 1.25 in mean
/// squared slope, `E[phi_new'^2] / E[phi'^2]`: 1.12 per layer on the backward
/// signal, 3.8 over 12 layers. The paper's shape is about 1 for every `x > 0`,
/// where ReLU is not saturated, and has 4.20: 2.05 per layer, about 5,500
/// over 12 layers, so a 12-layer ReLU network without batch normalisation
/// diverges with it at learning rate 0.01, where plain ReLU and this shape
/// train (`gaaf-repro/tests/conv.rs`). Slope on ReLU's flat side near the
/// kink is the part dropout supplies (see [`LeftOf`]).
///
/// `gaaf_dfdx::GaafRelu` and `gaaf_candle::GaafRelu` are this function as a
/// framework module.
///
/// ```
/// use gaaf_shapes::{Differentiable, GaafRelu, GradientGain};
///
/// let act = GaafRelu::<f64>::default();
/// assert!((act.derivative(1.0) - 1.0).abs() < 1e-12); // relu' alone
/// assert!((act.derivative(-0.5) - 0.5).abs() < 1e-4);
/// let gain = GradientGain::new(act.phi(), act.shape(), 1.0)?;
/// assert!((gain.power() - 1.25).abs() < 0.01);
/// assert!((gain.amplitude() - 1.12).abs() < 0.01);
/// assert!((gain.amplitude_over_depth(12) - 3.8).abs() < 0.1);
/// # Ok::<(), gaaf_shapes::Error>(())
/// ```
pub type GaafRelu<F> = Gaaf<Relu, LeftOf<ShiftedSigmoid<F>, F>, F>;

/// GAAF on ReLU with the paper's shifted-sigmoid shape,
/// `relu + g * sigmoid(5 (x + 0.5))` (section 5.2), for reproducing the
/// paper. `GaafReluPaper::<f32>::default()` uses `K = 10,000`.
///
/// Gradient gain ([`crate::GradientGain`]) with nets `N(0, 1)`: 4.20 in mean
/// squared slope, `E[phi_new'^2] / E[phi'^2]`: 2.05 on the backward signal
/// per layer, about 5,500 over 12 layers. The shape is about 1 for every
/// `x > 0`, where ReLU is not saturated, so GAAF-ReLU's slope there is about
/// 2. Without batch normalisation a 12-layer ReLU network with it diverges at
/// learning rate 0.01, where plain ReLU trains (`gaaf-repro/tests/conv.rs`);
/// that is why [`GaafRelu`], slope on ReLU's saturated side only (1.12 per
/// layer), is the default.
///
/// `gaaf_dfdx::GaafReluPaper` and `gaaf_candle::GaafReluPaper` are this
/// function as a framework module.
///
/// ```
/// use gaaf_shapes::{Differentiable, GaafReluPaper, GradientGain};
///
/// let act = GaafReluPaper::<f64>::default();
/// assert!(act.derivative(-1.0) > 0.07);
/// assert!(act.derivative(1.0) > 1.99); // relu' + s
/// let gain = GradientGain::new(act.phi(), act.shape(), 1.0)?;
/// assert!((gain.power() - 4.20).abs() < 0.01);
/// assert!((gain.amplitude() - 2.05).abs() < 0.01);
/// assert!((gain.amplitude_over_depth(12) - 5500.0).abs() < 100.0);
/// # Ok::<(), gaaf_shapes::Error>(())
/// ```
pub type GaafReluPaper<F> = Gaaf<Relu, ShiftedSigmoid<F>, F>;

/// GAAF on tanh with the shoulder shape ([`ShoulderBump`]), zero at the centre
/// and largest at `|x| = 1.92`: `tanh + g * u exp(1 - u)`, `u = x^2/3.7`.
/// Slope is added where tanh saturates and dropout's noise adds it, not in
/// tanh's linear middle. `GaafTanhShoulder::<f32>::default()` uses
/// `K = 10,000`.
///
/// Gradient gain ([`crate::GradientGain`]) with nets `N(0, 1)`: 2.12 in mean
/// squared slope, 1.45 per layer on the backward signal.
///
/// ```
/// use gaaf_shapes::{Differentiable, GaafTanhShoulder, GradientGain, Tanh};
///
/// let act = GaafTanhShoulder::<f64>::default();
/// assert!((act.derivative(0.0) - 1.0).abs() < 1e-12); // tanh' alone at 0
/// assert!(act.derivative(2.0) > Tanh.derivative(2.0) + 0.9);
/// let gain = GradientGain::new(act.phi(), act.shape(), 1.0)?;
/// assert!((gain.power() - 2.12).abs() < 0.01);
/// # Ok::<(), gaaf_shapes::Error>(())
/// ```
pub type GaafTanhShoulder<F> = Gaaf<Tanh, ShoulderBump<F>, F>;

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

/// GAAF for ReLU with slope on its saturated side only, with `K = 10,000`
/// ([`GaafRelu`], whose docs say why it is the default).
///
/// ```
/// use gaaf_shapes::{gaaf_relu, Differentiable};
///
/// let act = gaaf_relu::<f64>();
/// assert!((act.derivative(2.0) - 1.0).abs() < 1e-12);
/// assert!(act.derivative(-0.2) > 0.8);
/// ```
pub fn gaaf_relu<F: Real>() -> GaafRelu<F> {
    Gaaf::new(Relu, LeftOf::relu_saturation(), GradAccel::paper())
}

/// The paper's GAAF for ReLU, with `K = 10,000` ([`GaafReluPaper`]; 2.05
/// gradient gain per layer against [`gaaf_relu`]'s 1.12).
///
/// ```
/// use gaaf_shapes::{gaaf_relu_paper, Differentiable};
///
/// let act = gaaf_relu_paper::<f64>();
/// assert!((act.derivative(-0.5) - 0.5).abs() < 1e-4);
/// assert!(act.derivative(2.0) > 1.99);
/// ```
pub fn gaaf_relu_paper<F: Real>() -> GaafReluPaper<F> {
    Gaaf::new(Relu, ShiftedSigmoid::paper_relu(), GradAccel::paper())
}

/// The GAAF for tanh with the shoulder shape, with `K = 10,000`
/// ([`GaafTanhShoulder`]).
///
/// ```
/// use gaaf_shapes::{gaaf_tanh_shoulder, Differentiable};
///
/// assert!(gaaf_tanh_shoulder::<f32>().derivative(1.92) > 1.0);
/// ```
pub fn gaaf_tanh_shoulder<F: Real>() -> GaafTanhShoulder<F> {
    Gaaf::new(Tanh, ShoulderBump::tanh_shoulders(), GradAccel::paper())
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
