//! The Gaussian bump, the paper's shape for tanh.

use crate::error::{cast, finite, positive, Error};
use crate::recast::narrow;
use crate::{Recast, ShapeFn};
use gaaf_core::{Differentiable, Real};

/// A Gaussian bump, `s(x) = height * exp(-(x - center)^2 / width)`.
///
/// With `height = 1`, `center = 0` and `width = 3.7` it is the paper's
/// shape for tanh (Fig. 5a, [`GaussianBump::paper_tanh`]; the paper calls it
/// "an exponential function", section 4). The
/// paper's text gives no formula; the width 3.7 is a fit to its figure, and
/// puts `s(±2) = 0.34` and `s(±4.13) = 0.01`: the extra slope covers the
/// saturation shoulders of tanh (`tanh'(2) = 0.07`) and fades where dropout's
/// noise rarely reaches. Every constant is a parameter.
///
/// Derivative `-2 (x - center) / width * s(x)`. NaN in, NaN out; far from the
/// centre both underflow to 0.
///
/// # Example
///
/// ```
/// use gaaf_shapes::{Differentiable, GaussianBump};
///
/// let s = GaussianBump::<f64>::paper_tanh();
/// assert_eq!(s.value(0.0), 1.0);
/// assert!((s.value(2.0) - (-4.0_f64 / 3.7).exp()).abs() < 1e-15);
///
/// let bump = GaussianBump::new(0.5_f32, 2.0, 1.0)?;
/// assert_eq!(bump.value(2.0), 0.5);
/// # Ok::<(), gaaf_shapes::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GaussianBump<F> {
    height: F,
    center: F,
    width: F,
    /// `-1/width`, rounded once: the kernels multiply by it instead of
    /// dividing by `width`, which in a vector loop costs several times more.
    neg_inv_width: F,
}

/// The width the paper's Fig. 5a implies for `exp(-x^2 / width)`.
///
/// ```
/// use gaaf_shapes::{GaussianBump, PAPER_TANH_WIDTH};
///
/// assert_eq!(GaussianBump::<f64>::paper_tanh().width(), PAPER_TANH_WIDTH);
/// ```
pub const PAPER_TANH_WIDTH: f64 = 3.7;

impl<F: Real> GaussianBump<F> {
    /// `height * exp(-(x - center)^2 / width)`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidParameter`] unless `height` and `center` are finite and
    /// `width` is finite and positive with a finite `1/width` (not subnormal).
    ///
    /// ```
    /// use gaaf_shapes::GaussianBump;
    ///
    /// assert!(GaussianBump::new(1.0_f32, 0.0, 2.0).is_ok());
    /// assert!(GaussianBump::new(1.0_f32, 0.0, -2.0).is_err());
    /// ```
    pub fn new(height: F, center: F, width: F) -> Result<Self, Error> {
        let width = positive("width", width)?;
        Ok(Self {
            height: finite("height", height)?,
            center: finite("center", center)?,
            width,
            neg_inv_width: -width.recip(),
        })
    }

    /// The paper's shape for tanh: `exp(-x^2 / 3.7)`.
    ///
    /// ```
    /// use gaaf_shapes::{Differentiable, GaussianBump};
    ///
    /// let s = GaussianBump::<f64>::paper_tanh();
    /// assert!((s.value(2.0) - 0.339).abs() < 1e-3);
    /// ```
    pub fn paper_tanh() -> Self {
        let width: F = cast(PAPER_TANH_WIDTH);
        Self {
            height: F::one(),
            center: F::zero(),
            width,
            neg_inv_width: -width.recip(),
        }
    }

    /// The peak value.
    ///
    /// ```
    /// use gaaf_shapes::GaussianBump;
    ///
    /// assert_eq!(GaussianBump::new(0.3_f32, 1.0, 2.0)?.height(), 0.3);
    /// # Ok::<(), gaaf_shapes::Error>(())
    /// ```
    pub fn height(&self) -> F {
        self.height
    }

    /// Where the peak is.
    ///
    /// ```
    /// use gaaf_shapes::GaussianBump;
    ///
    /// assert_eq!(GaussianBump::new(0.3_f32, 1.0, 2.0)?.center(), 1.0);
    /// # Ok::<(), gaaf_shapes::Error>(())
    /// ```
    pub fn center(&self) -> F {
        self.center
    }

    /// The width `w` in `exp(-(x - c)^2 / w)` (twice the variance).
    ///
    /// ```
    /// use gaaf_shapes::GaussianBump;
    ///
    /// assert_eq!(GaussianBump::new(0.3_f32, 1.0, 2.0)?.width(), 2.0);
    /// # Ok::<(), gaaf_shapes::Error>(())
    /// ```
    pub fn width(&self) -> F {
        self.width
    }
}

impl<F: Real> Default for GaussianBump<F> {
    /// [`GaussianBump::paper_tanh`].
    fn default() -> Self {
        Self::paper_tanh()
    }
}

impl<F: Real> Differentiable<F> for GaussianBump<F> {
    #[inline(always)]
    fn value(&self, x: F) -> F {
        self.value_and_derivative(x).0
    }

    #[inline(always)]
    fn derivative(&self, x: F) -> F {
        self.value_and_derivative(x).1
    }

    #[inline(always)]
    fn value_and_derivative(&self, x: F) -> (F, F) {
        let d = x - self.center;
        // `-d / w` once, for the exponent and for the slope `-2 d / w * s`.
        let dw = d * self.neg_inv_width;
        let s = self.height * (dw * d).fast_exp();
        // Far out `s` underflows to 0 while `d` may be infinite: the slope is 0,
        // not `inf * 0`.
        let ds = if s == F::zero() {
            F::zero()
        } else {
            (dw + dw) * s
        };
        (s, ds)
    }
}

impl<F: Real> ShapeFn<F> for GaussianBump<F> {}

impl<F: Real, G: Real> Recast<F> for GaussianBump<G> {
    type Output = GaussianBump<F>;

    /// [`GaussianBump::new`] with the three constants rounded to `F`.
    fn recast(&self) -> Result<GaussianBump<F>, Error> {
        GaussianBump::new(
            narrow("height", self.height)?,
            narrow("center", self.center)?,
            narrow("width", self.width)?,
        )
    }
}
