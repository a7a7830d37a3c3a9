//! GAAF, **gradient acceleration in activation functions** (Hahn & Choi,
//! "Understanding Dropout as an Optimization Trick"), for [candle](candle_core): custom
//! ops and modules that go where `candle_nn::Activation::Relu` or `.relu()`
//! would, and a convolution layer that trains fast on the CPU.
//!
//! GAAF replaces an activation `phi` by `phi + g*s` (Eq. 8): the forward pass
//! moves by less than `0.5/K * s(x)`, while the backward gains `s(x)` of
//! slope, also where `phi` saturates. The math lives in `gaaf-core` and
//! `gaaf-shapes`; this crate runs it on candle tensors, for the paper's
//! convolutional experiments.
//!
//! # Core types
//!
//! - [`Gaaf`]: the module (`candle_core::Module`), GAAF on an activation
//!   `P` with a shape `S` given with `f64` parameters, for `f32` and `f64`
//!   tensors; its aliases [`GaafTanh`] (`Default`: the paper's shape),
//!   [`GaafRelu`] (`Default`: the paper's shape on ReLU's saturated side
//!   only, gradient gain 1.12 per layer) and [`GaafReluPaper`] (`Default`:
//!   the paper's shape, 2.05 per layer, which diverges 12 layers deep
//!   without batch normalisation), all with `K = 10,000`, and
//!   [`GaafTanhShoulder`]; CPU and CUDA. Constructors:
//!   [`Gaaf::new`]`(phi, shape, accel)`, [`Gaaf::with_k`],
//!   [`Gaaf::with_shape`]; accessors [`Gaaf::activation`], [`Gaaf::shape`],
//!   [`Gaaf::k`]. `gaaf-dfdx`'s modules have the same names, constructors
//!   and defaults, and both are `gaaf_shapes::GaafTanh` and friends (the
//!   functions) as modules.
//! - [`gaaf`]: the op itself, a `CustomOp1` with **fused kernels**: on the
//!   CPU, `gaaf-core`'s slice kernels (values and gradients bit-identical to
//!   its scalar `value` and `derivative`); on CUDA, a CUDA C kernel compiled
//!   at run time with NVRTC. The backward is a second op on `(x, dy)`, one
//!   pass from the saved input, exact `phi' + s + g*s'` on every device.
//!   `f32` and `f64`; other dtypes are a candle error.
//! - [`CudaKernel`]: which CUDA kernel, with which constants, an activation
//!   runs as.
//! - [`conv`]: [`conv::Conv2d`], [`conv::conv2d`] (as `candle_nn::conv2d`)
//!   and [`conv::conv2d_im2col`]: convolution as im2col + GEMM on the CPU,
//!   a training step faster than with candle's `conv2d` on one thread (the
//!   crate README gives the measurement); candle's `conv2d` on other
//!   devices.
//! - [`FastTanh`], [`FastSigmoid`], [`FastRelu`] ([`Elementwise`]): the
//!   plain activations on the same CPU kernels (candle's own op elsewhere,
//!   [`OwnOp`]), drop-ins for candle's `tanh`, `sigmoid` and `relu`, so that
//!   a baseline runs the same `tanh` as GAAF.
//! - [`Error`]: the crate's error type (configuration; forward and backward
//!   return `candle_core::Error`, into which it converts).
//!
//! # Example
//!
//! A small model with GAAF-ReLU where `.relu()` would be, trained with SGD:
//!
//! ```
//! use candle_core::{DType, Device, Module, Tensor};
//! use candle_nn::{linear, loss, Optimizer, VarBuilder, VarMap, SGD};
//! use gaaf_candle::GaafRelu;
//!
//! let dev = Device::Cpu;
//! let vars = VarMap::new();
//! let vb = VarBuilder::from_varmap(&vars, DType::F32, &dev);
//! let model = candle_nn::seq()
//!     .add(linear(8, 32, vb.pp("l1"))?)
//!     .add(GaafRelu::default())
//!     .add(linear(32, 1, vb.pp("l2"))?);
//! let x = Tensor::randn(0f32, 1.0, (64, 8), &dev)?;
//! let y = x.sqr()?.sum_keepdim(1)?; // a target the ReLU net must bend to
//! let mut opt = SGD::new(vars.all_vars(), 0.01)?;
//! let first = loss::mse(&model.forward(&x)?, &y)?.to_scalar::<f32>()?;
//! for _ in 0..100 {
//!     let l = loss::mse(&model.forward(&x)?, &y)?;
//!     opt.backward_step(&l)?;
//! }
//! let last = loss::mse(&model.forward(&x)?, &y)?.to_scalar::<f32>()?;
//! assert!(last < 0.5 * first, "{first} -> {last}");
//! # Ok::<(), candle_core::Error>(())
//! ```
//!
//! # Feature flags
//!
//! - `cuda` (off by default): candle's CUDA device (`candle-core/cuda`) and
//!   this crate's CUDA kernels for [`GaafTanh`], [`GaafRelu`] and the rest
//!   of [`CudaKernel`]'s activations. Building it
//!   needs a CUDA toolkit (nvcc and headers); running needs the NVIDIA
//!   driver and NVRTC (`libnvrtc.so`) on the library path. The CUDA test
//!   compares the op and the convolution on the GPU with the CPU, values and
//!   gradients; on a machine with a GPU:
//!
//!   ```text
//!   cargo test -p gaaf-candle --features cuda --test cuda -- --ignored --nocapture
//!   ```
//!
//!   The example `cuda_bandwidth` times the kernels against a device copy
//!   (`cargo run --release -p gaaf-candle --features cuda --example
//!   cuda_bandwidth`).
//!
//!   Only activations with a [`CudaKernel`] run on CUDA; [`conv::Conv2d`]
//!   uses candle's own CUDA convolution there.
#![cfg_attr(not(feature = "cuda"), forbid(unsafe_code))]
// Launching a CUDA kernel is `unsafe` in cudarc; that one module allows it.
#![cfg_attr(feature = "cuda", deny(unsafe_code))]

pub mod conv;
mod error;
mod fast;
mod module;
mod op;

pub use error::Error;
pub use fast::{Elementwise, FastRelu, FastSigmoid, FastTanh, OwnOp};
pub use module::{Gaaf, GaafRelu, GaafReluPaper, GaafTanh, GaafTanhShoulder};
pub use op::{gaaf, gaaf_backward, CudaKernel};

// The README's example runs as a doc test, so it cannot drift from the API.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct Readme;
