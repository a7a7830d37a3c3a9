//! `gaaf-shapes` functions as burn tensor ops, and their parameters as a flat
//! list: what the composed path runs and what a record stores.

use crate::Error;
use burn::tensor::activation::relu;
use burn::tensor::Tensor;
use gaaf_shapes::{
    Constant, GaussianBump, Identity, LeftOf, Relu, ShapeFn, ShiftedSigmoid, ShoulderBump, Sigmoid,
    Tanh,
};

/// A `gaaf-shapes` activation or shape (with `f64` parameters) that burn can
/// evaluate with its own tensor ops, on any backend and with gradients, and
/// whose parameters round-trip through a flat list of `f64`s.
///
/// Implemented for [`Tanh`], [`Relu`], [`Sigmoid`], [`Identity`],
/// [`GaussianBump`], [`ShiftedSigmoid`], [`ShoulderBump`], [`Constant`], and
/// [`LeftOf`] around any of these shapes: every function with a closed form.
/// (`DropoutMatched` is a quadrature and `Tabulated` a table; neither has
/// burn ops.)
pub trait TensorFn: Sized {
    /// How many parameters [`TensorFn::params`] lists.
    const PARAMS: usize;

    /// A stable snake-case name of the function type (`"tanh"`,
    /// `"gaussian_bump"`, `"left_of_shifted_sigmoid"`): records key the
    /// parameters by it, so that a record of another function is refused
    /// rather than read as this one's parameters.
    fn name() -> String;

    /// The function applied element-wise to `x`, recorded on `x`'s autodiff
    /// graph when it has one.
    fn apply<const D: usize>(&self, x: Tensor<D>) -> Tensor<D>;

    /// The parameters, in the order [`TensorFn::from_params`] reads them.
    fn params(&self) -> Vec<f64>;

    /// The function with these parameters.
    ///
    /// # Errors
    ///
    /// [`Error::Params`] when the count is wrong, [`Error::Shapes`] when a
    /// value is out of the shape's range.
    fn from_params(params: &[f64]) -> Result<Self, Error>;
}

/// `params` as exactly `N` values, or [`Error::Params`].
fn exactly<const N: usize>(params: &[f64], what: &'static str) -> Result<[f64; N], Error> {
    params.try_into().map_err(|_| Error::Params {
        what,
        expected: N,
        got: params.len(),
    })
}

/// `sigmoid(x)` as `(1 + tanh(x/2)) / 2`: burn 0.22's own `sigmoid`
/// computes in `f32` whatever the tensor's dtype (burn-backend's default
/// casts to `f32` and back), which put `f64` GAAF off by 3e-8; `1 / (1 +
/// exp(-x))` would overflow to a NaN gradient for large negative `x`. tanh
/// keeps the dtype, and saturates cleanly.
fn sigmoid<const D: usize>(x: Tensor<D>) -> Tensor<D> {
    x.mul_scalar(0.5).tanh().add_scalar(1.0).mul_scalar(0.5)
}

macro_rules! parameterless {
    ($($t:ident, $name:literal => |$x:ident| $body:expr),* $(,)?) => {$(
        impl TensorFn for $t {
            const PARAMS: usize = 0;

            fn name() -> String {
                $name.into()
            }

            fn apply<const D: usize>(&self, $x: Tensor<D>) -> Tensor<D> {
                $body
            }

            fn params(&self) -> Vec<f64> {
                Vec::new()
            }

            fn from_params(params: &[f64]) -> Result<Self, Error> {
                exactly::<0>(params, stringify!($t))?;
                Ok($t)
            }
        }
    )*};
}

parameterless! {
    Tanh, "tanh" => |x| x.tanh(),
    Relu, "relu" => |x| relu(x),
    Sigmoid, "sigmoid" => |x| sigmoid(x),
    Identity, "identity" => |x| x,
}

impl TensorFn for GaussianBump<f64> {
    const PARAMS: usize = 3;

