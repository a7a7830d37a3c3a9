//! The dfdx module [`Gaaf`] and its aliases for the paper's activations.

use crate::{Error, GaafDevice};
use dfdx::nn::{Module, NonMutableModule};
use dfdx::shapes::{Dtype, Shape};
use dfdx::tensor::{Tape, Tensor};
use gaaf_core::GradAccel;
use gaaf_shapes::{
    GaafTwins, GaussianBump, LeftOf, Recast, Relu, ShiftedSigmoid, ShoulderBump, Tanh, Twin,
};

/// A dfdx module that applies GAAF, `phi + g*s` (Eq. 8), element-wise with
/// its exact derivative: in a model tuple exactly where `Tanh` or `ReLU`
/// would go.
///
/// `P` is the activation (a `gaaf-shapes` activation such as [`Tanh`] or
/// [`Relu`], or your own) and `S` the shape function with `f64` parameters
/// (such as [`GaussianBump<f64>`]); [`GaafTanh`] and [`GaafReluPaper`] are
/// the paper's two, and [`GaafRelu`] is ReLU with the paper's shape on its
/// saturated side only. The module holds its `K` and shape as values and serves `f32`
/// and `f64` tensors alike: it keeps the `f64` definition and an `f32` twin
/// derived from the same constants ([`GaafTwins`]). On the CPU any
/// [`Differentiable`](gaaf_core::Differentiable) activation and shape work;
/// on CUDA they must be [`TensorFn`](crate::TensorFn)s ([`GaafDevice`]).
///
/// **Hyperparameters survive dfdx's conversions**: `to_device`, `to_dtype`,
/// `reset_params`, the optimisers, and whatever else walks a model through
/// dfdx's `TensorCollection` keep `K` and the shape: the converted module
/// is a clone of the one converted. A model built from
/// its type alone, `dev.build_module::<Mlp, f32>()`, gets `Default` (the
/// alias's shape, `K = 10,000`), as no other value exists yet: set the
/// module after building, as in the example.
///
/// `gaaf-candle`'s `Gaaf` has the same constructors and accessors; both are
/// `gaaf-shapes`' functions of the same names as framework modules.
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
///
/// // K stays through dfdx's conversions.
/// let model64 = model.to_dtype::<f64>();
/// assert_eq!(model64.0 .1.k(), 100.0);
///
/// let x: Tensor<Rank2<3, 4>, f32, _> = dev.sample_normal();
/// let y = model.forward(x.leaky_trace());
/// let grads = y.square().mean().backward();
/// assert!(grads.get(&model.0 .0.weight).as_vec().iter().any(|g| *g != 0.0));
/// # Ok::<(), gaaf_dfdx::Error>(())
/// ```
pub struct Gaaf<P: Recast<f32>, S: Recast<f32>> {
    pub(crate) twins: GaafTwins<P, S>,
    /// The field through which dfdx's visitors see the module
    /// (`crate::collection`).
    pub(crate) hyper: crate::collection::Hyper,
}

/// GAAF on tanh with a Gaussian-bump shape; `Default` is the paper's,
/// `tanh + g * exp(-x^2/3.7)` with `K = 10,000`: the module for
/// `gaaf_shapes::GaafTanh`.
///
/// ```
/// use gaaf_dfdx::GaafTanh;
///
/// assert_eq!(GaafTanh::default().shape().width(), 3.7);
/// ```
pub type GaafTanh = Gaaf<Tanh, GaussianBump<f64>>;

/// GAAF on ReLU with slope added on its saturated side only, the default
/// GAAF-ReLU: the paper's shifted sigmoid for `x <= 0`, nothing for `x > 0`
/// (`gaaf_shapes::LeftOf::relu_saturation`), with `K = 10,000`: the module
/// for `gaaf_shapes::GaafRelu`.
///
/// Why not the paper's shape ([`GaafReluPaper`]): gradient gain with nets
/// `N(0, 1)` (`gaaf_shapes::GradientGain`, `E[phi_new'^2] / E[phi'^2]`).
/// This shape has 1.25: 1.12 per layer on the backward signal, 3.8 over 12
/// layers. The paper's has 4.20: 2.05 per layer, about 5,500 over 12 layers,
/// and a 12-layer ReLU network without batch normalisation diverges with it
/// at learning rate 0.01.
///
/// ```
/// use gaaf_dfdx::GaafRelu;
/// use gaaf_shapes::Differentiable;
///
/// let act = GaafRelu::default();
/// assert_eq!(act.shape().edge(), 0.0);
/// assert_eq!(act.function::<f32>().derivative(2.0), 1.0); // relu' alone
/// assert!(act.function::<f32>().derivative(-0.2) > 0.8);
/// ```
pub type GaafRelu = Gaaf<Relu, LeftOf<ShiftedSigmoid<f64>, f64>>;

