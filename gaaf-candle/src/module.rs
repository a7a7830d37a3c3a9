//! The candle modules: [`Gaaf`] and its aliases for the paper's activations.
//!
//! Why a pair of functions: candle decides a tensor's dtype at run time,
//! while `gaaf-core` functions are typed (`Differentiable<f32>` or
//! `Differentiable<f64>`, and `gaaf-shapes`' shapes carry their float type).
//! A [`Gaaf`] therefore holds the same activation twice, once per float type,
//! and the op picks the twin that matches the tensor. The aliases build both
//! twins from one set of `f64` constants, so they cannot drift apart.

use crate::{gaaf, CudaKernel, Error};
use candle_core::{Module, Tensor};
use gaaf_core::{Differentiable, GradAccel};
use gaaf_shapes::{GaussianBump, Relu, ShiftedSigmoid, Tanh};
use std::fmt;
use std::sync::Arc;

/// The functions a [`Gaaf`] module applies, shared with the ops it creates.
pub(crate) struct Fns<A32, A64> {
    pub(crate) f32: A32,
    pub(crate) f64: A64,
    pub(crate) cuda: Option<CudaKernel>,
}

/// A candle module that applies a GAAF activation element-wise, with its
/// exact derivative in the backward pass: put it in a model exactly where
/// `candle_nn::Activation::Relu` or `.relu()` would go.
///
/// `A32` and `A64` are the same function for `f32` and `f64` tensors, any
/// `gaaf_core::Differentiable` (usually a [`gaaf_core::Gaaf`], i.e.
/// `phi + g*s`, Eq. 8). [`GaafTanh`] and [`GaafRelu`] are the paper's two
/// and also run on CUDA; [`GaafOf`] is any `gaaf-shapes` activation with any
/// shape; [`Gaaf::new`] takes any pair of functions (CPU only).
///
/// Cloning is cheap (the functions sit behind an `Arc`).
///
/// # Example
///
/// ```
/// use candle_core::{DType, Device, Module, Tensor};
/// use candle_nn::{linear, VarBuilder, VarMap};
/// use gaaf_candle::GaafRelu;
///
/// let dev = Device::Cpu;
/// let vars = VarMap::new();
/// let vb = VarBuilder::from_varmap(&vars, DType::F32, &dev);
/// let model = candle_nn::seq()
///     .add(linear(4, 8, vb.pp("l1"))?)
///     .add(GaafRelu::default()) // where `candle_nn::Activation::Relu` would go
///     .add(linear(8, 2, vb.pp("l2"))?);
/// let x = Tensor::randn(0f32, 1.0, (3, 4), &dev)?;
/// assert_eq!(model.forward(&x)?.dims(), &[3, 2]);
/// # Ok::<(), candle_core::Error>(())
/// ```
pub struct Gaaf<A32, A64> {
    fns: Arc<Fns<A32, A64>>,
}

/// GAAF on any activation `P` with any shape, given for `f32` (`S32`) and
/// `f64` (`S64`): `phi + g * s`.
///
/// ```
/// use gaaf_candle::GaafOf;
/// use gaaf_shapes::{gaaf, GaussianBump, GradAccel, Sigmoid};
///
/// let act: GaafOf<Sigmoid, GaussianBump<f32>, GaussianBump<f64>> = GaafOf::new(
///     gaaf(Sigmoid, GaussianBump::new(0.2, 0.0, 8.0)?, GradAccel::new(1e4)?),
///     gaaf(Sigmoid, GaussianBump::new(0.2, 0.0, 8.0)?, GradAccel::new(1e4)?),
/// );
/// assert_eq!(act.f64_fn().accel().k(), 1e4);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub type GaafOf<P, S32, S64> = Gaaf<gaaf_core::Gaaf<P, S32, f32>, gaaf_core::Gaaf<P, S64, f64>>;

/// GAAF on tanh with a Gaussian-bump shape; `Default` is the paper's,
/// `tanh + g * exp(-x^2/3.7)` with `K = 10,000`. Runs on CPU and CUDA.
///
/// ```
/// use gaaf_candle::GaafTanh;
/// use gaaf_shapes::Differentiable;
///
/// let act = GaafTanh::default();
/// assert!(act.f32_fn().derivative(2.5) > 0.2); // tanh'(2.5) is 0.027
/// ```
pub type GaafTanh = GaafOf<Tanh, GaussianBump<f32>, GaussianBump<f64>>;

/// GAAF on ReLU with a shifted-sigmoid shape; `Default` is the paper's,
/// `relu + g * sigmoid(5 (x + 0.5))` with `K = 10,000`. Runs on CPU and CUDA.
///
/// ```
/// use gaaf_candle::GaafRelu;
/// use gaaf_shapes::Differentiable;
///
/// let act = GaafRelu::default();
/// assert!((act.f64_fn().derivative(-0.5) - 0.5).abs() < 1e-4); // relu'(-0.5) is 0
/// ```
pub type GaafRelu = GaafOf<Relu, ShiftedSigmoid<f32>, ShiftedSigmoid<f64>>;

