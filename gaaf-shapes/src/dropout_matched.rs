//! The dropout-matched shape: the slope dropout's noise would add, supplied
//! deterministically.

use crate::error::{check, Error};
use crate::recast::narrow;
use crate::{Activation, GaussHermite, Recast, ShapeFn, Tabulated};
use gaaf_core::{Differentiable, Real};

/// The number of Gauss-Hermite nodes [`DropoutMatched`] uses unless told
/// otherwise.
///
/// The largest absolute error of `E[tanh'(x + sigma*eps)]` over `x` in
/// [-6, 6], against composite Simpson integration (the test
/// `tanh_and_sigmoid_quadrature_match_simpson`), was, with 64 nodes: below
/// 2e-14 for `sigma <= 0.5`; 3e-9 at `sigma = 1`; 9e-5 at `sigma = 2`; 2e-3 at
/// `sigma = 3` (32 nodes: 3e-6, 2e-3, 2e-2). The error grows with `sigma`
/// because `tanh'` has poles at `±i pi/2`, which the scaled rule sees closer to
/// the real line. Dropout's net variances in the paper's Table 3 (1 to 2) mean
/// `sigma` of 1 to 1.4.
///
/// ```
/// use gaaf_shapes::{DropoutMatched, Tanh, DEFAULT_NODES};
///
/// // `new` uses this many nodes; `with_nodes` takes another count.
/// let _s: DropoutMatched<Tanh, f32, DEFAULT_NODES> = DropoutMatched::new(Tanh, 1.0)?;
/// # Ok::<(), gaaf_shapes::Error>(())
/// ```
pub const DEFAULT_NODES: usize = 64;

/// How dropout scales the units it keeps, which sets the variance it gives a
/// net (Eq. 6).
///
/// ```
/// use gaaf_shapes::{dropout_sigma, DropoutScaling};
///
/// let paper = dropout_sigma(0.2_f64, 1.0, DropoutScaling::Paper)?;
/// let inverted = dropout_sigma(0.2_f64, 1.0, DropoutScaling::Inverted)?;
/// assert!(inverted > paper); // 0.25 vs 0.16 in variance
/// # Ok::<(), gaaf_shapes::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DropoutScaling {
    /// Units are kept as they are while training and scaled at test time, as the
    /// paper writes Eq. 4: `Var(z) = p (1 - p) sum_i (W_ij x_i)^2` (Eq. 6).
    #[default]
    Paper,
    /// "Inverted" dropout, as PyTorch, dfdx and candle implement it: kept units
    /// are divided by `1 - p` while training, so
    /// `Var(z) = p / (1 - p) sum_i (W_ij x_i)^2`.
    Inverted,
}

/// The standard deviation dropout gives a net (Eq. 6): the square root of
/// `p (1 - p) S` ([`DropoutScaling::Paper`]) or `p / (1 - p) S`
/// ([`DropoutScaling::Inverted`]), where `p` is the dropout rate and `S` a layer's
/// mean of `sum_i (W_ij x_i)^2` over its units and samples.
///
/// # Errors
///
/// [`Error::InvalidParameter`] unless `0 <= p < 1` and `S` is finite and
/// non-negative.
///
/// # Example
///
/// ```
/// use gaaf_shapes::{dropout_sigma, DropoutScaling};
///
/// // p = 0.5, S = 4: variance 0.25 * 4 = 1.
/// assert_eq!(dropout_sigma(0.5_f64, 4.0, DropoutScaling::Paper)?, 1.0);
/// // Inverted dropout: variance 1 * 4 = 4.
/// assert_eq!(dropout_sigma(0.5_f64, 4.0, DropoutScaling::Inverted)?, 2.0);
/// # Ok::<(), gaaf_shapes::Error>(())
/// ```
pub fn dropout_sigma<F: Real>(p: F, mean_sum_sq: F, scaling: DropoutScaling) -> Result<F, Error> {
    let p = check("p", p, "in [0, 1)", |p| p >= F::zero() && p < F::one())?;
    let s = check("mean_sum_sq", mean_sum_sq, "finite and >= 0", |s| {
        s.is_finite() && s >= F::zero()
    })?;
    let q = F::one() - p;
    let variance = match scaling {
        DropoutScaling::Paper => p * q * s,
        DropoutScaling::Inverted => p / q * s,
    };
    Ok(variance.sqrt())
}

