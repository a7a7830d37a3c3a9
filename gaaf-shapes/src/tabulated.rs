//! A shape sampled once on a grid and interpolated: O(1) per element for shapes
//! that are costly to evaluate, such as [`crate::DropoutMatched`].

use crate::error::{check, Error};
use crate::recast::narrow;
use crate::{Recast, ShapeFn};
use gaaf_core::{Differentiable, Real};

/// A function tabulated at `M` equally spaced nodes on `[lo, hi]` (value and
/// slope at each) and evaluated by cubic Hermite interpolation.
///
/// **Why**: [`crate::DropoutMatched`] costs `N` evaluations of `phi'` and
/// `phi''` per element (64 by default), hundreds of nanoseconds: too slow for a
/// training step. Its table costs that once, at construction, and then a few
/// multiplications and two table reads per element.
///
/// **Accuracy**: cubic Hermite interpolation with exact nodal slopes has error
/// below `h^4 / 384 * max|f''''|` (`h` the node spacing) where `f` is smooth;
/// the tests bound the error for `DropoutMatched` on tanh. Where `f` has a kink
/// (the clamp at 0 of `DropoutMatched`), the error near the kink is of order
/// `h` times the jump in slope. Outside `[lo, hi]` the value is held at the
/// nearest end and the slope is 0: choose the range so that `f` is flat there.
///
/// The interpolated slope is the derivative of the interpolated value, so
/// value and slope stay consistent.
///
/// # Example
///
/// ```
/// use gaaf_shapes::{Differentiable, DropoutMatched, Tabulated, Tanh};
///
/// let exact = DropoutMatched::<_, f32>::new(Tanh, 1.0)?;
/// let table = Tabulated::<f32, 1024>::new(&exact, -16.0, 16.0)?;
/// assert!((table.value(2.3) - exact.value(2.3)).abs() < 1e-5);
/// assert!((table.derivative(2.3) - exact.derivative(2.3)).abs() < 1e-4);
/// # Ok::<(), gaaf_shapes::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Tabulated<F, const M: usize> {
    lo: F,
    hi: F,
    step: F,
    inv_step: F,
    values: [F; M],
    slopes: [F; M],
    positive_part: bool,
}

impl<F: Real, const M: usize> Tabulated<F, M> {
    /// Samples `f` (value and slope) at `M` nodes from `lo` to `hi`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidParameter`] unless `lo` and `hi` are finite with
    /// `lo < hi`, and `M >= 2`.
    pub fn new(f: &impl Differentiable<F>, lo: F, hi: F) -> Result<Self, Error> {
        let lo = check("lo", lo, "finite", |v| v.is_finite())?;
        let hi = check("hi", hi, "finite and greater than lo", |v| {
            v.is_finite() && v > lo
        })?;
        check("M", F::from(M).unwrap_or_else(F::zero), "at least 2", |m| {
            m >= F::one() + F::one()
        })?;
        let intervals = F::from(M - 1).unwrap_or_else(F::one);
        let step = (hi - lo) / intervals;
        let mut values = [F::zero(); M];
        let mut slopes = [F::zero(); M];
        for i in 0..M {
            let x = lo + step * F::from(i).unwrap_or_else(F::zero);
            values[i] = f.value(x);
            slopes[i] = f.derivative(x);
        }
        Ok(Self {
            lo,
            hi,
            step,
            inv_step: F::one() / step,
            values,
            slopes,
            positive_part: false,
        })
    }

    /// The same table evaluated as `max(0, interpolation)`, with slope 0 where
    /// the interpolation is negative.
    ///
    /// Tabulating a smooth function and clamping afterwards keeps the kink
    /// exact, where tabulating the clamped function would smear it over a
    /// cell ([`crate::DropoutMatched::tabulated`] does this).
    ///
    /// ```
    /// use gaaf_shapes::{Differentiable, Identity, Tabulated};
    ///
    /// let t = Tabulated::<f64, 4>::new(&Identity, -1.0, 1.0)?.positive_part();
    /// assert_eq!(t.value(-0.5), 0.0);
    /// assert_eq!(t.derivative(-0.5), 0.0);
    /// assert!((t.value(0.5) - 0.5).abs() < 1e-15);
    /// # Ok::<(), gaaf_shapes::Error>(())
    /// ```
    pub fn positive_part(self) -> Self {
        Self {
            positive_part: true,
            ..self
        }
    }

    /// The tabulated range.
    ///
    /// ```
    /// use gaaf_shapes::{Constant, Tabulated};
    ///
    /// let t = Tabulated::<f64, 8>::new(&Constant::one(), -2.0, 2.0)?;
    /// assert_eq!(t.range(), (-2.0, 2.0));
    /// # Ok::<(), gaaf_shapes::Error>(())
    /// ```
    pub fn range(&self) -> (F, F) {
        (self.lo, self.hi)
    }

