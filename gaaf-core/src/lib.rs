//! The math of **gradient acceleration in activation functions** (GAAF), from
//! Hahn & Choi, "Understanding Dropout as an Optimization Trick": `no_std`, no
//! allocation, generic over `f32` and `f64`.
//!
//! GAAF replaces an activation `phi` by `phi_new(x) = phi(x) + g(x) * s(x)`
//! (Eq. 8), where `g(x) = (x*K - floor(x*K) - 0.5) / K` (Eq. 7) is a sawtooth
//! whose value stays below `1/K` but whose slope is 1, and `s` is a shape
//! function that says where the extra slope goes. The forward pass is almost
//! unchanged; the backward pass gains `s(x)` of slope, also where `phi`
//! saturates.
//!
//! # Core types
//!
//! - [`Differentiable`]: a scalar function with its derivative, the contract every
//!   kernel takes. `gaaf-shapes` implements it for the standard activations and
//!   shapes.
//! - [`GradAccel`]: `g` of Eq. 7, with its frequency constant `K` checked once.
//! - [`Gaaf`]: the fused `phi + g*s` of Eq. 8 and its exact derivative
//!   `phi' + s + g*s'`; itself [`Differentiable`].
//! - [`kernel`]: one-pass slice kernels (forward, backward from the saved input,
//!   in place, accumulating; and for training, a forward that also saves the
//!   slope, with a backward that only multiplies by it) that agree with the
//!   scalar functions bit for bit.
//! - [`floor_fract`]: the fractional part `t - floor(t)`, written to vectorise.
//! - [`Real`]: `f32` and `f64` with `exp` and `tanh` that vectorise (`f32`).
//! - [`Error`]: the crate's error type.
//! - [`dispatch::machine`] (with `std`): the CPU, its vector extensions and
//!   the kernel build this crate runs there, as benchmarks and reports state them.
//!
//! # Example
//!
//! ```
//! use gaaf_core::{kernel, Differentiable, Gaaf, GradAccel};
//!
//! /// `tanh`, the activation.
//! struct Tanh;
//! impl Differentiable<f32> for Tanh {
//!     fn value(&self, x: f32) -> f32 { x.tanh() }
//!     fn derivative(&self, x: f32) -> f32 { 1.0 - x.tanh() * x.tanh() }
//! }
//! /// `s(x) = exp(-x^2 / 3.7)`, the paper's shape for tanh.
//! struct Bell;
//! impl Differentiable<f32> for Bell {
//!     fn value(&self, x: f32) -> f32 { (-x * x / 3.7).exp() }
//!     fn derivative(&self, x: f32) -> f32 { -2.0 * x / 3.7 * (-x * x / 3.7).exp() }
//! }
//!
//! let act = Gaaf::new(Tanh, Bell, GradAccel::new(10_000.0)?);
//! let x = [-3.0_f32, -0.5, 0.0, 2.5];
//! let mut y = [0.0; 4];
//! kernel::forward(&act, &x, &mut y)?;
//! let dy = [1.0; 4];
//! let mut dx = [0.0; 4];
//! kernel::backward(&act, &x, &dy, &mut dx)?;
//! for i in 0..4 {
//!     assert!((y[i] - x[i].tanh()).abs() <= 0.5e-4);
//!     // At x = 2.5, tanh' = 0.027 but GAAF's slope is about 0.21.
//!     assert!(dx[i] > Tanh.derivative(x[i]));
//! }
//! # Ok::<(), gaaf_core::Error>(())
//! ```
//!
//! # Feature flags
//!
//! - `std` (default): runtime CPU-feature dispatch for the [`kernel`]s. On
//!   `x86_64` each kernel's loop is also built for AVX2 + FMA and for AVX-512
//!   (with the `multiversion` crate), and the first call picks the widest build
//!   the CPU runs (see [`kernel`]'s *Instruction sets*), so a default build
//!   gets 8 or 16 `f32` lanes instead of SSE2's 4 without
//!   `-C target-cpu=native`. Results are bit for bit the same in every build.
//!   [`Real`]'s `f32` `exp` and `tanh` use fused multiply-adds (`mul_add`):
//!   one instruction in those builds, a C library call each in a baseline
//!   build on a CPU without FMA (x86-64 CPUs before AVX2), where the kernels
//!   run 11x (GAAF-tanh) to 19x (tanh) slower than they did without them
//!   (the SSE2 build, measured with the workspace's gaaf-bench), with the
//!   same results.
//!
//! Without `std` (`default-features = false`) the crate is `#![no_std]`, needs
//! no allocator, and the kernels have one build, for the compilation target.
//! Transcendental functions, and the fused multiply-adds of [`Real`]'s `f32`
//! `exp` and `tanh`, come from `num-traits` with its `libm` feature (or from
//! `std` when another crate in the build enables `num-traits/std`).
#![no_std]
// `deny`, not `forbid`: the `std` dispatch (`dispatch::run`) needs one narrowly
// scoped `allow`, for the calls into its `#[target_feature]` builds.
#![deny(unsafe_code)]

// Runtime feature detection (`is_x86_feature_detected!`) is in `std` only.
#[cfg(feature = "std")]
extern crate std;

mod accel;
mod differentiable;
pub mod dispatch;
mod error;
mod fract;
mod fused;
pub mod kernel;
mod real;

pub use accel::{GradAccel, PAPER_K};
pub use differentiable::Differentiable;
pub use error::Error;
pub use fract::floor_fract;
pub use fused::Gaaf;
pub use num_traits::Float;
pub use real::Real;
