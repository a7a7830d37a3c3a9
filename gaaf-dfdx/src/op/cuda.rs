//! GAAF on dfdx's CUDA device, composed from dfdx's own CUDA ops.
//!
//! dfdx 0.13 keeps device buffers and its kernel traits private, so no custom
//! kernel can be registered; [`try_gaaf_composed`] builds Eq. 8 and its exact
//! derivative from dfdx's element-wise CUDA kernels instead.

use super::GaafDevice;
use crate::composed::{try_gaaf_composed, TensorFn};
use dfdx::shapes::{Dtype, Shape};
use dfdx::tensor::{Cuda, CudaError, Tape, Tensor};
use dfdx::tensor_ops::Device;
use gaaf_core::{Gaaf, Real};
use gaaf_shapes::{Relu, Sigmoid, Tanh};

impl<E, P, Sh> GaafDevice<E, Gaaf<P, Sh, E>> for Cuda
where
    E: Dtype + Real,
    P: TensorFn<E>,
    Sh: TensorFn<E>,
    Cuda: Device<E>,
{
    fn try_gaaf<S: Shape, T: Tape<E, Self>>(
        f: &Gaaf<P, Sh, E>,
        x: Tensor<S, E, Self, T>,
    ) -> Result<Tensor<S, E, Self, T>, CudaError> {
        try_gaaf_composed(f, x)
    }
}

/// The plain activations of [`crate::Elementwise`] on CUDA: dfdx's own
/// kernels (one each), through [`TensorFn`].
macro_rules! plain_on_cuda {
    ($($f:ty),*) => {$(
        impl<E: Dtype> GaafDevice<E, $f> for Cuda
        where
            Cuda: Device<E>,
        {
            fn try_gaaf<S: Shape, T: Tape<E, Self>>(
                f: &$f,
                x: Tensor<S, E, Self, T>,
            ) -> Result<Tensor<S, E, Self, T>, CudaError> {
                f.try_apply(x)
            }
        }
    )*};
}
plain_on_cuda!(Tanh, Sigmoid, Relu);
