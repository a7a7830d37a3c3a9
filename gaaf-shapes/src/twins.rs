//! One GAAF activation for both float types, defined once in `f64`: what the
//! backend modules (`gaaf-dfdx`, `gaaf-candle`) hold.

use crate::{Error, Identity, Recast, Relu, Sigmoid, Tanh};
use gaaf_core::{Differentiable, Gaaf, GradAccel, Real};

/// The `f32` twin of `phi + g*s` for an activation `P` and a shape `S` given
/// in `f64`.
pub type Gaaf32<P, S> = Gaaf<<P as Recast<f32>>::Output, <S as Recast<f32>>::Output, f32>;

/// A GAAF activation `phi + g*s` defined once, with `f64` parameters, and its
/// `f32` twin derived from the same constants ([`Recast`]).
///
/// **Why**: a framework module applies one activation to `f32` and to `f64`
/// tensors, while `gaaf-core`'s functions are typed. Keeping the `f64`
/// definition and deriving the twin from it, at construction and whenever a
/// parameter changes, means both float types always apply the same function
/// (to the rounding of its constants), and what a user sets, reads back.
/// The modules `gaaf_dfdx::Gaaf` and `gaaf_candle::Gaaf` hold one of these
/// and have the same constructors.
///
/// The pieces are the activation `P` (e.g. [`Tanh`](crate::Tanh)), the shape
/// `S` with `f64` parameters (e.g. [`GaussianBump<f64>`](crate::GaussianBump))
/// and `g` with its `K` ([`GradAccel<f64>`]). [`Twin`] hands out the function
/// for a float type.
///
/// # Example
///
/// ```
/// use gaaf_shapes::{Differentiable, GaafTwins, GaussianBump, GradAccel, Tanh, Twin};
///
/// let act = GaafTwins::new(Tanh, GaussianBump::paper_tanh(), GradAccel::new(100.0)?)?;
/// assert_eq!(act.k(), 100.0);
/// let f32_fn = Twin::<f32>::twin(&act);
/// let f64_fn = Twin::<f64>::twin(&act);
/// assert_eq!(f32_fn.accel().k(), 100.0_f32);
/// assert!((f64_fn.derivative(3.0) - f64::from(f32_fn.derivative(3.0))).abs() < 1e-6);
/// # Ok::<(), gaaf_shapes::Error>(())
/// ```
pub struct GaafTwins<P: Recast<f32>, S: Recast<f32>> {
    f64: Gaaf<P, S, f64>,
    f32: Gaaf32<P, S>,
}

impl<P: Recast<f32>, S: Recast<f32>> GaafTwins<P, S> {
    /// `phi + g*s` from its three parts, and its `f32` twin.
    ///
    /// # Errors
    ///
    /// [`Error`] when a constant (`K` or a shape parameter) does not fit
    /// `f32`.
    ///
    /// ```
    /// use gaaf_shapes::{GaafTwins, GaussianBump, GradAccel, Tanh};
    ///
    /// let bump = GaussianBump::<f64>::paper_tanh();
    /// assert!(GaafTwins::new(Tanh, bump, GradAccel::new(1e300)?).is_err());
    /// # Ok::<(), gaaf_shapes::Error>(())
    /// ```
    pub fn new(phi: P, shape: S, accel: GradAccel<f64>) -> Result<Self, Error> {
        let f64 = Gaaf::new(phi, shape, accel);
        let f32 = Gaaf::new(f64.phi().recast()?, f64.shape().recast()?, accel.recast()?);
        Ok(Self { f64, f32 })
    }

    /// The same activation with another `g` (another `K`).
    ///
    /// # Errors
    ///
    /// [`Error`] when `K` does not fit `f32`.
    ///
    /// ```
    /// use gaaf_shapes::{GaafTwins, GaussianBump, GradAccel, Tanh};
    ///
    /// let act: GaafTwins<Tanh, GaussianBump<f64>> = GaafTwins::default();
    /// assert_eq!(act.with_accel(GradAccel::new(50.0)?)?.k(), 50.0);
    /// # Ok::<(), gaaf_shapes::Error>(())
    /// ```
    pub fn with_accel(self, accel: GradAccel<f64>) -> Result<Self, Error> {
        Ok(Self {
            f32: self.f32.with_accel(accel.recast()?),
            f64: self.f64.with_accel(accel),
        })
    }

    /// The same activation with another shape.
    ///
    /// # Errors
    ///
    /// [`Error`] when a shape parameter does not fit `f32`.
    ///
    /// ```
    /// use gaaf_shapes::{GaafTwins, GaussianBump, Tanh};
    ///
    /// let act: GaafTwins<Tanh, GaussianBump<f64>> = GaafTwins::default();
    /// let act = act.with_shape(GaussianBump::new(1.0, 0.0, 2.0)?)?;
    /// assert_eq!(act.shape().width(), 2.0);
    /// # Ok::<(), gaaf_shapes::Error>(())
    /// ```
    pub fn with_shape(self, shape: S) -> Result<Self, Error>
    where
        P: Clone,
    {
        Self::new(self.activation().clone(), shape, *self.accel())
    }

    /// The activation `phi`.
    pub fn activation(&self) -> &P {
        self.f64.phi()
    }

    /// The shape function `s`, with its `f64` parameters.
    pub fn shape(&self) -> &S {
        self.f64.shape()
    }

    /// `g`, with its `f64` `K`.
    pub fn accel(&self) -> &GradAccel<f64> {
        self.f64.accel()
    }