/// The shape that gives an activation, deterministically, the slope that
/// dropout's noise gives it on average:
/// `s(x) = max(0, E[phi'(x + sigma*eps)] - phi'(x))`, `eps ~ N(0, 1)`.
///
/// **Why**: the paper explains dropout's effect as gradient flowing through the
/// saturated parts of `phi` because dropout gives each net a variance (Eq. 6),
/// and notes that GAAF's shape "needs to be reshaped according to the dropout
/// rate" (section 4), leaving it to future work. Under Gaussian noise of
/// standard deviation `sigma` the expected slope at `x` is
/// `E[phi'(x + sigma*eps)]`; where that exceeds the plain slope `phi'(x)` (the
/// shoulders and saturated tails of tanh; left of ReLU's kink) this shape
/// supplies the difference, and elsewhere nothing. Its height and reach grow
/// with `sigma`, that is, with the dropout rate.
///
/// **Method**: the expectation and its derivative come from
/// [`Activation::noisy_slope`]: Gauss-Hermite quadrature with `N` nodes
/// (default [`DEFAULT_NODES`]) for smooth activations, the closed form
/// `Phi(x / sigma)` for ReLU. The derivative is
/// `d/dx E[phi'(x + sigma*eps)] - phi''(x)` where `s > 0`, else 0, consistent
/// with the value (checked against finite differences). Each evaluation costs
/// `N` evaluations of `phi'` and `phi''`; construction computes the rule once.
///
/// **Special cases**: `sigma = 0` gives `s = 0`. NaN in gives NaN out. For ReLU,
/// `s` jumps from `Phi(0) = 0.5` to 0 at the kink (`x = 0`), as the plain slope
/// does.
///
/// # Example
///
/// ```
/// use gaaf_shapes::{DropoutMatched, Differentiable, Tanh, Relu};
///
/// let s = DropoutMatched::new(Tanh, 1.0_f64)?;
/// // On tanh's shoulder, x = 2: tanh' = 0.071, but noise lets more slope through.
/// assert!(s.value(2.0) > 0.1);
/// // In the linear middle, noise lowers the slope: no extra slope there.
/// assert_eq!(s.value(0.0), 0.0);
///
/// // ReLU with unit noise: left of the kink, the slope is Phi(x).
/// let r = DropoutMatched::new(Relu, 1.0_f64)?;
/// assert!((r.value(-1.0) - 0.158_655_253_931_457).abs() < 1e-12);
/// assert_eq!(r.value(1.0), 0.0);
/// # Ok::<(), gaaf_shapes::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DropoutMatched<A, F, const N: usize = DEFAULT_NODES> {
    activation: A,
    sigma: F,
    rule: GaussHermite<F, N>,
}

impl<F: Real, A: Activation<F>> DropoutMatched<A, F> {
    /// The shape matched to noise of standard deviation `sigma` on the net,
    /// with [`DEFAULT_NODES`] quadrature nodes.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidParameter`] unless `sigma` is finite and `>= 0`.
    ///
    /// ```
    /// use gaaf_shapes::{DropoutMatched, Tanh};
    ///
    /// assert!(DropoutMatched::<_, f32>::new(Tanh, 0.7).is_ok());
    /// assert!(DropoutMatched::<_, f32>::new(Tanh, -0.7).is_err());
    /// ```
    pub fn new(activation: A, sigma: F) -> Result<Self, Error> {
        Self::with_nodes(activation, sigma)
    }

    /// The shape matched to dropout at rate `p` on a layer whose mean of
    /// `sum_i (W_ij x_i)^2` is `mean_sum_sq` ([`dropout_sigma`], Eq. 6).
    ///
    /// # Errors
    ///
    /// As [`dropout_sigma`].
    ///
    /// ```
    /// use gaaf_shapes::{DropoutMatched, DropoutScaling, Tanh};
    ///
    /// let s = DropoutMatched::<_, f32>::from_dropout(Tanh, 0.5, 4.0, DropoutScaling::Paper)?;
    /// assert_eq!(s.sigma(), 1.0);
    /// # Ok::<(), gaaf_shapes::Error>(())
    /// ```
    pub fn from_dropout(
        activation: A,
        p: F,
        mean_sum_sq: F,
        scaling: DropoutScaling,
    ) -> Result<Self, Error> {
        Self::new(activation, dropout_sigma(p, mean_sum_sq, scaling)?)
    }
}

impl<F: Real, A: Activation<F>, const N: usize> DropoutMatched<A, F, N> {
    /// As [`DropoutMatched::new`], with an `N`-node rule: fewer nodes for speed
    /// at small `sigma`, more for accuracy at large `sigma` (see
    /// [`DEFAULT_NODES`]).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidParameter`] unless `sigma` is finite and `>= 0`.
    ///
    /// ```
    /// use gaaf_shapes::{Differentiable, DropoutMatched, Tanh};
    ///
    /// let fast = DropoutMatched::<_, f32, 16>::with_nodes(Tanh, 0.3)?;
    /// let exact = DropoutMatched::<_, f32>::new(Tanh, 0.3)?;
    /// assert!((fast.value(1.5) - exact.value(1.5)).abs() < 1e-6);
    /// # Ok::<(), gaaf_shapes::Error>(())
    /// ```
    pub fn with_nodes(activation: A, sigma: F) -> Result<Self, Error> {
        let sigma = check("sigma", sigma, "finite and >= 0", |s| {
            s.is_finite() && s >= F::zero()
        })?;
        Ok(Self {
            activation,
            sigma,
            rule: GaussHermite::new(),
        })
    }