impl<A32, A64> Gaaf<A32, A64> {
    /// The module applying `f32` to `f32` tensors and `f64` to `f64` tensors.
    /// It has no CUDA kernel: on a CUDA tensor its forward is an error.
    ///
    /// ```
    /// use candle_core::{Device, Module, Tensor};
    /// use gaaf_candle::Gaaf;
    /// use gaaf_shapes::{gaaf_dropout_matched, Tanh};
    ///
    /// // GAAF with the shape matched to dropout noise of std 1.
    /// let act = Gaaf::new(gaaf_dropout_matched(Tanh, 1.0_f32)?, gaaf_dropout_matched(Tanh, 1.0_f64)?);
    /// let y = act.forward(&Tensor::new(&[0.5_f64, 3.0], &Device::Cpu)?)?;
    /// assert!((y.to_vec1::<f64>()?[1] - 3.0_f64.tanh()).abs() < 1e-4);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(f32: A32, f64: A64) -> Self {
        Self::with_kernel(f32, f64, None)
    }

    fn with_kernel(f32: A32, f64: A64, cuda: Option<CudaKernel>) -> Self {
        Self {
            fns: Arc::new(Fns { f32, f64, cuda }),
        }
    }

    /// The function applied to `f32` tensors.
    ///
    /// ```
    /// use gaaf_candle::GaafTanh;
    ///
    /// assert_eq!(GaafTanh::default().f32_fn().shape().width(), 3.7);
    /// ```
    pub fn f32_fn(&self) -> &A32 {
        &self.fns.f32
    }

    /// The function applied to `f64` tensors.
    ///
    /// ```
    /// use gaaf_candle::GaafRelu;
    ///
    /// assert_eq!(GaafRelu::default().f64_fn().shape().slope(), 5.0);
    /// ```
    pub fn f64_fn(&self) -> &A64 {
        &self.fns.f64
    }

    /// The CUDA kernel the module runs as on a CUDA device, if it has one.
    ///
    /// ```
    /// use gaaf_candle::{Gaaf, GaafTanh};
    /// use gaaf_shapes::gaaf_tanh;
    ///
    /// assert!(GaafTanh::default().cuda_kernel().is_some());
    /// assert!(Gaaf::new(gaaf_tanh::<f32>(), gaaf_tanh::<f64>()).cuda_kernel().is_none());
    /// ```
    pub fn cuda_kernel(&self) -> Option<CudaKernel> {
        self.fns.cuda
    }

    pub(crate) fn fns(&self) -> &Arc<Fns<A32, A64>> {
        &self.fns
    }
}

impl<P: Clone, S32: Clone, S64: Clone> GaafOf<P, S32, S64> {
    /// The same module with frequency constant `k` in `g` (Eq. 7), for both
    /// float types and the CUDA kernel.
    ///
    /// # Errors
    ///
    /// [`Error::Core`] unless `k` is finite and positive, also once rounded
    /// to `f32`.
    ///
    /// ```
    /// use gaaf_candle::{CudaKernel, GaafTanh};
    ///
    /// let act = GaafTanh::default().with_k(100.0)?;
    /// assert_eq!(act.f32_fn().accel().k(), 100.0);
    /// assert!(matches!(act.cuda_kernel(), Some(CudaKernel::Tanh { k, .. }) if k == 100.0));
    /// assert!(GaafTanh::default().with_k(1e300).is_err()); // infinite in f32
    /// # Ok::<(), gaaf_candle::Error>(())
    /// ```
    pub fn with_k(self, k: f64) -> Result<Self, Error> {
        let a32 = GradAccel::new(k as f32)?;
        let a64 = GradAccel::new(k)?;
        let cuda = self.fns.cuda.map(|kernel| match kernel {
            CudaKernel::Tanh {
                height,
                center,
                width,
                ..
            } => CudaKernel::Tanh {
                k,
                height,
                center,
                width,
            },
            CudaKernel::Relu { slope, shift, .. } => CudaKernel::Relu { k, slope, shift },
        });
        Ok(Self::with_kernel(
            self.fns.f32.clone().with_accel(a32),
            self.fns.f64.clone().with_accel(a64),
            cuda,
        ))
    }
}

impl GaafTanh {
    /// The paper's GAAF for tanh: `tanh + g * exp(-x^2/3.7)`, `K = 10,000`.
    ///
    /// ```
    /// use gaaf_candle::GaafTanh;
    ///
    /// assert_eq!(GaafTanh::paper().f64_fn().accel().k(), 1e4);
    /// ```
    pub fn paper() -> Self {
        Self::build(
            (GaussianBump::paper_tanh(), GradAccel::paper()),
            (GaussianBump::paper_tanh(), GradAccel::paper()),
        )
    }

