//! dfdx's CUDA device for MNIST runs (feature `cuda`): the model's
//! activations as gaaf-dfdx's CUDA paths (dfdx's own kernels), dropout masks
//! drawn on a seeded CPU generator and multiplied in on the GPU, and the
//! gradient statistic computed on the GPU. The dropout-matched and shoulder
//! variants have no CUDA path (their shapes run on the CPU only).

use super::{sealed, MnistDevice};
use crate::error::{Error, Result};
use crate::mnist::model::{CpuOnlyAct, Layers, Rows};
use dfdx::nn::ToDevice;
use dfdx::prelude::*;
use dfdx::tensor::{Cuda, CudaError};
use std::convert::Infallible;

/// Opens a handle on CUDA device `ordinal` (each run opens its own). Its own
/// generator (seed 0) draws nothing: weights and masks come from seeded CPU
/// generators (see the parent module).
///
/// # Errors
///
/// [`Error::DfdxCudaOpen`] when there is no CUDA driver, no such device, or
/// dfdx cannot open it.
pub(crate) fn open(ordinal: usize) -> Result<Cuda> {
    use cudarc::driver::result;
    let fail = |message: String| Error::DfdxCudaOpen {
        device: ordinal,
        message,
    };
    // dfdx's constructor panics (rather than failing) without a driver or
    // for a device number out of range: check both first.
    result::init().map_err(|e| fail(e.to_string()))?;
    let count = result::device::get_count().map_err(|e| fail(e.to_string()))?;
    if ordinal >= usize::try_from(count).unwrap_or(0) {
        return Err(fail(format!("this machine has {count} CUDA device(s)")));
    }
    Cuda::try_build(ordinal, 0).map_err(|e| fail(e.to_string()))
}

fn cuda_error(e: CudaError) -> Error {
    Error::DfdxCuda {
        message: e.to_string(),
    }
}

impl sealed::Sealed for Cuda {}

impl MnistDevice for Cuda {
    type CpuOnly = Infallible;

    fn init(&self, seed: u64) -> (Self, Layers<Self>) {
        let (_, layers) = Cpu::default().init(seed);
        (self.clone(), layers.to_device(self))
    }

    fn cpu_only_act(m: CpuOnlyAct) -> Result<Infallible> {
        Err(Error::Unsupported {
            variant: m.variant().name(),
            device: "cuda".to_string(),
        })
    }

    fn cpu_only<const N: usize, T: Tape<f32, Self>>(
        m: &Infallible,
        _: Rows<N, Self, T>,
    ) -> Rows<N, Self, T> {
        match *m {}
    }

    /// Computed on the GPU; one number comes back.
    fn grad_mean_abs<const O: usize, const I: usize>(
        grads: &mut Gradients<f32, Self>,
        w: &Tensor<Rank2<O, I>, f32, Self>,
    ) -> Result<f64> {
        grads.get_or_alloc_mut(w).map_err(cuda_error)?;
        let mean: Tensor<Rank0, f32, Cuda> = grads.get(w).abs().mean();
        Ok(f64::from(mean.array()))
    }

    fn device_error(e: CudaError) -> Error {
        cuda_error(e)
    }
}
