//! The candle module [`Gaaf`] and its aliases for the paper's activations.
//!
//! Why twins: candle decides a tensor's dtype at run time, while `gaaf-core`
//! functions are typed (`Differentiable<f32>` or `Differentiable<f64>`, and
//! `gaaf-shapes`' shapes carry their float type). A [`Gaaf`] therefore holds
//! the `f64` definition and its `f32` twin, derived from the same constants
//! ([`GaafTwins`]), and the op picks the twin that matches the tensor.

use crate::{gaaf, CudaKernel, Error};
use candle_core::{Module, Tensor};
use gaaf_core::GradAccel;
use gaaf_shapes::{
    GaafTwins, GaussianBump, LeftOf, Recast, Relu, ShiftedSigmoid, ShoulderBump, Tanh, Twin,
};
use std::fmt;
use std::sync::Arc;

/// What a [`Gaaf`] module shares with the ops it creates: the twins and the
/// CUDA kernel they run as, if any.
pub(crate) struct Fns<T> {
    pub(crate) twins: T,
    pub(crate) cuda: Option<CudaKernel>,
}

/// A candle module that applies GAAF, `phi + g*s` (Eq. 8), element-wise,
/// with its exact derivative in the backward pass: put it in a model exactly
/// where `candle_nn::Activation::Relu` or `.relu()` would go.
///
/// `P` is the activation (a `gaaf-shapes` activation such as [`Tanh`] or
/// [`Relu`], or your own) and `S` the shape function with `f64` parameters
/// (such as [`GaussianBump<f64>`]); [`GaafTanh`] and [`GaafReluPaper`] are
/// the paper's two, and [`GaafRelu`] is ReLU with the paper's shape on its
/// saturated side only. It applies the same function to `f32` and `f64` tensors:
/// the `f64` definition, and an `f32` twin derived from the same constants.
/// On the CPU any activation and shape work; on CUDA those with a
/// [`CudaKernel`] (tanh with a Gaussian bump or the shoulder bump, ReLU with
/// a shifted sigmoid, whole or on its saturated side).
///
/// `gaaf-dfdx`'s `Gaaf` has the same constructors and accessors; both are
/// `gaaf-shapes`' functions of the same names as framework modules.
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
pub struct Gaaf<P: Recast<f32>, S: Recast<f32>> {
    fns: Arc<Fns<GaafTwins<P, S>>>,
}

/// GAAF on tanh with a Gaussian-bump shape; `Default` is the paper's,
/// `tanh + g * exp(-x^2/3.7)` with `K = 10,000`: the module for
/// `gaaf_shapes::GaafTanh`. Runs on CPU and CUDA.
///
/// ```
/// use gaaf_candle::GaafTanh;
/// use gaaf_shapes::Differentiable;
///
/// let act = GaafTanh::default();
/// assert!(act.function::<f32>().derivative(2.5) > 0.2); // tanh'(2.5) is 0.027
/// ```
pub type GaafTanh = Gaaf<Tanh, GaussianBump<f64>>;

/// GAAF on ReLU with slope added on its saturated side only, the default
/// GAAF-ReLU: the paper's shifted sigmoid for `x <= 0`, nothing for `x > 0`
/// (`gaaf_shapes::LeftOf::relu_saturation`), with `K = 10,000`: the module
/// for `gaaf_shapes::GaafRelu`. Runs on CPU and CUDA.
///
/// Why not the paper's shape ([`GaafReluPaper`]): gradient gain with nets
/// `N(0, 1)` (`gaaf_shapes::GradientGain`, `E[phi_new'^2] / E[phi'^2]`).
/// This shape has 1.25: 1.12 per layer on the backward signal, 3.8 over 12
/// layers. The paper's has 4.20: 2.05 per layer, about 5,500 over 12 layers,
/// and a 12-layer ReLU network without batch normalisation diverges with it
/// at learning rate 0.01, where plain ReLU and this shape train (tested in
/// `gaaf-repro/tests/conv.rs`).
///
/// ```
/// use gaaf_candle::GaafRelu;
/// use gaaf_shapes::Differentiable;
///
/// let act = GaafRelu::default();
/// assert_eq!(act.function::<f32>().derivative(2.0), 1.0); // relu' alone
/// assert!((act.function::<f64>().derivative(-0.5) - 0.5).abs() < 1e-4); // relu'(-0.5) is 0
/// ```
pub type GaafRelu = Gaaf<Relu, LeftOf<ShiftedSigmoid<f64>, f64>>;

