//! Plain activations on `gaaf-core`'s kernels: [`FastTanh`], [`FastSigmoid`]
//! and [`FastRelu`], drop-ins for dfdx's `Tanh`, `Sigmoid` and `ReLU`.
//!
//! dfdx 0.13's CPU `tanh` calls the C library's `tanhf` once per element,
//! which does not vectorise; `gaaf-core`'s runs 8 or 16 lanes at a time
//! (`docs/benchmarks.md`). A model compared with a GAAF model must run the
//! same `tanh`, or the comparison of their speeds measures the `tanh`, not
//! GAAF: these modules are that same `tanh`, without the `g*s` term.

use crate::GaafDevice;
use dfdx::nn::{Module, NonMutableModule, ZeroSizedModule};
use dfdx::shapes::{Dtype, Shape};
use dfdx::tensor::{Tape, Tensor};
use gaaf_shapes::{Relu, Sigmoid, Tanh};

/// The element-wise function `F` as a dfdx module without parameters.
///
/// On [`Cpu`](dfdx::tensor::Cpu) it is the same fused op as [`Gaaf`](crate::Gaaf)
/// ([`try_gaaf`](crate::try_gaaf)): one pass forward that also saves the slope,
/// one multiply-add pass backward, values and gradients bit-identical to
/// `F`'s scalar `value` and `derivative`. On `Cuda` (feature `cuda`) the
/// aliases below run dfdx's own kernels.
///
/// ```
/// use dfdx::prelude::*;
/// use gaaf_core::Differentiable;
/// use gaaf_dfdx::FastTanh;
///
/// // The paper's MNIST model with a tanh that vectorises.
/// type Mlp = (
///     (Linear<784, 512>, FastTanh),
///     (Linear<512, 256>, FastTanh),
///     Linear<256, 10>,
/// );
/// let dev = Cpu::default();
/// let model = dev.build_module::<Mlp, f32>();
/// let x: Tensor<Rank2<2, 784>, f32, _> = dev.sample_normal();
/// assert_eq!(model.forward(x).shape(), &(Const::<2>, Const::<10>));
///
/// let x = dev.tensor([-2.0_f32, 0.5]);
/// let y = FastTanh::default().forward(x).array();
/// assert_eq!(y[0], gaaf_shapes::Tanh.value(-2.0));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Elementwise<F>(pub F);

/// `tanh` on `gaaf-core`'s kernel, in place of dfdx's `Tanh`.
pub type FastTanh = Elementwise<Tanh>;
/// The logistic sigmoid on `gaaf-core`'s kernel, in place of dfdx's
/// `Sigmoid`.
pub type FastSigmoid = Elementwise<Sigmoid>;
/// `max(x, 0)` on `gaaf-core`'s kernel, in place of dfdx's `ReLU`; its
/// derivative at 0 is 0, as dfdx's.
pub type FastRelu = Elementwise<Relu>;

impl<F: Default> ZeroSizedModule for Elementwise<F> {}
impl<F> NonMutableModule for Elementwise<F> {}

impl<F, Sh, E, D, T> Module<Tensor<Sh, E, D, T>> for Elementwise<F>
where
    Sh: Shape,
    E: Dtype,
    D: GaafDevice<E, F>,
    T: Tape<E, D>,
{
    type Output = Tensor<Sh, E, D, T>;
    type Error = D::Err;

    fn try_forward(&self, input: Tensor<Sh, E, D, T>) -> Result<Self::Output, D::Err> {
        D::try_gaaf(&self.0, input)
    }
}