    fn name() -> String {
        "gaussian_bump".into()
    }

    /// `height * exp(-(x - center)^2 / width)`.
    fn apply<const D: usize>(&self, x: Tensor<D>) -> Tensor<D> {
        x.sub_scalar(self.center())
            .square()
            .div_scalar(-self.width())
            .exp()
            .mul_scalar(self.height())
    }

    fn params(&self) -> Vec<f64> {
        vec![self.height(), self.center(), self.width()]
    }

    fn from_params(params: &[f64]) -> Result<Self, Error> {
        let [height, center, width] = exactly(params, "GaussianBump")?;
        Ok(Self::new(height, center, width)?)
    }
}

impl TensorFn for ShiftedSigmoid<f64> {
    const PARAMS: usize = 2;

    fn name() -> String {
        "shifted_sigmoid".into()
    }

    /// `sigmoid(slope * (x + shift))`.
    fn apply<const D: usize>(&self, x: Tensor<D>) -> Tensor<D> {
        sigmoid(x.add_scalar(self.shift()).mul_scalar(self.slope()))
    }

    fn params(&self) -> Vec<f64> {
        vec![self.slope(), self.shift()]
    }

    fn from_params(params: &[f64]) -> Result<Self, Error> {
        let [slope, shift] = exactly(params, "ShiftedSigmoid")?;
        Ok(Self::new(slope, shift)?)
    }
}

impl TensorFn for ShoulderBump<f64> {
    const PARAMS: usize = 2;

    fn name() -> String {
        "shoulder_bump".into()
    }

    /// `height * u * exp(1 - u)`, `u = x^2 / width`.
    fn apply<const D: usize>(&self, x: Tensor<D>) -> Tensor<D> {
        let u = x.square().div_scalar(self.width());
        let e = u.clone().neg().add_scalar(1.0).exp();
        (u * e).mul_scalar(self.height())
    }

    fn params(&self) -> Vec<f64> {
        vec![self.height(), self.width()]
    }

    fn from_params(params: &[f64]) -> Result<Self, Error> {
        let [height, width] = exactly(params, "ShoulderBump")?;
        Ok(Self::new(height, width)?)
    }
}

impl TensorFn for Constant<f64> {
    const PARAMS: usize = 1;

    fn name() -> String {
        "constant".into()
    }

    /// `c`, with a zero gradient.
    fn apply<const D: usize>(&self, x: Tensor<D>) -> Tensor<D> {
        x.mul_scalar(0.0).add_scalar(self.get())
    }

    fn params(&self) -> Vec<f64> {
        vec![self.get()]
    }

    fn from_params(params: &[f64]) -> Result<Self, Error> {
        let [c] = exactly(params, "Constant")?;
        Ok(Self::new(c)?)
    }
}

impl<S: ShapeFn<f64> + TensorFn> TensorFn for LeftOf<S, f64> {
    const PARAMS: usize = 1 + S::PARAMS;

    fn name() -> String {
        format!("left_of_{}", S::name())
    }

    /// `inner(x)` where `x <= edge`, else 0. The mask is `x > edge`, false for
    /// NaN, so NaN reaches `inner` as on the CPU.
    fn apply<const D: usize>(&self, x: Tensor<D>) -> Tensor<D> {
        let right = x.clone().greater_elem(self.edge());
        self.inner().apply(x).mask_fill(right, 0.0)
    }

    /// The edge, then the inner shape's parameters.
    fn params(&self) -> Vec<f64> {
        let mut p = vec![self.edge()];
        p.extend(self.inner().params());
        p
    }

    fn from_params(params: &[f64]) -> Result<Self, Error> {
        let (&edge, inner) = params.split_first().ok_or(Error::Params {
            what: "LeftOf",
            expected: 1,
            got: 0,
        })?;
        Ok(Self::new(S::from_params(inner)?, edge)?)
    }
}