/// GAAF on ReLU with a shifted-sigmoid shape; `Default` is the paper's,
/// `relu + g * sigmoid(5 (x + 0.5))` with `K = 10,000`: the module for
/// `gaaf_shapes::GaafReluPaper`, for reproducing the paper (the rows of its
/// Table 5). Runs on CPU and CUDA.
///
/// Gradient gain with nets `N(0, 1)` (`gaaf_shapes::GradientGain`): 4.20 in
/// mean squared slope, `E[phi_new'^2] / E[phi'^2]`, so 2.05 per layer on the
/// backward signal and about 5,500 over 12 layers: the shape is about 1
/// wherever ReLU's slope is already 1, and a 12-layer ReLU network without
/// batch normalisation diverges with it at learning rate 0.01 (tested in
/// `gaaf-repro/tests/conv.rs`). [`GaafRelu`] (1.12 per layer) is the
/// default for that reason.
///
/// ```
/// use gaaf_candle::GaafReluPaper;
/// use gaaf_shapes::Differentiable;
///
/// let act = GaafReluPaper::default();
/// assert!((act.function::<f64>().derivative(-0.5) - 0.5).abs() < 1e-4); // relu'(-0.5) is 0
/// assert!(act.function::<f64>().derivative(2.0) > 1.99); // relu' + s
/// ```
pub type GaafReluPaper = Gaaf<Relu, ShiftedSigmoid<f64>>;

/// GAAF on tanh with the shoulder shape, zero at the centre and largest at
/// `|x| = 1.92` (`gaaf_shapes::ShoulderBump`): slope added where tanh
/// saturates, not in its linear middle. The module for
/// `gaaf_shapes::GaafTanhShoulder`. Gradient gain with nets `N(0, 1)`: 2.12
/// in mean squared slope (the paper's [`GaafTanh`]: 4.86).
///
/// ```
/// use gaaf_candle::GaafTanhShoulder;
/// use gaaf_shapes::Differentiable;
///
/// let act = GaafTanhShoulder::default();
/// assert_eq!(act.function::<f64>().derivative(0.0), 1.0); // tanh' alone
/// ```
pub type GaafTanhShoulder = Gaaf<Tanh, ShoulderBump<f64>>;

impl<P: Recast<f32> + 'static, S: Recast<f32> + 'static> Gaaf<P, S> {
    /// `phi + g*s` from its three parts.
    ///
    /// # Errors
    ///
    /// [`Error::Core`] when `K` does not fit `f32`, [`Error::Shapes`] when a
    /// shape parameter does not.
    ///
    /// ```
    /// use candle_core::{Device, Module, Tensor, Var};
    /// use gaaf_candle::Gaaf;
    /// use gaaf_shapes::{GaussianBump, GradAccel, Sigmoid};
    ///
    /// let act = Gaaf::new(Sigmoid, GaussianBump::new(0.2, 0.0, 8.0)?, GradAccel::new(1e4)?)?;
    /// let x = Var::new(&[0.0_f32, 1.0], &Device::Cpu)?;
    /// let grads = act.forward(x.as_tensor())?.sum_all()?.backward()?;
    /// let dx = grads.get(x.as_tensor()).expect("a gradient").to_vec1::<f32>()?;
    /// assert!((dx[0] - 0.45).abs() < 1e-3);
    /// assert!(act.cuda_kernel().is_none()); // only tanh and ReLU have one
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(phi: P, shape: S, accel: GradAccel<f64>) -> Result<Self, Error> {
        Ok(Self::from_twins(GaafTwins::new(phi, shape, accel)?))
    }

    fn from_twins(twins: GaafTwins<P, S>) -> Self {
        let cuda = CudaKernel::for_parts(twins.activation(), twins.shape(), twins.k());
        Self {
            fns: Arc::new(Fns { twins, cuda }),
        }
    }

    /// The same module with frequency constant `k` in `g` (Eq. 7), for both
    /// float types and the CUDA kernel.
    ///
    /// # Errors
    ///
    /// [`Error::Core`] unless `k` is finite and positive, also once rounded
    /// to `f32`.
    ///
    /// ```
    /// use gaaf_candle::{CudaKernel, Error, GaafTanh};
    ///
    /// let act = GaafTanh::default().with_k(100.0)?;
    /// assert_eq!(act.k(), 100.0);
    /// assert_eq!(act.function::<f32>().accel().k(), 100.0);
    /// assert!(matches!(act.cuda_kernel(), Some(CudaKernel::Tanh { k, .. }) if k == 100.0));
    /// assert!(matches!(GaafTanh::default().with_k(-1.0), Err(Error::Core(_))));
    /// assert!(GaafTanh::default().with_k(1e300).is_err()); // infinite in f32
    /// # Ok::<(), gaaf_candle::Error>(())
    /// ```
    pub fn with_k(self, k: f64) -> Result<Self, Error>
    where
        GaafTwins<P, S>: Clone,
    {
        let accel = GradAccel::new(k)?;
        Ok(Self::from_twins(self.fns.twins.clone().with_accel(accel)?))
    }

