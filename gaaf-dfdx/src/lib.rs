//! GAAF, **gradient acceleration in activation functions** (Hahn & Choi,
//! "Understanding Dropout as an Optimization Trick"), as [dfdx] 0.13 modules:
//! write [`GaafTanh`] or [`GaafRelu`] into a model exactly where `Tanh` or
//! `ReLU` goes.
//!
//! GAAF replaces an activation `phi` by `phi + g*s` (Eq. 8): the forward pass
//! moves by less than `0.5/K * s(x)`, while the backward gains `s(x)` of slope,
//! also where `phi` saturates. The math lives in `gaaf-core` and
//! `gaaf-shapes`; this crate puts it on dfdx's tape.
//!
//! # Core types
//!
//! - [`Gaaf`]: the module, GAAF on an activation `P` with a shape `S`
//!   given with `f64` parameters; its aliases [`GaafTanh`] (`Default`: the
//!   paper's shape), [`GaafRelu`] (`Default`: the paper's shape on ReLU's
//!   saturated side only, gradient gain 1.12 per layer) and
//!   [`GaafReluPaper`] (`Default`: the paper's shape, 2.05 per layer, which
//!   diverges 12 layers deep without batch normalisation), all with
//!   `K = 10,000`, and [`GaafTanhShoulder`]. It holds `K` and the
//!   shape as values, which survive `to_device`, `to_dtype` and dfdx's other
//!   conversions, and works for any tensor shape, `f32` and `f64`, with and
//!   without a tape. Constructors: [`Gaaf::new`]`(phi, shape, accel)`,
//!   [`Gaaf::with_k`], [`Gaaf::with_shape`]; accessors [`Gaaf::activation`],
//!   [`Gaaf::shape`], [`Gaaf::k`]. `gaaf-candle`'s modules have the same
//!   names, constructors and defaults, and both are `gaaf_shapes::GaafTanh`
//!   and friends (the functions) as modules.
//! - [`GaafDevice`] and [`try_gaaf`]: the op per device. On
//!   [`Cpu`](dfdx::tensor::Cpu) it is **one fused op**: the forward writes
//!   `phi_new(x)` and the backward computes `dx += dy * phi_new'(x)` from the
//!   saved input in one pass, with `gaaf-core`'s slice kernels, registered
//!   through dfdx's public tape API. dfdx keeps buffers private, so the forward
//!   copies its input once (`Tensor::copy_into`), which then serves as the
//!   saved input; the backward copies nothing. Values and gradients are
//!   bit-identical to `gaaf-core`'s scalar `value` and `derivative`. Any
//!   `gaaf_core::Differentiable` function runs this way, not only GAAF.
//! - [`TensorFn`] and [`try_gaaf_composed`]: GAAF built from dfdx's own ops,
//!   the path on CUDA. Its forward is Eq. 8 and its backward the exact
//!   derivative; `g` is computed without a `floor` op (dfdx 0.13 has none), by
//!   rounding, which can take the other side of `g`'s jump on the measure-zero
//!   set of integer `x*K` (see [`try_gaaf_composed`]).
//! - [`FastTanh`], [`FastSigmoid`], [`FastRelu`] ([`Elementwise`]): the plain
//!   activations on the same kernels, drop-ins for dfdx's `Tanh`, `Sigmoid`
//!   and `ReLU`. dfdx's CPU `tanh` is the C library's, one element at a
//!   time; a baseline compared with GAAF should run the same `tanh` as GAAF.
//! - [`Error`]: the crate's error type (configuration only; forward and
//!   backward report the device's error, as dfdx modules do).
//!
//! **Dense models only**: dfdx 0.13's `Conv2D` and pooling layers exist only
//! behind its `nightly` feature, which no longer compiles; GAAF itself works on
//! tensors of any shape.
//!
//! # Example
//!
//! The paper's MNIST model, with GAAF where `Tanh` would be:
//!
//! ```
//! use dfdx::prelude::*;
//! use gaaf_dfdx::GaafTanh;
//!
//! type Mlp = (
//!     (Linear<784, 512>, GaafTanh),
//!     (Linear<512, 256>, GaafTanh),
//!     (Linear<256, 256>, GaafTanh),
//!     Linear<256, 10>,
//! );
//! let dev = Cpu::default();
//! let model = dev.build_module::<Mlp, f32>();
//! let x: Tensor<Rank2<2, 784>, f32, _> = dev.sample_normal();
//! assert_eq!(model.forward(x).shape(), &(Const::<2>, Const::<10>));
//!
//! // The same model in f64, with K = 1,000 in the first layer.
//! let mut model = model.to_dtype::<f64>();
//! model.0 .1 = GaafTanh::default().with_k(1_000.0)?;
//! let x: Tensor<Rank2<2, 784>, f64, _> = dev.sample_normal();
//! assert_eq!(model.forward(x).shape(), &(Const::<2>, Const::<10>));
//! assert_eq!(model.to_device(&dev).0 .1.k(), 1_000.0);
//! # Ok::<(), gaaf_dfdx::Error>(())
//! ```
//!
//! Training a small one:
//!
//! ```
//! use dfdx::optim::{Adam, AdamConfig};
//! use dfdx::prelude::*;
//! use gaaf_dfdx::GaafTanh;
//!
//! type Mlp = (
//!     (Linear<8, 16>, GaafTanh),
//!     (Linear<16, 16>, GaafTanh),
//!     Linear<16, 2>,
//! );
//! let dev = Cpu::seed_from_u64(0);
//! let mut model = dev.build_module::<Mlp, f32>();
//! let mut grads = model.alloc_grads();
//! let mut opt = Adam::new(&model, AdamConfig::default());
//! let x: Tensor<Rank2<32, 8>, f32, _> = dev.sample_normal();
//! let target: Tensor<Rank2<32, 2>, f32, _> = dev.sample_normal();
//!
//! let loss0 = mse_loss(model.forward(x.clone()), target.clone()).array();
//! for _ in 0..50 {
//!     let y = model.forward(x.trace(grads));
//!     let loss = mse_loss(y, target.clone());
//!     grads = loss.backward();
//!     opt.update(&mut model, &grads).expect("unused parameters");
//!     model.zero_grads(&mut grads);
//! }
//! let loss = mse_loss(model.forward(x), target).array();
//! assert!(loss < 0.8 * loss0);
//! ```
//!
//! # Feature flags
//!
//! - `cuda` (off by default): the modules on dfdx's `Cuda` device, composed
//!   from dfdx's CUDA ops ([`try_gaaf_composed`]; about twelve element-wise
//!   kernels per GAAF layer against dfdx `Tanh`'s one). Building it needs a
//!   CUDA toolkit (nvcc and headers); binaries built with it need the
//!   NVIDIA driver (`libcuda.so.1`) to start. The CUDA test compares the
//!   modules on the GPU with the fused CPU op, values and gradients; on a
//!   machine with a GPU:
//!
//!   ```text
//!   cargo test -p gaaf-dfdx --features cuda --test cuda -- --ignored --nocapture
//!   ```
#![forbid(unsafe_code)]

mod collection;
mod composed;
mod error;
mod fast;
mod module;
mod op;

pub use composed::{try_gaaf_composed, TensorFn};
pub use error::Error;
pub use fast::{Elementwise, FastRelu, FastSigmoid, FastTanh};
pub use module::{Gaaf, GaafRelu, GaafReluPaper, GaafTanh, GaafTanhShoulder};
pub use op::{try_gaaf, GaafDevice};
