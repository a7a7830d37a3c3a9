//! The burn module [`Gaaf`] and its aliases for the paper's activations.

use crate::{gaaf_composed, Error, TensorFn};
use burn::module::{
    Content, Devices, Module, ModuleDisplay, ModuleDisplayDefault, ModuleMapper, ModuleVisitor,
    Param,
};
use burn::tensor::{DType, Device, Tensor, TensorData};
use gaaf_core::GradAccel;
use gaaf_shapes::{
    GaafTwins, GaussianBump, LeftOf, Recast, Relu, ShiftedSigmoid, ShoulderBump, Tanh, Twin,
};
use std::fmt;
use std::sync::Arc;

/// A burn module that applies GAAF, `phi + g*s` (Eq. 8), element-wise with
/// its exact derivative: put it in a `#[derive(Module)]` model exactly where
/// `burn::nn::Tanh` or `Relu` would go, and call [`Gaaf::forward`].
///
/// `P` is the activation (a `gaaf-shapes` activation such as [`Tanh`] or
/// [`Relu`]) and `S` the shape function with `f64` parameters (such as
/// [`GaussianBump<f64>`]), both [`TensorFn`]s; [`GaafTanh`] and
/// [`GaafReluPaper`] are the paper's two, and [`GaafRelu`] is ReLU with the
/// paper's shape on its saturated side only. It serves `f32` and `f64`
/// tensors alike: it keeps the `f64` definition and an `f32` twin derived
/// from the same constants ([`GaafTwins`]).
///
/// **Backends**: on ndarray devices (plain or under autodiff; feature
/// `ndarray`, on by default) GAAF is one fused pass forward and one backward,
/// `gaaf-core`'s slice kernels, bit-identical to its scalar functions; on
/// every other backend (flex, wgpu, CUDA, ...) and dtype it is
/// [`gaaf_composed`] from burn's own ops, the same function within rounding.
///
/// **Records**: `K` and the shape's parameters are part of the module's
/// record, as one `f64` tensor `hyperparameters` (burn 0.22 records hold
/// tensors only), so `save_file`/`load_file` carry them: loading a record
/// sets them. The tensor is not trainable (it never has a gradient), and it
/// adds 1 + the shape's parameter count to `num_params`.
///
/// `gaaf-dfdx`'s and `gaaf-candle`'s `Gaaf` have the same constructors and
/// accessors; all are `gaaf-shapes`' functions of the same names as
/// framework modules.
///
/// # Example
///
/// ```
/// use burn::module::Module;
/// use burn::nn::{Linear, LinearConfig};
/// use burn::tensor::{Device, Tensor};
/// use gaaf_burn::GaafTanh;
///
/// #[derive(Module, Debug)]
/// struct Mlp {
///     hidden: Linear,
///     act: GaafTanh,
///     out: Linear,
/// }
///
/// let device = Device::ndarray().autodiff();
/// let model = Mlp {
///     hidden: LinearConfig::new(4, 8).init(&device),
///     act: GaafTanh::default(), // where `burn::nn::Tanh` would go
///     out: LinearConfig::new(8, 2).init(&device),
/// };
/// let x = Tensor::<2>::ones([3, 4], &device);
/// let y = model.out.forward(model.act.forward(model.hidden.forward(x)));
/// let grads = y.square().mean().backward();
/// assert!(model.hidden.weight.grad(&grads).is_some());
/// ```
pub struct Gaaf<P: Recast<f32>, S: Recast<f32>> {
    twins: Arc<GaafTwins<P, S>>,
}

/// GAAF on tanh with a Gaussian-bump shape; `Default` is the paper's,
/// `tanh + g * exp(-x^2/3.7)` with `K = 10,000`: the module for
/// `gaaf_shapes::GaafTanh`.
///
/// ```
/// use gaaf_burn::GaafTanh;
/// use gaaf_shapes::Differentiable;
///
/// let act = GaafTanh::default();
/// assert!(act.function::<f32>().derivative(2.5) > 0.2); // tanh'(2.5) is 0.027
/// ```
pub type GaafTanh = Gaaf<Tanh, GaussianBump<f64>>;