    /// The cell of `x` (within the range) and the position `u` in [0, 1]
    /// within it.
    #[inline(always)]
    fn locate(&self, x: F) -> Option<(usize, F)> {
        let t = (x - self.lo) * self.inv_step;
        // `floor_fract` rather than `floor`, which is a library call per
        // element on targets without a rounding instruction.
        let u = gaaf_core::floor_fract(t);
        let cell = (t - u).to_usize()?;
        if cell > M - 2 {
            // Only `x == hi` (or rounding at it) lands here.
            return Some((M - 2, F::one()));
        }
        Some((cell, u))
    }
}

impl<F: Real, const M: usize> Tabulated<F, M> {
    /// The interpolated value, before any clamping.
    #[inline(always)]
    fn interpolate(&self, x: F) -> F {
        if x.is_nan() {
            return x;
        }
        if x >= self.hi {
            return self.values[M - 1];
        }
        if x <= self.lo {
            return self.values[0];
        }
        let Some((i, u)) = self.locate(x) else {
            return x;
        };
        self.hermite(i, u)
    }

    /// The cubic Hermite interpolant in cell `i` at position `u`.
    #[inline(always)]
    fn hermite(&self, i: usize, u: F) -> F {
        let (y0, y1) = (self.values[i], self.values[i + 1]);
        let (d0, d1) = (self.slopes[i] * self.step, self.slopes[i + 1] * self.step);
        let two = F::one() + F::one();
        let three = two + F::one();
        let u2 = u * u;
        let u3 = u2 * u;
        (two * u3 - three * u2 + F::one()) * y0
            + (u3 - two * u2 + u) * d0
            + (three * u2 - two * u3) * y1
            + (u3 - u2) * d1
    }

    /// The derivative of [`Self::interpolate`].
    #[inline(always)]
    fn interpolate_slope(&self, x: F) -> F {
        if x.is_nan() {
            return x;
        }
        if x < self.lo || x > self.hi {
            return F::zero();
        }
        let Some((i, u)) = self.locate(x) else {
            return x;
        };
        self.hermite_slope(i, u)
    }

    /// The derivative of [`Self::hermite`] in `x`.
    #[inline(always)]
    fn hermite_slope(&self, i: usize, u: F) -> F {
        let (y0, y1) = (self.values[i], self.values[i + 1]);
        let (d0, d1) = (self.slopes[i], self.slopes[i + 1]);
        let two = F::one() + F::one();
        let three = two + F::one();
        let four = two + two;
        let six = three + three;
        let u2 = u * u;
        (six * u2 - six * u) * (y0 - y1) * self.inv_step
            + (three * u2 - four * u + F::one()) * d0
            + (three * u2 - two * u) * d1
    }
}

impl<F: Real, const M: usize> Differentiable<F> for Tabulated<F, M> {
    #[inline(always)]
    fn value(&self, x: F) -> F {
        let v = self.interpolate(x);
        if self.positive_part && v < F::zero() {
            F::zero()
        } else {
            v
        }
    }

    #[inline(always)]
    fn derivative(&self, x: F) -> F {
        if self.positive_part && self.interpolate(x) < F::zero() {
            F::zero()
        } else {
            self.interpolate_slope(x)
        }
    }

    /// Value and slope with the cell located once: `value` and `derivative`
    /// locate it three times between them (the positive part needs the
    /// value for the slope too), which made the dropout-matched MNIST
    /// model's epoch 1.4x the GAAF model's. Inside the range the same
    /// arithmetic runs as in those two; at and beyond its ends, and for NaN,
    /// they are called as they are, so the pair is theirs bit for bit.
    #[inline(always)]
    fn value_and_derivative(&self, x: F) -> (F, F) {
        let located = if x > self.lo && x < self.hi {
            self.locate(x)
        } else {
            None
        };
        let Some((i, u)) = located else {
            return (self.value(x), self.derivative(x));
        };
        let v = self.hermite(i, u);
        if self.positive_part && v < F::zero() {
            (F::zero(), F::zero())
        } else {
            (v, self.hermite_slope(i, u))
        }
    }
}

impl<F: Real, const M: usize> ShapeFn<F> for Tabulated<F, M> {}

impl<F: Real, G: Real, const M: usize> Recast<F> for Tabulated<G, M> {
    type Output = Tabulated<F, M>;

