//! GAAF as a candle custom op: [`gaaf`], the public function, applies a
//! private forward op whose backward is a second private op.
//!
//! Why two ops: candle's `CustomOp1::bwd` must return the input gradient as a
//! tensor, built from tensor operations. Composing `phi' + s + g*s'` from
//! candle's element-wise ops would launch about a dozen kernels and keep as
//! many temporaries alive; one `CustomOp2` on `(x, dy)` computes
//! `dx = dy * phi_new'(x)` in one pass from the saved input instead, with
//! `gaaf-core`'s slice kernel on the CPU and a CUDA C kernel on the GPU.
//! The backward op is applied without a backward of its own
//! (`apply_op2_no_bwd`): training needs no second derivative, and a
//! gradient of a gradient through GAAF is not tracked.

mod cpu;
pub(crate) use cpu::elements;
#[cfg(feature = "cuda")]
mod cuda;

use crate::module::Fns;
use crate::Gaaf;
use candle_core::{CpuStorage, CustomOp1, CustomOp2, Layout, Result, Shape, Tensor};
use gaaf_shapes::{
    GaafTwins, GaussianBump, LeftOf, Recast, Relu, ShiftedSigmoid, ShoulderBump, Tanh, Twin,
};
use std::any::Any;
use std::sync::Arc;

/// The CUDA kernel a GAAF activation runs as on candle's CUDA device, with
/// the constants passed to it as kernel arguments.
///
/// The paper's two activation families and their saturation-only shapes
/// have CUDA kernels: a [`Gaaf`] on [`Tanh`] with a [`GaussianBump<f64>`]
/// (such as [`GaafTanh`](crate::GaafTanh)) or a [`ShoulderBump<f64>`]
/// ([`GaafTanhShoulder`](crate::GaafTanhShoulder)), and one on [`Relu`]
/// with a [`ShiftedSigmoid<f64>`] ([`GaafReluPaper`](crate::GaafReluPaper))
/// or one kept left of an edge, [`LeftOf<ShiftedSigmoid<f64>, f64>`]
/// ([`GaafRelu`](crate::GaafRelu)), whatever their
/// constants. Other activations and shapes have none and run on the CPU
/// only.
///
/// ```
/// use gaaf_candle::{CudaKernel, GaafRelu, GaafReluPaper};
///
/// let kernel = GaafReluPaper::default().cuda_kernel();
/// assert_eq!(kernel, Some(CudaKernel::Relu { k: 1e4, slope: 5.0, shift: 0.5 }));
/// let (slope, shift, edge) = (5.0, 0.5, 0.0);
/// let kernel = GaafRelu::default().cuda_kernel();
/// assert_eq!(kernel, Some(CudaKernel::ReluSaturation { k: 1e4, slope, shift, edge }));
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub enum CudaKernel {
    /// `tanh(x) + g(x) * height * exp(-(x - center)^2 / width)`.
    Tanh {
        /// The frequency constant `K` of `g` (Eq. 7).
        k: f64,
        /// Peak of the Gaussian bump.
        height: f64,
        /// Centre of the bump.
        center: f64,
        /// Width `w` in `exp(-(x - c)^2 / w)`.
        width: f64,
    },
    /// `relu(x) + g(x) * sigmoid(slope * (x + shift))`: the kernel of
    /// [`GaafReluPaper`](crate::GaafReluPaper).
    Relu {
        /// The frequency constant `K` of `g` (Eq. 7).
        k: f64,
        /// Steepness of the shifted sigmoid.
        slope: f64,
        /// Shift of the sigmoid (`s(-shift) = 0.5`).
        shift: f64,
    },
    /// `tanh(x) + g(x) * height * u * exp(1 - u)`, `u = x^2 / width`.
    TanhShoulder {
        /// The frequency constant `K` of `g` (Eq. 7).
        k: f64,
        /// Value at the peaks, `x = +-sqrt(width)`.
        height: f64,
        /// Width: the peaks sit at `+-sqrt(width)`.
        width: f64,
    },
    /// `relu(x) + g(x) * sigmoid(slope * (x + shift))` for `x <= edge`,
    /// `relu(x)` right of the edge: the kernel of [`GaafRelu`](crate::GaafRelu).
    ReluSaturation {
        /// The frequency constant `K` of `g` (Eq. 7).
        k: f64,
        /// Steepness of the shifted sigmoid.
        slope: f64,
        /// Shift of the sigmoid (`s(-shift) = 0.5`).
        shift: f64,
        /// Where the shape stops (0 for ReLU's kink).
        edge: f64,
    },
}