/// GAAF on ReLU with slope added on its saturated side only, the default
/// GAAF-ReLU: the paper's shifted sigmoid for `x <= 0`, nothing for `x > 0`
/// (`gaaf_shapes::LeftOf::relu_saturation`), with `K = 10,000`: the module
/// for `gaaf_shapes::GaafRelu`.
///
/// Why not the paper's shape ([`GaafReluPaper`]): gradient gain with nets
/// `N(0, 1)` (`gaaf_shapes::GradientGain`, `E[phi_new'^2] / E[phi'^2]`).
/// This shape has 1.25: 1.12 per layer on the backward signal. The paper's
/// has 4.20: 2.05 per layer, about 5,500 over 12 layers, and a 12-layer
/// ReLU network without batch normalisation diverges with it at learning
/// rate 0.01 (measured with `gaaf-candle` in `gaaf-repro`).
///
/// ```
/// use gaaf_burn::GaafRelu;
/// use gaaf_shapes::Differentiable;
///
/// let act = GaafRelu::default();
/// assert_eq!(act.function::<f32>().derivative(2.0), 1.0); // relu' alone
/// assert!((act.function::<f64>().derivative(-0.5) - 0.5).abs() < 1e-4); // relu'(-0.5) is 0
/// ```
pub type GaafRelu = Gaaf<Relu, LeftOf<ShiftedSigmoid<f64>, f64>>;

/// GAAF on ReLU with a shifted-sigmoid shape; `Default` is the paper's,
/// `relu + g * sigmoid(5 (x + 0.5))` with `K = 10,000`: the module for
/// `gaaf_shapes::GaafReluPaper`, for reproducing the paper. Gradient gain
/// 2.05 per layer with nets `N(0, 1)`; [`GaafRelu`] (1.12) is the default.
///
/// ```
/// use gaaf_burn::GaafReluPaper;
/// use gaaf_shapes::Differentiable;
///
/// let act = GaafReluPaper::default();
/// assert!(act.function::<f64>().derivative(2.0) > 1.99); // relu' + s
/// ```
pub type GaafReluPaper = Gaaf<Relu, ShiftedSigmoid<f64>>;

/// GAAF on tanh with the shoulder shape, zero at the centre and largest at
/// `|x| = 1.92` (`gaaf_shapes::ShoulderBump`): slope added where tanh
/// saturates, not in its linear middle. The module for
/// `gaaf_shapes::GaafTanhShoulder`.
///
/// ```
/// use gaaf_burn::GaafTanhShoulder;
/// use gaaf_shapes::Differentiable;
///
/// let act = GaafTanhShoulder::default();
/// assert_eq!(act.function::<f64>().derivative(0.0), 1.0); // tanh' alone
/// ```
pub type GaafTanhShoulder = Gaaf<Tanh, ShoulderBump<f64>>;

/// What [`Gaaf`] needs of its activation and shape: `gaaf-shapes` functions
/// with `f64` parameters, an `f32` twin and burn ops ([`TensorFn`]). A blanket
/// trait: every such type is one.
pub trait Part: Recast<f32> + TensorFn + Clone + fmt::Debug + Send + Sync + 'static {}

impl<T: Recast<f32> + TensorFn + Clone + fmt::Debug + Send + Sync + 'static> Part for T {}

