//! Plain activations on `gaaf-core`'s kernels: [`FastTanh`], [`FastSigmoid`]
//! and [`FastRelu`], drop-ins for candle's `tanh`, `sigmoid` and `relu`.
//!
//! candle's CPU `tanh` and `sigmoid` evaluate the C library's functions one
//! element at a time; `gaaf-core`'s run 8 or 16 lanes at a time. A model
//! compared with a GAAF model must run the same `tanh`, or the comparison
//! measures the `tanh`: these modules are the very functions GAAF adds `g*s`
//! to.

use crate::module::Fns;
use crate::op::forward_with;
use candle_core::{Module, Result, Tensor};
use gaaf_shapes::{Relu, Sigmoid, Tanh};
use std::sync::Arc;

/// The element-wise function `F` as a candle module.
///
/// On the CPU it is the same op as [`Gaaf`](crate::Gaaf): one pass forward,
/// one pass backward from the saved input, values and gradients
/// bit-identical to `F`'s scalar `value` and `derivative` in `f32` and `f64`.
/// On other devices it is candle's own op ([`OwnOp`]).
///
/// ```
/// use candle_core::{Device, Module, Tensor};
/// use gaaf_candle::FastTanh;
/// use gaaf_shapes::Differentiable;
///
/// let x = Tensor::new(&[-2.0_f32, 0.5], &Device::Cpu)?;
/// let y = FastTanh::default().forward(&x)?.to_vec1::<f32>()?;
/// assert_eq!(y[0], gaaf_shapes::Tanh.value(-2.0));
/// assert!((y[1] - 0.5_f32.tanh()).abs() < 1e-6);
/// # Ok::<(), candle_core::Error>(())
/// ```
pub struct Elementwise<F> {
    fns: Arc<Fns<F>>,
}

/// `tanh` on `gaaf-core`'s kernel, in place of candle's `tanh`.
pub type FastTanh = Elementwise<Tanh>;
/// The logistic sigmoid on `gaaf-core`'s kernel, in place of
/// `candle_nn::ops::sigmoid`.
pub type FastSigmoid = Elementwise<Sigmoid>;
/// `max(x, 0)` on `gaaf-core`'s kernel, in place of candle's `relu`; its
/// derivative at 0 is 0, as candle's.
pub type FastRelu = Elementwise<Relu>;

impl<F> Elementwise<F> {
    /// The module of function `f`.
    pub fn new(f: F) -> Self {
        Self {
            fns: Arc::new(Fns {
                twins: f,
                cuda: None,
            }),
        }
    }

    /// The function.
    pub fn function(&self) -> &F {
        &self.fns.twins
    }
}

impl<F: Default> Default for Elementwise<F> {
    fn default() -> Self {
        Self::new(F::default())
    }
}

impl<F> Clone for Elementwise<F> {
    fn clone(&self) -> Self {
        Self {
            fns: self.fns.clone(),
        }
    }
}

impl<F: std::fmt::Debug> std::fmt::Debug for Elementwise<F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Elementwise").field(&self.fns.twins).finish()
    }
}

/// What an [`Elementwise`] function runs as off the CPU: candle's own op.
pub trait OwnOp {
    /// candle's op for this function, applied to `x`.
    ///
    /// # Errors
    ///
    /// candle's.
    fn own_op(&self, x: &Tensor) -> Result<Tensor>;
}

impl OwnOp for Tanh {
    fn own_op(&self, x: &Tensor) -> Result<Tensor> {
        x.tanh()
    }
}

impl OwnOp for Sigmoid {
    fn own_op(&self, x: &Tensor) -> Result<Tensor> {
        candle_nn::ops::sigmoid(x)
    }
}

impl OwnOp for Relu {
    fn own_op(&self, x: &Tensor) -> Result<Tensor> {
        x.relu()
    }
}

impl<F> Module for Elementwise<F>
where
    F: OwnOp + gaaf_shapes::Twin<f32> + gaaf_shapes::Twin<f64> + Send + Sync + 'static,
{
    fn forward(&self, xs: &Tensor) -> Result<Tensor> {
        if xs.device().is_cpu() {
            forward_with(&self.fns, xs)
        } else {
            self.fns.twins.own_op(xs)
        }
    }
}
