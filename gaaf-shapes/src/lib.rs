//! Activations and shape functions for GAAF, **gradient acceleration in
//! activation functions** (Hahn & Choi, "Understanding Dropout as an
//! Optimization Trick"): `no_std`, no allocation, `f32` and `f64`.
//!
//! GAAF turns an activation `phi` into `phi + g*s` (Eq. 8); `gaaf-core` holds
//! `g` and the fused math, this crate the `phi` and the `s` to plug in.
//!
//! # Core types
//!
//! - [`Activation`]: an activation with its slope and curvature, and its mean
//!   slope under Gaussian noise. Implemented by [`Tanh`], [`Relu`], [`Sigmoid`]
//!   and [`Identity`].
//! - [`ShapeFn`]: a shape function `s`. The paper's shapes:
//!   [`GaussianBump::paper_tanh`] for tanh (`exp(-x^2/3.7)`, which the paper
//!   calls "an exponential function") and [`ShiftedSigmoid::paper_relu`] for
//!   ReLU (`sigmoid(5 (x + 0.5))`); also [`Constant`], and
//!   [`ShoulderBump`], zero at the centre with its peaks on tanh's
//!   shoulders (the control that tells gradient in the saturated areas from
//!   a steeper middle, i.e. a larger learning rate), and [`LeftOf`], a shape
//!   kept only left of an edge: [`LeftOf::relu_saturation`] is the paper's
//!   ReLU shape on ReLU's saturated side only, the shape of [`GaafRelu`].
//! - [`GradientGain`]: what a GAAF activation does to the backward signal,
//!   `E[phi_new'^2] / E[phi'^2]` for Gaussian nets, per layer and over a
//!   depth, known before training.
//! - [`DropoutMatched`]: beyond the paper, the shape that supplies the slope
//!   dropout's noise would (Eq. 6), from a noise level or a dropout rate
//!   ([`dropout_sigma`]), computed with [`GaussHermite`] quadrature;
//!   [`DropoutMatchedTanh`], the same shape for tanh as a fitted formula that
//!   slice kernels vectorise (the one to train with); and [`Tabulated`],
//!   which makes any costly shape O(1) per element.
//! - [`gaaf`], [`gaaf_tanh`], [`gaaf_relu`], [`gaaf_relu_paper`],
//!   [`gaaf_tanh_shoulder`], [`gaaf_dropout_matched`]: the
//!   combinator `phi + g*s`, which is `gaaf-core`'s [`Gaaf`] and is itself
//!   [`Differentiable`], so GAAF goes wherever an activation goes.
//!   [`GaafRelu`] is ReLU with the paper's shape on its saturated side only
//!   (gradient gain 1.12 per layer); [`GaafReluPaper`] is the paper's shape
//!   everywhere (2.05 per layer, which diverges 12 layers deep without batch
//!   normalisation). The modules of the same names in `gaaf-dfdx` and
//!   `gaaf-candle` (`GaafTanh`, `GaafRelu`, `GaafReluPaper`, `Gaaf`) are
//!   these functions as framework modules, for `f32` and `f64` tensors
//!   alike.
//! - [`GaafTwins`] and [`Recast`]: one GAAF activation defined with `f64`
//!   parameters together with its `f32` twin, what those modules hold; and
//!   the same function with its constants in another float type.
//! - [`probe_points`]: inputs off the jumps of `g`, where finite differences
//!   check GAAF's gradient.
//! - [`Error`]: the crate's error type.
//!
//! The paper gives no formulas for its shapes; the defaults here are fits to
//! its Fig. 5, and every constant is a parameter.
//!
//! # Example
//!
//! ```
//! use gaaf_shapes::{gaaf_tanh, kernel, Differentiable, Tanh};
//!
//! let act = gaaf_tanh::<f32>();
//! let x = [-4.0_f32, -2.0, 0.0, 2.0, 4.0];
//! let mut y = [0.0; 5];
//! kernel::forward(&act, &x, &mut y)?;
//! let mut dx = [1.0; 5]; // dy, overwritten with dx
//! kernel::backward_in_place(&act, &x, &mut dx)?;
//! for i in 0..5 {
//!     // The forward pass moves by less than 0.5/K ...
//!     assert!((y[i] - x[i].tanh()).abs() <= 0.5e-4 + f32::EPSILON);
//!     // ... while the slope gains s(x) = exp(-x^2/3.7).
//!     let gain = dx[i] - Tanh.derivative(x[i]);
//!     assert!((gain - (-x[i] * x[i] / 3.7).exp()).abs() < 1e-3);
//! }
//! # Ok::<(), gaaf_core::Error>(())
//! ```
//!
//! # Feature flags
//!
//! - `std` (default): enables `gaaf-core/std`, runtime CPU-feature dispatch of
//!   the re-exported [`kernel`]s (AVX2 + FMA or AVX-512 where the CPU has
//!   them; results bit for bit the same as without).
//!
//! Without `std` (`default-features = false`) the crate is `#![no_std]` and
//! needs no allocator.
#![no_std]
#![forbid(unsafe_code)]

mod activation;
mod constant;
mod dropout_matched;
mod dropout_matched_tanh;
mod error;
mod gaaf;
mod gain;
mod gaussian_bump;
mod left_of;
mod probe;
mod quadrature;
mod recast;
mod shape_fn;
mod shifted_sigmoid;
mod shoulder_bump;
mod tabulated;
mod twins;

pub use activation::{Activation, Identity, Relu, Sigmoid, Tanh};
pub use constant::Constant;
pub use dropout_matched::{dropout_sigma, DropoutMatched, DropoutScaling, DEFAULT_NODES};
pub use dropout_matched_tanh::{DropoutMatchedTanh, FIT_TERMS, MAX_FIT_SIGMA};
pub use error::Error;
pub use gaaf::{
    gaaf, gaaf_dropout_matched, gaaf_relu, gaaf_relu_paper, gaaf_tanh, gaaf_tanh_shoulder,
    GaafDropoutMatched, GaafRelu, GaafReluPaper, GaafTanh, GaafTanhShoulder,
};
pub use gain::GradientGain;
pub use gaussian_bump::{GaussianBump, PAPER_TANH_WIDTH};
pub use left_of::LeftOf;
pub use probe::probe_points;
pub use quadrature::GaussHermite;
pub use recast::Recast;
pub use shape_fn::ShapeFn;
pub use shifted_sigmoid::{ShiftedSigmoid, PAPER_RELU_SHIFT, PAPER_RELU_SLOPE};
pub use shoulder_bump::ShoulderBump;
pub use tabulated::Tabulated;
pub use twins::{Gaaf32, GaafTwins, Twin};

pub use gaaf_core::{kernel, Differentiable, Float, Gaaf, GradAccel, Real, PAPER_K};