impl<P: Part, S: Part> Gaaf<P, S>
where
    GaafTwins<P, S>: Twin<f32> + Twin<f64> + Send + Sync,
{
    /// `phi + g*s` from its three parts.
    ///
    /// # Errors
    ///
    /// [`Error::Core`] when `K` does not fit `f32`, [`Error::Shapes`] when a
    /// shape parameter does not.
    ///
    /// ```
    /// use burn::tensor::{Device, Tensor};
    /// use gaaf_burn::Gaaf;
    /// use gaaf_shapes::{GaussianBump, GradAccel, Sigmoid};
    ///
    /// let act = Gaaf::new(Sigmoid, GaussianBump::new(0.2, 0.0, 8.0)?, GradAccel::new(1e4)?)?;
    /// let x = Tensor::<1>::from_floats([0.0, 1.0], &Device::ndarray().autodiff()).require_grad();
    /// let grads = act.forward(x.clone()).sum().backward();
    /// let dx = x.grad(&grads).expect("a gradient").to_data().to_vec::<f32>()?;
    /// assert!((dx[0] - 0.45).abs() < 1e-3); // sigmoid'(0) + 0.2
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(phi: P, shape: S, accel: GradAccel<f64>) -> Result<Self, Error> {
        Ok(Self {
            twins: Arc::new(GaafTwins::new(phi, shape, accel)?),
        })
    }

    /// The same module with frequency constant `k` in `g` (Eq. 7).
    ///
    /// # Errors
    ///
    /// [`Error::Core`] unless `k` is finite and positive, also once rounded
    /// to `f32`.
    ///
    /// ```
    /// use gaaf_burn::{Error, GaafTanh};
    ///
    /// let act = GaafTanh::default().with_k(100.0)?;
    /// assert_eq!(act.k(), 100.0);
    /// assert_eq!(act.function::<f32>().accel().k(), 100.0);
    /// assert!(matches!(GaafTanh::default().with_k(-1.0), Err(Error::Core(_))));
    /// assert!(GaafTanh::default().with_k(1e300).is_err()); // infinite in f32
    /// # Ok::<(), gaaf_burn::Error>(())
    /// ```
    pub fn with_k(self, k: f64) -> Result<Self, Error> {
        let accel = GradAccel::new(k)?;
        Self::new(self.activation().clone(), self.shape().clone(), accel)
    }

    /// The same module with another shape.
    ///
    /// # Errors
    ///
    /// [`Error::Shapes`] when a shape parameter does not fit `f32`.
    ///
    /// ```
    /// use gaaf_burn::GaafTanh;
    /// use gaaf_shapes::GaussianBump;
    ///
    /// let act = GaafTanh::default().with_shape(GaussianBump::new(1.0, 0.0, 2.0)?)?;
    /// assert_eq!(act.function::<f32>().shape().width(), 2.0);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn with_shape(self, shape: S) -> Result<Self, Error> {
        Self::new(self.activation().clone(), shape, *self.twins.accel())
    }

    /// GAAF on `x`: the fused op on ndarray devices for `f32` and `f64`,
    /// [`Gaaf::forward_composed`] elsewhere. Records its backward on `x`'s
    /// autodiff graph when `x` has one.
    pub fn forward<const D: usize>(&self, x: Tensor<D>) -> Tensor<D> {
        #[cfg(feature = "ndarray")]
        if crate::fused::runs_on(&x.device(), x.dtype()) {
            let kernels: Arc<dyn crate::fused::SliceKernels> = self.twins.clone();
            return crate::fused::gaaf_fused(x, &crate::fused::FusedFn(kernels));
        }
        self.forward_composed(x)
    }

    /// GAAF on `x` composed from burn's tensor ops ([`gaaf_composed`]), on
    /// any backend: what [`Gaaf::forward`] runs where there is no fused op.
    pub fn forward_composed<const D: usize>(&self, x: Tensor<D>) -> Tensor<D> {
        gaaf_composed(self.activation(), self.shape(), self.k(), x)
    }

    /// `K`, then the shape's parameters: what the record stores.
    ///
    /// ```
    /// use gaaf_burn::GaafTanh;
    ///
    /// assert_eq!(GaafTanh::default().hyperparameters(), [1e4, 1.0, 0.0, 3.7]);
    /// ```
    pub fn hyperparameters(&self) -> Vec<f64> {
        let mut p = vec![self.k()];
        p.extend(self.activation().params());
        p.extend(self.shape().params());
        p
    }

    /// The module with these [`Gaaf::hyperparameters`].
    ///
    /// # Errors
    ///
    /// [`Error::Params`] when the count is wrong, [`Error::Core`] or
    /// [`Error::Shapes`] when a value is out of range.
    ///
    /// ```
    /// use gaaf_burn::{Error, GaafTanh};
    ///
    /// let act = GaafTanh::from_hyperparameters(&[100.0, 0.5, 0.0, 2.0])?;
    /// assert_eq!((act.k(), act.shape().width()), (100.0, 2.0));
    /// assert!(matches!(GaafTanh::from_hyperparameters(&[100.0]), Err(Error::Params { .. })));
    /// # Ok::<(), gaaf_burn::Error>(())
    /// ```
    pub fn from_hyperparameters(params: &[f64]) -> Result<Self, Error> {
        let (&k, rest) = params.split_first().ok_or(Error::Params {
            what: "Gaaf",
            expected: 1,
            got: 0,
        })?;
        if rest.len() != P::PARAMS + S::PARAMS {
            return Err(Error::Params {
                what: "Gaaf",
                expected: 1 + P::PARAMS + S::PARAMS,
                got: params.len(),
            });
        }
        let (phi, shape) = rest.split_at(P::PARAMS);
        Self::new(
            P::from_params(phi)?,
            S::from_params(shape)?,
            GradAccel::new(k)?,
        )
    }

    /// The record's name for this type's hyperparameters.
    fn record_name() -> String {
        format!("{}_{}", P::name(), S::name())
    }

    /// `values` (the [`Gaaf::hyperparameters`]) as a tensor on the host:
    /// what the record stores.
    fn hyperparameter_param(values: Vec<f64>) -> Param<Tensor<1>> {
        let len = values.len();
        let data = TensorData::new(values, [len]);
        Param::from_tensor(Tensor::from_data(data, (&host(), DType::F64))).set_require_grad(false)
    }
}

