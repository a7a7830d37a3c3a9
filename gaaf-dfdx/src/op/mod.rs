//! The GAAF op: `y = phi_new(x)` with the backward `dx += dy * phi_new'(x)`,
//! one implementation per dfdx device.

mod cpu;
#[cfg(feature = "cuda")]
mod cuda;

use dfdx::shapes::{Dtype, Shape};
use dfdx::tensor::{Tape, Tensor};
use dfdx::tensor_ops::Device;

/// A dfdx device that can apply the element-wise function `F` as one op with
/// its backward on the tape.
///
/// - [`dfdx::tensor::Cpu`] implements it for every
///   [`Differentiable`](gaaf_core::Differentiable) function, [`gaaf_core::Gaaf`]
///   among them (`f32` and `f64`): one fused pass forward and one backward,
///   with `gaaf-core`'s slice kernels.
/// - `dfdx::tensor::Cuda` (feature `cuda`) implements it for every
///   [`gaaf_core::Gaaf`] whose activation and shape are [`TensorFn`]s, composed
///   from dfdx's own CUDA ops ([`try_gaaf_composed`]).
///
/// [`TensorFn`]: crate::TensorFn
/// [`try_gaaf_composed`]: crate::try_gaaf_composed
pub trait GaafDevice<E: Dtype, F>: Device<E> {
    /// `f` applied element-wise to `x`, its backward recorded on `x`'s tape.
    ///
    /// # Errors
    ///
    /// The device's error (allocation failure).
    fn try_gaaf<S: Shape, T: Tape<E, Self>>(
        f: &F,
        x: Tensor<S, E, Self, T>,
    ) -> Result<Tensor<S, E, Self, T>, Self::Err>;
}

/// `f` applied element-wise to `x` on any [`GaafDevice`], with its backward on
/// the tape: the function behind the [`Gaaf`](crate::Gaaf) module.
///
/// # Errors
///
/// The device's error (allocation failure).
///
/// ```
/// use dfdx::prelude::*;
/// use gaaf_dfdx::try_gaaf;
///
/// let dev = Cpu::default();
/// let x = dev.tensor([-3.0_f32, 0.0, 3.0]);
/// let f = gaaf_shapes::gaaf_tanh::<f32>();
/// let y = try_gaaf(&f, x.leaky_trace())?;
/// let g = y.sum().backward();
/// // tanh'(3) = 0.0099; GAAF adds exp(-9/3.7) = 0.088.
/// assert!((g.get(&x).array()[2] - 0.0979).abs() < 1e-3);
/// # Ok::<(), CpuError>(())
/// ```
pub fn try_gaaf<F, S: Shape, E: Dtype, D: GaafDevice<E, F>, T: Tape<E, D>>(
    f: &F,
    x: Tensor<S, E, D, T>,
) -> Result<Tensor<S, E, D, T>, D::Err> {
    D::try_gaaf(f, x)
}