impl CudaKernel {
    /// The kernel for activation `phi` with `shape` and frequency constant
    /// `k`, if there is one. The module is generic over its parts, and Rust
    /// has no specialisation, so the parts are recognised by their type at
    /// run time, once, when the module is made.
    pub(crate) fn for_parts(phi: &dyn Any, shape: &dyn Any, k: f64) -> Option<Self> {
        if phi.is::<Tanh>() {
            if let Some(s) = shape.downcast_ref::<GaussianBump<f64>>() {
                return Some(CudaKernel::Tanh {
                    k,
                    height: s.height(),
                    center: s.center(),
                    width: s.width(),
                });
            }
            let s = shape.downcast_ref::<ShoulderBump<f64>>()?;
            return Some(CudaKernel::TanhShoulder {
                k,
                height: s.height(),
                width: s.width(),
            });
        }
        if phi.is::<Relu>() {
            if let Some(s) = shape.downcast_ref::<ShiftedSigmoid<f64>>() {
                return Some(CudaKernel::Relu {
                    k,
                    slope: s.slope(),
                    shift: s.shift(),
                });
            }
            let s = shape.downcast_ref::<LeftOf<ShiftedSigmoid<f64>, f64>>()?;
            return Some(CudaKernel::ReluSaturation {
                k,
                slope: s.inner().slope(),
                shift: s.inner().shift(),
                edge: s.edge(),
            });
        }
        None
    }
}

/// Applies the GAAF activation `act` to `x`, element-wise, with its exact
/// derivative `phi'(x) + s(x) + g(x) * s'(x)` in the backward pass.
///
/// `x` may have any shape and layout (strided, broadcast, offset views are
/// read through their layout on the CPU and made contiguous first on the
/// GPU); the result is a new contiguous tensor of the same shape and dtype.
///
/// # Errors
///
/// A [`candle_core::Error`] when `x` is neither `f32` nor `f64`
/// (`UnsupportedDTypeForOp`), or lives on a device without a kernel for
/// `act`: CUDA needs a [`CudaKernel`] (the `cuda` feature and GAAF on tanh
/// or ReLU with the paper's shape families); Metal has none.
///
/// # Example
///
/// ```
/// use candle_core::{Device, Tensor};
/// use gaaf_candle::{gaaf, GaafTanh};
/// use gaaf_shapes::Differentiable;
///
/// let act = GaafTanh::default();
/// let x = Tensor::new(&[-3.0_f32, 0.5, 2.0], &Device::Cpu)?;
/// let y = gaaf(&x, &act)?;
/// let want: Vec<f32> = [-3.0_f32, 0.5, 2.0].iter().map(|&v| act.function::<f32>().value(v)).collect();
/// assert_eq!(y.to_vec1::<f32>()?, want);
/// # Ok::<(), candle_core::Error>(())
/// ```
pub fn gaaf<P: Recast<f32>, S: Recast<f32>>(x: &Tensor, act: &Gaaf<P, S>) -> Result<Tensor>
where
    GaafTwins<P, S>: Twin<f32> + Twin<f64> + Send + Sync + 'static,
{
    forward_with(act.fns(), x)
}

/// The forward op of `fns` on `x` (contiguous first, off the CPU).
pub(crate) fn forward_with<T: Twins>(fns: &Arc<Fns<T>>, x: &Tensor) -> Result<Tensor> {
    let op = GaafFwd { fns: fns.clone() };
    if x.device().is_cpu() {
        x.apply_op1(op)
    } else {
        x.contiguous()?.apply_op1(op)
    }
}