/// Where the hyperparameter tensor lives: a CPU device (it is read on the
/// host, at record time only). burn 0.22 deprecates ndarray for flex; ndarray
/// is the backend this crate's default feature already builds.
#[allow(deprecated)]
fn host() -> Device {
    #[cfg(feature = "ndarray")]
    return Device::ndarray();
    #[cfg(not(feature = "ndarray"))]
    return Device::default();
}

impl<P: Recast<f32>, S: Recast<f32>> Gaaf<P, S> {
    /// The activation `phi`.
    ///
    /// ```
    /// use gaaf_burn::GaafRelu;
    /// use gaaf_shapes::Relu;
    ///
    /// assert_eq!(GaafRelu::default().activation(), &Relu);
    /// ```
    pub fn activation(&self) -> &P {
        self.twins.activation()
    }

    /// The shape function `s`, with its `f64` parameters.
    ///
    /// ```
    /// use gaaf_burn::GaafTanh;
    ///
    /// assert_eq!(GaafTanh::default().shape().width(), 3.7);
    /// ```
    pub fn shape(&self) -> &S {
        self.twins.shape()
    }

    /// The frequency constant `K` of `g` (Eq. 7).
    ///
    /// ```
    /// use gaaf_burn::GaafRelu;
    ///
    /// assert_eq!(GaafRelu::default().k(), 1e4);
    /// ```
    pub fn k(&self) -> f64 {
        self.twins.k()
    }

    /// The function the module applies to tensors of dtype `E` (`f32` or
    /// `f64`), a [`gaaf_core::Gaaf`]: for scalar checks.
    ///
    /// ```
    /// use gaaf_burn::GaafReluPaper;
    ///
    /// assert_eq!(GaafReluPaper::default().function::<f64>().shape().slope(), 5.0);
    /// ```
    pub fn function<E>(&self) -> &<GaafTwins<P, S> as Twin<E>>::Fn
    where
        GaafTwins<P, S>: Twin<E>,
    {
        Twin::<E>::twin(&*self.twins)
    }
}

impl<P: Recast<f32>, S: Recast<f32>> Default for Gaaf<P, S>
where
    GaafTwins<P, S>: Default,
{
    /// The default activation and shape with `K = 10,000`: for [`GaafTanh`]
    /// and [`GaafReluPaper`], the paper's; for [`GaafRelu`], the paper's
    /// shape on ReLU's saturated side only.
    fn default() -> Self {
        Self {
            twins: Arc::new(GaafTwins::default()),
        }
    }
}

