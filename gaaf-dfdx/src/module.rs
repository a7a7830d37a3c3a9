//! The dfdx modules: [`Gaaf`] and its aliases for the paper's activations.

use crate::{Error, GaafDevice};
use dfdx::nn::{Module, NonMutableModule, ZeroSizedModule};
use dfdx::shapes::{Dtype, Shape};
use dfdx::tensor::{Tape, Tensor};
use gaaf_core::{Float, GradAccel};

/// A dfdx module that applies the GAAF function `F` element-wise with its
/// exact derivative, in a model tuple exactly where `Tanh` or `ReLU` would go.
///
/// `F` is a [`gaaf_core::Gaaf`], the GAAF activation `phi + g*s` (Eq. 8):
/// see [`GaafTanh`], [`GaafRelu`] and [`GaafOf`]. On the CPU any
/// [`Differentiable`](gaaf_core::Differentiable) function works (activation
/// and shape of your own included); on CUDA activation and shape must be
/// [`TensorFn`](crate::TensorFn)s ([`GaafDevice`]).
///
/// Like dfdx's built-in activations it is its own builder (a
/// [`ZeroSizedModule`]): building a model, [`ToDevice`](dfdx::nn::ToDevice)
/// and [`ToDtype`](dfdx::nn::ToDtype) give `F::default()`, i.e. the paper's
/// constants. To use another `K` or shape, set the module after building, as
/// in the example. The module's dtype parameter fixes the tensor dtype it
/// accepts: `GaafTanh` (`f32`) or `GaafTanh<f64>`.
///
/// The name matches `gaaf_core::Gaaf` (the function) on purpose: this is that
/// function as a dfdx module.
///
/// # Example
///
/// ```
/// use dfdx::prelude::*;
/// use gaaf_dfdx::GaafTanh;
///
/// type Mlp = ((Linear<4, 8>, GaafTanh), Linear<8, 2>);
/// let dev = Cpu::default();
/// let mut model = dev.build_module::<Mlp, f32>();
/// // A smaller K than the paper's 10,000.
/// model.0 .1 = GaafTanh::default().with_k(100.0)?;
/// assert_eq!(model.0 .1.function().accel().k(), 100.0);
///
/// let x: Tensor<Rank2<3, 4>, f32, _> = dev.sample_normal();
/// let y = model.forward(x.leaky_trace());
/// let grads = y.square().mean().backward();
/// assert!(grads.get(&model.0 .0.weight).as_vec().iter().any(|g| *g != 0.0));
/// # Ok::<(), gaaf_dfdx::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Gaaf<F> {
    f: F,
}

/// GAAF on tanh with the paper's exponential shape, `tanh + g * exp(-x^2/3.7)`,
/// `K = 10,000`: the module for `gaaf_shapes::GaafTanh`. `E` is the tensor
/// dtype (`f32` or `f64`).
pub type GaafTanh<E = f32> = Gaaf<gaaf_shapes::GaafTanh<E>>;

/// GAAF on ReLU with the paper's shifted-sigmoid shape,
/// `relu + g * sigmoid(5 (x + 0.5))`, `K = 10,000`: the module for
/// `gaaf_shapes::GaafRelu`.
pub type GaafRelu<E = f32> = Gaaf<gaaf_shapes::GaafRelu<E>>;

/// GAAF on any activation `P` with any shape `S` (from `gaaf-shapes` or your
/// own). `Default` (and so the builders) uses `P::default()`,
/// `S::default()` and `K = 10,000`; [`Gaaf::new`] takes all three.
///
/// ```
/// use dfdx::prelude::*;
/// use gaaf_dfdx::GaafOf;
/// use gaaf_shapes::{GaussianBump, GradAccel, Sigmoid};
///
/// type Act = GaafOf<Sigmoid, GaussianBump<f32>>;
/// let act = Act::new(Sigmoid, GaussianBump::new(0.2, 0.0, 8.0)?, GradAccel::new(1e4)?);
/// let dev = Cpu::default();
/// let x = dev.tensor([0.0_f32, 1.0]);
/// let y = act.forward(x.leaky_trace());
/// let g = y.sum().backward();
/// assert!((g.get(&x).array()[0] - 0.45).abs() < 1e-3);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub type GaafOf<P, S, E = f32> = Gaaf<gaaf_core::Gaaf<P, S, E>>;

impl<F> Gaaf<F> {
    /// The module applying `f` (a [`gaaf_core::Gaaf`]).
    pub fn from_fn(f: F) -> Self {
        Self { f }
    }

    /// The function the module applies.
    pub fn function(&self) -> &F {
        &self.f
    }
}

impl<P, S, E: Float> Gaaf<gaaf_core::Gaaf<P, S, E>> {
    /// `phi + g*s` from its three parts.
    pub fn new(phi: P, shape: S, accel: GradAccel<E>) -> Self {
        Self::from_fn(gaaf_core::Gaaf::new(phi, shape, accel))
    }

    /// The same module with frequency constant `k` in `g` (Eq. 7).
    ///
    /// # Errors
    ///
    /// [`Error::Core`] unless `k` is finite and positive.
    pub fn with_k(self, k: E) -> Result<Self, Error> {
        Ok(Self::from_fn(self.f.with_accel(GradAccel::new(k)?)))
    }
}

impl<F: Default> ZeroSizedModule for Gaaf<F> {}
impl<F> NonMutableModule for Gaaf<F> {}

impl<F, S: Shape, E: Dtype, D: GaafDevice<E, F>, T: Tape<E, D>> Module<Tensor<S, E, D, T>>
    for Gaaf<F>
{
    type Output = Tensor<S, E, D, T>;
    type Error = D::Err;

    fn try_forward(&self, input: Tensor<S, E, D, T>) -> Result<Self::Output, D::Err> {
        D::try_gaaf(&self.f, input)
    }
}