    /// The noise level this shape is matched to.
    ///
    /// ```
    /// use gaaf_shapes::{DropoutMatched, Tanh};
    ///
    /// assert_eq!(DropoutMatched::<_, f64>::new(Tanh, 0.7)?.sigma(), 0.7);
    /// # Ok::<(), gaaf_shapes::Error>(())
    /// ```
    pub fn sigma(&self) -> F {
        self.sigma
    }

    /// The activation this shape is matched to.
    ///
    /// ```
    /// use gaaf_shapes::{DropoutMatched, Tanh};
    ///
    /// assert_eq!(*DropoutMatched::<_, f64>::new(Tanh, 0.7)?.activation(), Tanh);
    /// # Ok::<(), gaaf_shapes::Error>(())
    /// ```
    pub fn activation(&self) -> &A {
        &self.activation
    }

    /// This shape as a [`Tabulated`] table of `M` nodes: the same values to
    /// within the table's interpolation error, at O(1) cost per element instead
    /// of `N` evaluations of `phi'` and `phi''`; the one to use in training.
    ///
    /// The table holds the smooth excess slope `E[phi'(x + sigma*eps)] -
    /// phi'(x)` on `[-(10 + 8 sigma), 10 + 8 sigma]`, beyond which it is below
    /// 1e-8 for tanh, and clamps at 0 after interpolating, so the kinks where
    /// the shape meets 0 stay sharp. For tanh with 1024 nodes the largest
    /// difference from the exact shape over [-11, 11] was below 2e-5 in value
    /// and 2e-3 in slope for `sigma` in {0.3, 1, 2} (tested). ReLU's excess
    /// slope jumps at 0; a table smooths that jump over one cell.
    ///
    /// # Errors
    ///
    /// As [`Tabulated::new`] (only for `M < 2`).
    ///
    /// ```
    /// use gaaf_shapes::{Differentiable, DropoutMatched, Tabulated, Tanh};
    ///
    /// let exact = DropoutMatched::<_, f32>::new(Tanh, 1.0)?;
    /// let fast: Tabulated<f32, 1024> = exact.tabulated()?;
    /// assert!((fast.value(2.0) - exact.value(2.0)).abs() < 1e-5);
    /// # Ok::<(), gaaf_shapes::Error>(())
    /// ```
    pub fn tabulated<const M: usize>(&self) -> Result<Tabulated<F, M>, Error> {
        /// The unclamped excess slope, smooth where `phi'` is.
        struct Excess<'a, A, F, const N: usize>(&'a DropoutMatched<A, F, N>);
        impl<F: Real, A: Activation<F>, const N: usize> Differentiable<F> for Excess<'_, A, F, N> {
            fn value(&self, x: F) -> F {
                self.0.excess_slope(x).0
            }
            fn derivative(&self, x: F) -> F {
                self.0.excess_slope(x).1
            }
        }
        let eight = F::from(8.0).unwrap_or_else(F::one);
        let ten = F::from(10.0).unwrap_or_else(F::one);
        let reach = ten + eight * self.sigma;
        Ok(Tabulated::new(&Excess(self), -reach, reach)?.positive_part())
    }

    /// `(E[phi'(x + sigma*eps)] - phi'(x), its derivative)`, before clamping.
    #[inline]
    fn excess_slope(&self, x: F) -> (F, F) {
        if self.sigma == F::zero() {
            return (F::zero(), F::zero());
        }
        let (mean, mean_slope) = self.activation.noisy_slope(x, self.sigma, &self.rule);
        (
            mean - self.activation.derivative(x),
            mean_slope - self.activation.second_derivative(x),
        )
    }
}

impl<F: Real, A: Activation<F>, const N: usize> Differentiable<F> for DropoutMatched<A, F, N> {
    #[inline]
    fn value(&self, x: F) -> F {
        let (excess, _) = self.excess_slope(x);
        // `<=` is false for NaN, which passes through.
        if excess <= F::zero() {
            F::zero()
        } else {
            excess
        }
    }

    #[inline]
    fn derivative(&self, x: F) -> F {
        let (excess, slope) = self.excess_slope(x);
        if excess <= F::zero() {
            F::zero()
        } else if excess.is_nan() {
            excess
        } else {
            slope
        }
    }
}

impl<F: Real, A: Activation<F>, const N: usize> ShapeFn<F> for DropoutMatched<A, F, N> {}

impl<F: Real, G: Real, A: Activation<F> + Clone, const N: usize> Recast<F>
    for DropoutMatched<A, G, N>
{
    type Output = DropoutMatched<A, F, N>;

    /// [`DropoutMatched::with_nodes`] with `sigma` rounded to `F`: the
    /// quadrature rule is computed again for `F`, so the result is the shape
    /// built directly in `F`.
    fn recast(&self) -> Result<DropoutMatched<A, F, N>, Error> {
        DropoutMatched::with_nodes(self.activation.clone(), narrow("sigma", self.sigma)?)
    }
}
