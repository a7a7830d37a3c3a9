//! GAAF, **gradient acceleration in activation functions** (Hahn & Choi,
//! "Understanding Dropout as an Optimization Trick"), for
//! [burn](https://burn.dev) 0.22: modules that go where `burn::nn::Tanh` or
//! `Relu` would, on every burn backend.
//!
//! GAAF replaces an activation `phi` by `phi + g*s` (Eq. 8): the forward pass
//! moves by less than `0.5/K * s(x)`, while the backward gains `s(x)` of
//! slope, also where `phi` saturates. The math lives in `gaaf-core` and
//! `gaaf-shapes`; this crate runs it on burn tensors.
//!
//! # Core types
//!
//! - [`Gaaf`]: the module (`burn::module::Module`), GAAF on an activation
//!   `P` with a shape `S` given with `f64` parameters, for `f32` and `f64`
//!   tensors; its aliases [`GaafTanh`] (`Default`: the paper's shape),
//!   [`GaafRelu`] (`Default`: the paper's shape on ReLU's saturated side
//!   only, gradient gain 1.12 per layer), [`GaafReluPaper`] (the paper's
//!   shape, 2.05 per layer) and [`GaafTanhShoulder`], all with `K = 10,000`.
//!   Constructors [`Gaaf::new`]`(phi, shape, accel)`, [`Gaaf::with_k`],
//!   [`Gaaf::with_shape`]; accessors [`Gaaf::activation`], [`Gaaf::shape`],
//!   [`Gaaf::k`]: the names, constructors and defaults of `gaaf-dfdx` and
//!   `gaaf-candle`. `K` and the shape are in the module's record.
//! - [`GaafTanhConfig`], [`GaafReluConfig`], [`GaafReluPaperConfig`],
//!   [`GaafTanhShoulderConfig`]: burn `Config`s with `init()`.
//! - [`gaaf_composed`] and [`TensorFn`]: GAAF from burn's own tensor ops,
//!   `phi(x) + s(x) * (g(x_d) + (x - x_d))` with `x_d` detached, which any
//!   backend runs with exact gradients (burn has `floor` and `detach`
//!   everywhere).
//! - [`GaafBackend`] (feature `ndarray`): GAAF as a burn backend extension,
//!   one fused pass forward and one backward on the ndarray backend, plain
//!   and under autodiff, on `gaaf-core`'s slice kernels: values and
//!   gradients bit-identical to its scalar functions. [`Gaaf::forward`]
//!   uses it on ndarray devices by itself.
//! - [`Error`]: the crate's error type.
//!
//! # Example
//!
//! A small model with GAAF-ReLU where `Relu` would be, trained with SGD:
//!
//! ```
//! use burn::module::Module;
//! use burn::nn::{Linear, LinearConfig};
//! use burn::optim::{GradientsParams, ModuleOptimizer, SgdConfig};
//! use burn::tensor::{Device, Distribution, Tensor};
//! use gaaf_burn::GaafRelu;
//!
//! #[derive(Module, Debug)]
//! struct Net {
//!     l1: Linear,
//!     act: GaafRelu,
//!     l2: Linear,
//! }
//!
//! impl Net {
//!     fn forward(&self, x: Tensor<2>) -> Tensor<2> {
//!         self.l2.forward(self.act.forward(self.l1.forward(x)))
//!     }
//! }
//!
//! let device = Device::ndarray().autodiff();
//! device.seed(0);
//! let mut net = Net {
//!     l1: LinearConfig::new(8, 32).init(&device),
//!     act: GaafRelu::default(),
//!     l2: LinearConfig::new(32, 1).init(&device),
//! };
//! let x = Tensor::<2>::random([64, 8], Distribution::Normal(0.0, 1.0), &device);
//! let y = x.clone().square().sum_dim(1); // a target the ReLU net must bend to
//! let mse = |net: &Net| (net.forward(x.clone()) - y.clone()).square().mean();
//! let mut opt: ModuleOptimizer = SgdConfig::new().init();
//! let first = mse(&net).into_scalar::<f32>();
//! for _ in 0..100 {
//!     let grads = GradientsParams::from_grads(mse(&net).backward(), &net);
//!     net = opt.step(0.01, net, grads);
//! }
//! let last = mse(&net).into_scalar::<f32>();
//! assert!(last < 0.5 * first, "{first} -> {last}");
//! ```
//!
//! # Feature flags
//!
//! - `ndarray` (default): burn's ndarray backend and the fused op on it.
//! - `flex`, `wgpu`, `cuda`: burn's backends of those names, on which GAAF
//!   runs composed ([`gaaf_composed`]).
#![forbid(unsafe_code)]

mod composed;
mod config;
mod error;
#[cfg(feature = "ndarray")]
mod fused;
mod module;
mod tensor_fn;

pub use composed::gaaf_composed;
pub use config::{GaafReluConfig, GaafReluPaperConfig, GaafTanhConfig, GaafTanhShoulderConfig};
pub use error::Error;
#[cfg(feature = "ndarray")]
pub use fused::{FusedFn, GaafBackend};
pub use module::{Gaaf, GaafRelu, GaafReluPaper, GaafTanh, GaafTanhShoulder, Part};
pub use tensor_fn::TensorFn;

// The README's example runs as a doc test, so it cannot drift from the API.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct Readme;