/// GAAF on ReLU with a shifted-sigmoid shape; `Default` is the paper's,
/// `relu + g * sigmoid(5 (x + 0.5))` with `K = 10,000`: the module for
/// `gaaf_shapes::GaafReluPaper`, for reproducing the paper.
///
/// Gradient gain with nets `N(0, 1)` (`gaaf_shapes::GradientGain`): 4.20 in
/// mean squared slope, `E[phi_new'^2] / E[phi'^2]`, so 2.05 per layer on the
/// backward signal and about 5,500 over 12 layers: the shape is about 1
/// wherever ReLU's slope is already 1, and a 12-layer ReLU network without
/// batch normalisation diverges with it at learning rate 0.01. [`GaafRelu`]
/// (1.12 per layer) is the default for that reason.
///
/// ```
/// use gaaf_dfdx::GaafReluPaper;
///
/// assert_eq!(GaafReluPaper::default().shape().slope(), 5.0);
/// ```
pub type GaafReluPaper = Gaaf<Relu, ShiftedSigmoid<f64>>;

/// GAAF on tanh with the shoulder shape, zero at the centre and largest at
/// `|x| = 1.92` (`gaaf_shapes::ShoulderBump`): slope added where tanh
/// saturates, not in its linear middle. The module for
/// `gaaf_shapes::GaafTanhShoulder`. Gradient gain with nets `N(0, 1)`: 2.12
/// in mean squared slope (the paper's [`GaafTanh`]: 4.86).
///
/// ```
/// use gaaf_dfdx::GaafTanhShoulder;
/// use gaaf_shapes::Differentiable;
///
/// let act = GaafTanhShoulder::default();
/// assert_eq!(act.function::<f64>().derivative(0.0), 1.0); // tanh' alone
/// ```
pub type GaafTanhShoulder = Gaaf<Tanh, ShoulderBump<f64>>;