    /// The frequency constant `K` of `g` (Eq. 7).
    ///
    /// ```
    /// use gaaf_shapes::{GaafTwins, Relu, ShiftedSigmoid};
    ///
    /// assert_eq!(GaafTwins::<Relu, ShiftedSigmoid<f64>>::default().k(), 1e4);
    /// ```
    pub fn k(&self) -> f64 {
        self.f64.accel().k()
    }
}

/// The function a module applies to tensors of float type `F`.
///
/// [`GaafTwins`] implements it for `f32` (the twin) and `f64` (the
/// definition); the plain activations without parameters ([`Tanh`],
/// [`Sigmoid`], [`Relu`], [`Identity`]) for every [`Real`], as themselves.
/// Generic backend code (a module's `forward` for either dtype) names the
/// function through it.
///
/// ```
/// use gaaf_shapes::{Differentiable, GaafTwins, GaussianBump, Tanh, Twin};
///
/// let act: GaafTwins<Tanh, GaussianBump<f64>> = GaafTwins::default();
/// assert_eq!(Twin::<f32>::twin(&act), &gaaf_shapes::gaaf_tanh::<f32>());
/// assert_eq!(Twin::<f64>::twin(&act).value(0.5), gaaf_shapes::gaaf_tanh::<f64>().value(0.5));
/// ```
pub trait Twin<F> {
    /// The function for `F` (for [`GaafTwins`], a `gaaf_core::Gaaf<_, _, F>`).
    type Fn: Differentiable<F>;

    /// The function for `F`.
    fn twin(&self) -> &Self::Fn;
}

/// A parameterless activation is its own twin in every float type.
macro_rules! own_twin {
    ($($t:ty),*) => {$(
        impl<F: Real> Twin<F> for $t {
            type Fn = $t;

            fn twin(&self) -> &$t {
                self
            }
        }
    )*};
}
own_twin!(Tanh, Sigmoid, Relu, Identity);

impl<P, S> Twin<f32> for GaafTwins<P, S>
where
    P: Recast<f32>,
    S: Recast<f32>,
    P::Output: Differentiable<f32>,
    S::Output: Differentiable<f32>,
{
    type Fn = Gaaf32<P, S>;

    fn twin(&self) -> &Gaaf32<P, S> {
        &self.f32
    }
}

impl<P, S> Twin<f64> for GaafTwins<P, S>
where
    P: Recast<f32> + Differentiable<f64>,
    S: Recast<f32> + Differentiable<f64>,
{
    type Fn = Gaaf<P, S, f64>;

    fn twin(&self) -> &Gaaf<P, S, f64> {
        &self.f64
    }
}

impl<P: Recast<f32>, S: Recast<f32>> Default for GaafTwins<P, S>
where
    Gaaf<P, S, f64>: Default,
    Gaaf32<P, S>: Default,
{
    /// The default activation and shape of each float type with the paper's
    /// `K = 10,000`. For this crate's types the `f32` default is the twin of
    /// the `f64` one (`GaussianBump::paper_tanh()`,
    /// `ShiftedSigmoid::paper_relu()`, ...), so this cannot fail.
    fn default() -> Self {
        Self {
            f64: Gaaf::default(),
            f32: Gaaf::default(),
        }
    }
}

impl<P: Recast<f32>, S: Recast<f32>> Clone for GaafTwins<P, S>
where
    Gaaf<P, S, f64>: Clone,
    Gaaf32<P, S>: Clone,
{
    fn clone(&self) -> Self {
        Self {
            f64: self.f64.clone(),
            f32: self.f32.clone(),
        }
    }
}

impl<P: Recast<f32>, S: Recast<f32>> PartialEq for GaafTwins<P, S>
where
    Gaaf<P, S, f64>: PartialEq,
    Gaaf32<P, S>: PartialEq,
{
    fn eq(&self, other: &Self) -> bool {
        self.f64 == other.f64 && self.f32 == other.f32
    }
}

impl<P, S> core::fmt::Debug for GaafTwins<P, S>
where
    P: Recast<f32> + core::fmt::Debug,
    S: Recast<f32> + core::fmt::Debug,
{
    /// The `f64` definition; the twin follows from it.
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("GaafTwins")
            .field("phi", self.f64.phi())
            .field("shape", self.f64.shape())
            .field("k", &self.k())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{GaussianBump, Relu, ShiftedSigmoid, Tanh};

    #[test]
    fn default_twins_are_the_recast_definitions() {
        let t: GaafTwins<Tanh, GaussianBump<f64>> = GaafTwins::default();
        let built = GaafTwins::new(Tanh, GaussianBump::paper_tanh(), GradAccel::paper()).unwrap();
        assert_eq!(t, built);
        let r: GaafTwins<Relu, ShiftedSigmoid<f64>> = GaafTwins::default();
        let built = GaafTwins::new(Relu, ShiftedSigmoid::paper_relu(), GradAccel::paper()).unwrap();
        assert_eq!(r, built);
    }

    #[test]
    fn changes_reach_both_twins() {
        let t: GaafTwins<Tanh, GaussianBump<f64>> = GaafTwins::default();
        let t = t
            .with_accel(GradAccel::new(250.0).unwrap())
            .unwrap()
            .with_shape(GaussianBump::new(0.5, 1.0, 2.0).unwrap())
            .unwrap();
        assert_eq!(Twin::<f32>::twin(&t).accel().k(), 250.0);
        assert_eq!(
            Twin::<f32>::twin(&t).shape(),
            &GaussianBump::new(0.5, 1.0, 2.0).unwrap()
        );
        assert_eq!(t.k(), 250.0);
        assert_eq!(t.shape().center(), 1.0);
    }
}