    /// The same table with every stored number rounded to `F`, node values
    /// and slopes included: nothing is sampled again. Widening (`f32` to
    /// `f64`) is exact, so a widened table narrows back to itself bit for
    /// bit; a table sampled in `f64` and narrowed differs from one sampled in
    /// `f32` by the rounding of the sampled function.
    fn recast(&self) -> Result<Tabulated<F, M>, Error> {
        let mut values = [F::zero(); M];
        let mut slopes = [F::zero(); M];
        for i in 0..M {
            values[i] = narrow("values", self.values[i])?;
            slopes[i] = narrow("slopes", self.slopes[i])?;
        }
        Ok(Tabulated {
            lo: narrow("lo", self.lo)?,
            hi: narrow("hi", self.hi)?,
            step: narrow("step", self.step)?,
            inv_step: narrow("inv_step", self.inv_step)?,
            values,
            slopes,
            positive_part: self.positive_part,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::Tabulated;
    use crate::{Differentiable, DropoutMatched, GaussianBump, Tanh};

    #[test]
    fn reproduces_nodes_and_cubics() {
        // A cubic is interpolated exactly by cubic Hermite.
        struct Cubic;
        impl Differentiable<f64> for Cubic {
            fn value(&self, x: f64) -> f64 {
                x * x * x - 2.0 * x
            }
            fn derivative(&self, x: f64) -> f64 {
                3.0 * x * x - 2.0
            }
        }
        let t = Tabulated::<f64, 5>::new(&Cubic, -1.0, 3.0).unwrap();
        for i in 0..=40 {
            let x = -1.0 + 0.1 * f64::from(i);
            assert!((t.value(x) - Cubic.value(x)).abs() < 1e-12, "x = {x}");
            assert!(
                (t.derivative(x) - Cubic.derivative(x)).abs() < 1e-11,
                "x = {x}"
            );
        }
    }

    #[test]
    fn value_and_derivative_is_the_pair_bit_for_bit() {
        let shape = DropoutMatched::new(Tanh, 0.8_f32).unwrap();
        let table: Tabulated<f32, 64> = Tabulated::new(&shape, -4.0, 4.0).unwrap();
        let below =
            Tabulated::<f32, 64>::new(&GaussianBump::new(1.0, 0.0, 1.0).unwrap(), -3.0, 3.0)
                .unwrap();
        for t in [table, table.positive_part(), below, below.positive_part()] {
            let edges = [-4.0, 4.0, -3.0, 3.0, f32::NAN, f32::INFINITY, 0.0, -0.0];
            let grid = (-5000..=5000).map(|i| i as f32 * 1.1e-3);
            for x in grid.chain(edges).chain([f32::NEG_INFINITY]) {
                let (v, d) = t.value_and_derivative(x);
                assert_eq!(v.to_bits(), t.value(x).to_bits(), "value at {x}");
                assert_eq!(d.to_bits(), t.derivative(x).to_bits(), "slope at {x}");
            }
        }
    }

    #[test]
    fn outside_the_range_is_flat() {
        let t = Tabulated::<f32, 64>::new(&GaussianBump::paper_tanh(), -4.0, 4.0).unwrap();
        assert_eq!(t.value(10.0), t.value(4.0));
        assert_eq!(t.value(-10.0), t.value(-4.0));
        assert_eq!(t.derivative(10.0), 0.0);
        assert!(t.value(f32::NAN).is_nan());
        assert!(t.derivative(f32::NAN).is_nan());
    }

    #[test]
    fn close_to_the_exact_dropout_matched_shape() {
        for sigma in [0.3, 1.0, 2.0] {
            let exact = DropoutMatched::<_, f64>::new(Tanh, sigma).unwrap();
            let table: Tabulated<f64, 1024> = exact.tabulated().unwrap();
            let (mut worst_v, mut worst_d) = (0.0_f64, 0.0_f64);
            for i in -3000..=3000 {
                let x = f64::from(i) * 0.003_7;
                worst_v = worst_v.max((table.value(x) - exact.value(x)).abs());
                worst_d = worst_d.max((table.derivative(x) - exact.derivative(x)).abs());
            }
            assert!(worst_v < 2e-5, "sigma {sigma}: value error {worst_v}");
            assert!(worst_d < 2e-3, "sigma {sigma}: slope error {worst_d}");
        }
    }

    #[test]
    fn bad_ranges_are_errors() {
        let s = GaussianBump::<f32>::paper_tanh();
        assert!(Tabulated::<f32, 8>::new(&s, 1.0, 1.0).is_err());
        assert!(Tabulated::<f32, 8>::new(&s, f32::NAN, 1.0).is_err());
        assert!(Tabulated::<f32, 1>::new(&s, 0.0, 1.0).is_err());
    }
}