impl<P: Recast<f32>, S: Recast<f32>> Clone for Gaaf<P, S> {
    fn clone(&self) -> Self {
        Self {
            twins: self.twins.clone(),
        }
    }
}

impl<P: Recast<f32>, S: Recast<f32>> PartialEq for Gaaf<P, S>
where
    GaafTwins<P, S>: PartialEq,
{
    fn eq(&self, other: &Self) -> bool {
        self.twins == other.twins
    }
}

impl<P: Recast<f32>, S: Recast<f32>> fmt::Debug for Gaaf<P, S>
where
    GaafTwins<P, S>: fmt::Debug,
{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Gaaf").field("twins", &self.twins).finish()
    }
}

/// The record's name for the hyperparameter tensor.
const HYPERPARAMETERS: &str = "hyperparameters";

impl<P: Part, S: Part> Module for Gaaf<P, S>
where
    GaafTwins<P, S>: Twin<f32> + Twin<f64> + Send + Sync + fmt::Debug,
{
    fn collect_devices(&self, devices: Devices) -> Devices {
        devices
    }

    fn fork(self, _device: &Device) -> Self {
        self
    }

    fn to_device(self, _device: &Device) -> Self {
        self
    }

    fn train(self) -> Self {
        self
    }

    fn valid(&self) -> Self {
        self.clone()
    }

    fn materialize(self) -> Self {
        self
    }

    /// Visits the hyperparameter tensor, at path
    /// `hyperparameters.<activation>_<shape>` (`hyperparameters.tanh_gaussian_bump`).
    fn visit<V: ModuleVisitor>(&self, visitor: &mut V) {
        let name = Self::record_name();
        visitor.enter_module(HYPERPARAMETERS, "Gaaf");
        visitor.enter_module(&name, "Gaaf");
        visitor.visit_float(&Self::hyperparameter_param(self.hyperparameters()));
        visitor.exit_module(&name, "Gaaf");
        visitor.exit_module(HYPERPARAMETERS, "Gaaf");
    }

    /// Maps the hyperparameter tensor; when the mapper changed it (loading a
    /// record), the module takes the new values.
    ///
    /// # Panics
    ///
    /// When a loaded record's values are not a valid GAAF of this type (a
    /// `K` of 0, a negative width; a record written by this crate never
    /// has them): burn's `Module::map` has no error channel.
    fn map<M: ModuleMapper>(self, mapper: &mut M) -> Self {
        let name = Self::record_name();
        let own = self.hyperparameters();
        mapper.enter_module(HYPERPARAMETERS, "Gaaf");
        mapper.enter_module(&name, "Gaaf");
        let mapped = mapper.map_float(Self::hyperparameter_param(own.clone()));
        mapper.exit_module(&name, "Gaaf");
        mapper.exit_module(HYPERPARAMETERS, "Gaaf");
        let values = mapped.val().into_data().convert::<f64>();
        match values.as_slice::<f64>() {
            Ok(v) if v == own.as_slice() => self,
            Ok(v) => Self::from_hyperparameters(v).unwrap_or_else(|e| {
                panic!("the record's GAAF hyperparameters {v:?} are invalid: {e}")
            }),
            Err(e) => panic!("the record's GAAF hyperparameters are unreadable: {e:?}"),
        }
    }
}

impl<P: Recast<f32>, S: Recast<f32>> ModuleDisplayDefault for Gaaf<P, S>
where
    GaafTwins<P, S>: fmt::Debug,
{
    fn content(&self, content: Content) -> Option<Content> {
        content
            .add_formatted(&format!("{:?}", self.twins))
            .optional()
    }

    fn num_params(&self) -> usize {
        0
    }
}

impl<P: Recast<f32>, S: Recast<f32>> ModuleDisplay for Gaaf<P, S> where GaafTwins<P, S>: fmt::Debug {}