    /// The same module with another shape.
    ///
    /// # Errors
    ///
    /// [`Error::Shapes`] when a shape parameter does not fit `f32`.
    ///
    /// ```
    /// use gaaf_candle::GaafTanh;
    /// use gaaf_shapes::GaussianBump;
    ///
    /// let act = GaafTanh::default().with_shape(GaussianBump::new(1.0, 0.0, 2.0)?)?;
    /// assert_eq!(act.function::<f32>().shape().width(), 2.0);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn with_shape(self, shape: S) -> Result<Self, Error>
    where
        P: Clone,
    {
        let (phi, accel) = (self.activation().clone(), *self.fns.twins.accel());
        Self::new(phi, shape, accel)
    }
}

impl<P: Recast<f32>, S: Recast<f32>> Gaaf<P, S> {
    /// The activation `phi`.
    ///
    /// ```
    /// use gaaf_candle::GaafRelu;
    /// use gaaf_shapes::Relu;
    ///
    /// assert_eq!(GaafRelu::default().activation(), &Relu);
    /// ```
    pub fn activation(&self) -> &P {
        self.fns.twins.activation()
    }

    /// The shape function `s`, with its `f64` parameters.
    ///
    /// ```
    /// use gaaf_candle::GaafTanh;
    ///
    /// assert_eq!(GaafTanh::default().shape().width(), 3.7);
    /// ```
    pub fn shape(&self) -> &S {
        self.fns.twins.shape()
    }

    /// The frequency constant `K` of `g` (Eq. 7).
    ///
    /// ```
    /// use gaaf_candle::GaafRelu;
    ///
    /// assert_eq!(GaafRelu::default().k(), 1e4);
    /// ```
    pub fn k(&self) -> f64 {
        self.fns.twins.k()
    }

    /// The function the module applies to tensors of dtype `E` (`f32` or
    /// `f64`), a [`gaaf_core::Gaaf`]: for scalar checks.
    ///
    /// ```
    /// use gaaf_candle::GaafReluPaper;
    ///
    /// assert_eq!(GaafReluPaper::default().function::<f64>().shape().slope(), 5.0);
    /// ```
    pub fn function<E>(&self) -> &<GaafTwins<P, S> as Twin<E>>::Fn
    where
        GaafTwins<P, S>: Twin<E>,
    {
        Twin::<E>::twin(&self.fns.twins)
    }

    /// The CUDA kernel the module runs as on a CUDA device, if it has one.
    ///
    /// ```
    /// use gaaf_candle::{Gaaf, GaafTanh};
    /// use gaaf_shapes::{Constant, GradAccel, Tanh};
    ///
    /// assert!(GaafTanh::default().cuda_kernel().is_some());
    /// let flat = Gaaf::new(Tanh, Constant::<f64>::one(), GradAccel::paper())?;
    /// assert!(flat.cuda_kernel().is_none());
    /// # Ok::<(), gaaf_candle::Error>(())
    /// ```
    pub fn cuda_kernel(&self) -> Option<CudaKernel> {
        self.fns.cuda
    }

    pub(crate) fn fns(&self) -> &Arc<Fns<GaafTwins<P, S>>> {
        &self.fns
    }
}

impl<P: Recast<f32> + 'static, S: Recast<f32> + 'static> Default for Gaaf<P, S>
where
    GaafTwins<P, S>: Default,
{
    /// The default activation and shape with `K = 10,000`: for [`GaafTanh`]
    /// and [`GaafReluPaper`], the paper's; for [`GaafRelu`], the paper's
    /// shape on ReLU's saturated side only.
    fn default() -> Self {
        Self::from_twins(GaafTwins::default())
    }
}

impl<P: Recast<f32>, S: Recast<f32>> Clone for Gaaf<P, S> {
    fn clone(&self) -> Self {
        Self {
            fns: self.fns.clone(),
        }
    }
}

impl<P: Recast<f32>, S: Recast<f32>> PartialEq for Gaaf<P, S>
where
    GaafTwins<P, S>: PartialEq,
{
    fn eq(&self, other: &Self) -> bool {
        self.fns.twins == other.fns.twins
    }
}

impl<P: Recast<f32>, S: Recast<f32>> fmt::Debug for Gaaf<P, S>
where
    GaafTwins<P, S>: fmt::Debug,
{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Gaaf")
            .field("twins", &self.fns.twins)
            .field("cuda", &self.fns.cuda)
            .finish()
    }
}

impl<P: Recast<f32>, S: Recast<f32>> Module for Gaaf<P, S>
where
    GaafTwins<P, S>: Twin<f32> + Twin<f64> + Send + Sync + 'static,
{
    /// [`gaaf`]`(xs, self)`.
    fn forward(&self, xs: &Tensor) -> candle_core::Result<Tensor> {
        gaaf(xs, self)
    }
}