/// The backward pass of [`gaaf`] on its own: `dx = dy * phi_new'(x)` from the
/// input `x` and the output's gradient `dy`, in one pass (gaaf-core's kernel
/// on the CPU, the CUDA kernel on the GPU), untracked by autograd.
///
/// For code that runs its own backward (or times it): [`gaaf`]'s tensors get
/// this gradient through candle's `backward` already.
///
/// # Errors
///
/// As [`gaaf`]; and a shape mismatch when `dy`'s shape differs from `x`'s.
///
/// ```
/// use candle_core::{Device, Tensor};
/// use gaaf_candle::{gaaf_backward, GaafTanh};
/// use gaaf_shapes::Differentiable;
///
/// let act = GaafTanh::default();
/// let x = Tensor::new(&[-3.0_f32, 0.5], &Device::Cpu)?;
/// let dy = Tensor::new(&[2.0_f32, 1.0], &Device::Cpu)?;
/// let dx = gaaf_backward(&x, &dy, &act)?.to_vec1::<f32>()?;
/// assert_eq!(dx[0], 2.0 * act.function::<f32>().derivative(-3.0));
/// # Ok::<(), candle_core::Error>(())
/// ```
pub fn gaaf_backward<P: Recast<f32>, S: Recast<f32>>(
    x: &Tensor,
    dy: &Tensor,
    act: &Gaaf<P, S>,
) -> Result<Tensor>
where
    GaafTwins<P, S>: Twin<f32> + Twin<f64> + Send + Sync + 'static,
{
    backward_with(act.fns(), x, dy)
}

fn backward_with<T: Twins>(fns: &Arc<Fns<T>>, x: &Tensor, dy: &Tensor) -> Result<Tensor> {
    let op = GaafBwd { fns: fns.clone() };
    if x.device().is_cpu() {
        x.apply_op2_no_bwd(dy, &op)
    } else {
        x.contiguous()?.apply_op2_no_bwd(&dy.contiguous()?, &op)
    }
}

/// What the ops need of a module's functions: the twin for each float type,
/// shareable across threads. Every [`GaafTwins`] whose twins are
/// differentiable is one.
pub(crate) trait Twins: Twin<f32> + Twin<f64> + Send + Sync + 'static {}

impl<T: Twin<f32> + Twin<f64> + Send + Sync + 'static> Twins for T {}

/// The forward op: `y = phi_new(x)`.
struct GaafFwd<T> {
    fns: Arc<Fns<T>>,
}

/// The backward op on `(x, dy)`: `dx = dy * phi_new'(x)`.
struct GaafBwd<T> {
    fns: Arc<Fns<T>>,
}

impl<T: Twins> CustomOp1 for GaafFwd<T> {
    fn name(&self) -> &'static str {
        "gaaf"
    }

    fn cpu_fwd(&self, s: &CpuStorage, l: &Layout) -> Result<(CpuStorage, Shape)> {
        let out = cpu::forward(&self.fns, s, l)?;
        Ok((out, l.shape().clone()))
    }

    #[cfg(feature = "cuda")]
    fn cuda_fwd(
        &self,
        s: &candle_core::CudaStorage,
        l: &Layout,
    ) -> Result<(candle_core::CudaStorage, Shape)> {
        let kernel = cuda::require_kernel(self.fns.cuda)?;
        Ok((cuda::forward(kernel, s, l)?, l.shape().clone()))
    }

    fn bwd(&self, arg: &Tensor, _res: &Tensor, grad_res: &Tensor) -> Result<Option<Tensor>> {
        backward_with(&self.fns, arg, grad_res).map(Some)
    }
}

impl<T: Twins> CustomOp2 for GaafBwd<T> {
    fn name(&self) -> &'static str {
        "gaaf-backward"
    }

    fn cpu_fwd(
        &self,
        s1: &CpuStorage,
        l1: &Layout,
        s2: &CpuStorage,
        l2: &Layout,
    ) -> Result<(CpuStorage, Shape)> {
        check_same_shape(l1, l2)?;
        let out = cpu::backward(&self.fns, s1, l1, s2, l2)?;
        Ok((out, l1.shape().clone()))
    }

    #[cfg(feature = "cuda")]
    fn cuda_fwd(
        &self,
        s1: &candle_core::CudaStorage,
        l1: &Layout,
        s2: &candle_core::CudaStorage,
        l2: &Layout,
    ) -> Result<(candle_core::CudaStorage, Shape)> {
        check_same_shape(l1, l2)?;
        let kernel = cuda::require_kernel(self.fns.cuda)?;
        Ok((cuda::backward(kernel, s1, l1, s2, l2)?, l1.shape().clone()))
    }
}

fn check_same_shape(x: &Layout, dy: &Layout) -> Result<()> {
    if x.shape() == dy.shape() {
        Ok(())
    } else {
        Err(candle_core::Error::ShapeMismatchBinaryOp {
            lhs: x.shape().clone(),
            rhs: dy.shape().clone(),
            op: "gaaf-backward",
        }
        .bt())
    }
}