impl<P: Recast<f32>, S: Recast<f32>> Gaaf<P, S> {
    /// `phi + g*s` from its three parts.
    ///
    /// # Errors
    ///
    /// [`Error::Core`] when `K` does not fit `f32`, [`Error::Shapes`] when a
    /// shape parameter does not.
    ///
    /// ```
    /// use dfdx::prelude::*;
    /// use gaaf_dfdx::Gaaf;
    /// use gaaf_shapes::{GaussianBump, GradAccel, Sigmoid};
    ///
    /// let act = Gaaf::new(Sigmoid, GaussianBump::new(0.2, 0.0, 8.0)?, GradAccel::new(1e4)?)?;
    /// let dev = Cpu::default();
    /// let x = dev.tensor([0.0_f32, 1.0]);
    /// let g = act.forward(x.leaky_trace()).sum().backward();
    /// assert!((g.get(&x).array()[0] - 0.45).abs() < 1e-3);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(phi: P, shape: S, accel: GradAccel<f64>) -> Result<Self, Error> {
        Ok(Self::from_twins(GaafTwins::new(phi, shape, accel)?))
    }

    fn from_twins(twins: GaafTwins<P, S>) -> Self {
        Self {
            twins,
            hyper: Default::default(),
        }
    }

    /// The same module with frequency constant `k` in `g` (Eq. 7).
    ///
    /// # Errors
    ///
    /// [`Error::Core`] unless `k` is finite and positive, also once rounded
    /// to `f32`.
    ///
    /// ```
    /// use gaaf_dfdx::{Error, GaafTanh};
    ///
    /// assert_eq!(GaafTanh::default().with_k(100.0)?.k(), 100.0);
    /// assert!(matches!(GaafTanh::default().with_k(-1.0), Err(Error::Core(_))));
    /// assert!(GaafTanh::default().with_k(1e300).is_err()); // infinite in f32
    /// # Ok::<(), gaaf_dfdx::Error>(())
    /// ```
    pub fn with_k(self, k: f64) -> Result<Self, Error> {
        let accel = GradAccel::new(k)?;
        Ok(Self::from_twins(self.twins.with_accel(accel)?))
    }

    /// The same module with another shape.
    ///
    /// # Errors
    ///
    /// [`Error::Shapes`] when a shape parameter does not fit `f32`.
    ///
    /// ```
    /// use gaaf_dfdx::GaafTanh;
    /// use gaaf_shapes::GaussianBump;
    ///
    /// let act = GaafTanh::default().with_shape(GaussianBump::new(1.0, 0.0, 2.0)?)?;
    /// assert_eq!(act.shape().width(), 2.0);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn with_shape(self, shape: S) -> Result<Self, Error>
    where
        P: Clone,
    {
        Ok(Self::from_twins(self.twins.with_shape(shape)?))
    }

    /// The activation `phi`.
    ///
    /// ```
    /// use gaaf_dfdx::GaafRelu;
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
    /// use gaaf_dfdx::GaafTanh;
    /// use gaaf_shapes::GaussianBump;
    ///
    /// assert_eq!(GaafTanh::default().shape(), &GaussianBump::paper_tanh());
    /// ```
    pub fn shape(&self) -> &S {
        self.twins.shape()
    }

    /// The frequency constant `K` of `g` (Eq. 7).
    ///
    /// ```
    /// use gaaf_dfdx::GaafTanh;
    ///
    /// assert_eq!(GaafTanh::default().k(), 1e4);
    /// ```
    pub fn k(&self) -> f64 {
        self.twins.k()
    }

    /// The function the module applies to tensors of dtype `E` (`f32` or
    /// `f64`), a [`gaaf_core::Gaaf`]: for scalar checks and for
    /// [`crate::try_gaaf`].
    ///
    /// ```
    /// use gaaf_dfdx::GaafTanh;
    /// use gaaf_shapes::Differentiable;
    ///
    /// let act = GaafTanh::default();
    /// assert!(act.function::<f32>().derivative(2.5) > 0.2); // tanh'(2.5) is 0.027
    /// assert_eq!(act.function::<f64>().accel().k(), 1e4);
    /// ```
    pub fn function<E>(&self) -> &<GaafTwins<P, S> as Twin<E>>::Fn
    where
        GaafTwins<P, S>: Twin<E>,
    {
        Twin::<E>::twin(&self.twins)
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
        Self::from_twins(GaafTwins::default())
    }
}

impl<P: Recast<f32>, S: Recast<f32>> Clone for Gaaf<P, S>
where
    GaafTwins<P, S>: Clone,
{
    fn clone(&self) -> Self {
        Self::from_twins(self.twins.clone())
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

impl<P: Recast<f32>, S: Recast<f32>> std::fmt::Debug for Gaaf<P, S>
where
    GaafTwins<P, S>: std::fmt::Debug,
{
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Gaaf").field(&self.twins).finish()
    }
}

impl<P: Recast<f32>, S: Recast<f32>> NonMutableModule for Gaaf<P, S> {}

impl<P, S, Sh, E, D, T> Module<Tensor<Sh, E, D, T>> for Gaaf<P, S>
where
    P: Recast<f32>,
    S: Recast<f32>,
    GaafTwins<P, S>: Twin<E>,
    Sh: Shape,
    E: Dtype,
    D: GaafDevice<E, <GaafTwins<P, S> as Twin<E>>::Fn>,
    T: Tape<E, D>,
{
    type Output = Tensor<Sh, E, D, T>;
    type Error = D::Err;

    /// GAAF with the twin for `E`, as [`crate::try_gaaf`].
    fn try_forward(&self, input: Tensor<Sh, E, D, T>) -> Result<Self::Output, D::Err> {
        D::try_gaaf(self.function::<E>(), input)
    }
}