    /// GAAF on tanh with the Gaussian bump `shape` and frequency constant `k`.
    ///
    /// # Errors
    ///
    /// [`Error::Core`] for a bad `k`, [`Error::Shapes`] when the shape's
    /// constants do not fit `f32`.
    ///
    /// ```
    /// use gaaf_candle::GaafTanh;
    /// use gaaf_shapes::GaussianBump;
    ///
    /// let act = GaafTanh::with_shape(GaussianBump::new(1.0, 0.0, 2.0)?, 1e4)?;
    /// assert_eq!(act.f32_fn().shape().width(), 2.0);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn with_shape(shape: GaussianBump<f64>, k: f64) -> Result<Self, Error> {
        let s32 = GaussianBump::new(
            shape.height() as f32,
            shape.center() as f32,
            shape.width() as f32,
        )?;
        let a32 = GradAccel::new(k as f32)?;
        Ok(Self::build((s32, a32), (shape, GradAccel::new(k)?)))
    }

    fn build(
        (s32, a32): (GaussianBump<f32>, GradAccel<f32>),
        (s64, a64): (GaussianBump<f64>, GradAccel<f64>),
    ) -> Self {
        let k = a64.k();
        let cuda = CudaKernel::Tanh {
            k,
            height: s64.height(),
            center: s64.center(),
            width: s64.width(),
        };
        Self::with_kernel(
            gaaf_core::Gaaf::new(Tanh, s32, a32),
            gaaf_core::Gaaf::new(Tanh, s64, a64),
            Some(cuda),
        )
    }
}

impl Default for GaafTanh {
    /// [`GaafTanh::paper`].
    fn default() -> Self {
        Self::paper()
    }
}

impl GaafRelu {
    /// The paper's GAAF for ReLU: `relu + g * sigmoid(5 (x + 0.5))`,
    /// `K = 10,000`.
    ///
    /// ```
    /// use gaaf_candle::GaafRelu;
    ///
    /// assert_eq!(GaafRelu::paper().f32_fn().shape().shift(), 0.5);
    /// ```
    pub fn paper() -> Self {
        Self::build(
            (ShiftedSigmoid::paper_relu(), GradAccel::paper()),
            (ShiftedSigmoid::paper_relu(), GradAccel::paper()),
        )
    }

    /// GAAF on ReLU with the shifted sigmoid `shape` and frequency constant
    /// `k`.
    ///
    /// # Errors
    ///
    /// [`Error::Core`] for a bad `k`, [`Error::Shapes`] when the shape's
    /// constants do not fit `f32`.
    ///
    /// ```
    /// use gaaf_candle::GaafRelu;
    /// use gaaf_shapes::ShiftedSigmoid;
    ///
    /// let act = GaafRelu::with_shape(ShiftedSigmoid::new(3.0, 1.0)?, 500.0)?;
    /// assert_eq!(act.f32_fn().accel().k(), 500.0);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn with_shape(shape: ShiftedSigmoid<f64>, k: f64) -> Result<Self, Error> {
        let s32 = ShiftedSigmoid::new(shape.slope() as f32, shape.shift() as f32)?;
        let a32 = GradAccel::new(k as f32)?;
        Ok(Self::build((s32, a32), (shape, GradAccel::new(k)?)))
    }

    fn build(
        (s32, a32): (ShiftedSigmoid<f32>, GradAccel<f32>),
        (s64, a64): (ShiftedSigmoid<f64>, GradAccel<f64>),
    ) -> Self {
        let k = a64.k();
        let cuda = CudaKernel::Relu {
            k,
            slope: s64.slope(),
            shift: s64.shift(),
        };
        Self::with_kernel(
            gaaf_core::Gaaf::new(Relu, s32, a32),
            gaaf_core::Gaaf::new(Relu, s64, a64),
            Some(cuda),
        )
    }
}

impl Default for GaafRelu {
    /// [`GaafRelu::paper`].
    fn default() -> Self {
        Self::paper()
    }
}

impl<A32, A64> Clone for Gaaf<A32, A64> {
    fn clone(&self) -> Self {
        Self {
            fns: self.fns.clone(),
        }
    }
}

impl<A32: fmt::Debug, A64: fmt::Debug> fmt::Debug for Gaaf<A32, A64> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Gaaf")
            .field("f32", &self.fns.f32)
            .field("f64", &self.fns.f64)
            .field("cuda", &self.fns.cuda)
            .finish()
    }
}

impl<A32, A64> Module for Gaaf<A32, A64>
where
    A32: Differentiable<f32> + Send + Sync + 'static,
    A64: Differentiable<f64> + Send + Sync + 'static,
{
    /// [`gaaf`]`(xs, self)`.
    fn forward(&self, xs: &Tensor) -> candle_core::Result<Tensor> {
        gaaf(xs, self)
    }
}
