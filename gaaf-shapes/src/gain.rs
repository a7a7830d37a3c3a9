//! The gradient gain of a GAAF activation: how much it multiplies the
//! backward signal, known before any training.

use crate::error::{cast, check, Error};
use gaaf_core::{Differentiable, Real};

/// Simpson intervals on each side of 0.
const INTERVALS: usize = 4096;
/// The integration reaches `+-REACH * sigma`; the normal density beyond is
/// below `1e-22` of its peak.
const REACH: f64 = 10.0;

/// How much a GAAF activation multiplies the backward signal over its plain
/// activation, for nets `z ~ N(0, sigma^2)`:
/// [`GradientGain::power`] is `E[phi_new'(z)^2] / E[phi'(z)^2]`.
///
/// **Why**: backpropagation multiplies the gradient at each layer's output by
/// the activation's slope, so with independent weights the expected squared
/// gradient changes by `E[phi'(z)^2]` per layer, and a GAAF activation changes
/// it by `E[phi_new'(z)^2]` instead, while its forward pass stays within
/// `0.5/K` of `phi`. The ratio is what GAAF does to the backward pass alone:
/// under plain SGD a per-layer gain works as a larger learning rate for the
/// layers below it, and compounded over a deep network without normalisation
/// it can blow the gradient up. The paper's GAAF-ReLU
/// ([`crate::GaafReluPaper`]), with nets `N(0, 1)`, has a power gain of 4.2
/// (amplitude 2.05 per layer, about 5,500 over 12 layers); masked to ReLU's
/// saturated side ([`crate::LeftOf`], the default [`crate::GaafRelu`]) it
/// has 1.25 (1.12 per layer, 3.8 over 12 layers) (tested).
///
/// **Method**: `phi_new' = phi' + s + g s'` (Eq. 8); `g` swings between
/// `-0.5/K` and `0.5/K` with period `1/K` and averages 0, so the expectation
/// of `(phi' + s + g s')^2` is that of `(phi' + s)^2` plus at most
/// `max|s'|^2 / (12 K^2)` (below `3e-9` for the paper's shapes and `K`), which
/// is left out. Both expectations are composite Simpson integrals over
/// `[-10 sigma, 0]` and `[0, 10 sigma]` with 4,096 intervals each: the split
/// at 0 makes ReLU's kink and [`crate::LeftOf`]'s edge at 0 exact panel ends,
/// so the result is accurate to about `1e-8` relative for shapes smooth on
/// each side of 0 (tested against closed forms); a jump elsewhere costs
/// `O(sigma / 400)` of the jump's weight.
///
/// # Example
///
/// ```
/// use gaaf_shapes::{GradientGain, LeftOf, Relu, ShiftedSigmoid};
///
/// let paper = GradientGain::new(&Relu, &ShiftedSigmoid::paper_relu(), 1.0_f64)?;
/// assert!((paper.power() - 4.2).abs() < 0.05);
/// assert!(paper.amplitude_over_depth(12) > 4000.0);
/// let saturation = GradientGain::new(&Relu, &LeftOf::relu_saturation(), 1.0_f64)?;
/// assert!(saturation.power() < 1.3);
/// # Ok::<(), gaaf_shapes::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GradientGain<F> {
    sigma: F,
    base: F,
    gaaf: F,
}

impl<F: Real> GradientGain<F> {
    /// The gain of `phi + g*s` over `phi` for nets `N(0, sigma^2)`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidParameter`] unless `sigma` is finite and positive, and
    /// when `E[phi'(z)^2]` is not finite and positive (a constant `phi` has
    /// no gain to compare with) or `E[phi_new'(z)^2]` is not finite.
    ///
    /// ```
    /// use gaaf_shapes::{GaussianBump, GradientGain, Tanh};
    ///
    /// let gain = GradientGain::new(&Tanh, &GaussianBump::paper_tanh(), 1.0_f64)?;
    /// assert!(gain.power() > 3.0);
    /// assert!(GradientGain::new(&Tanh, &GaussianBump::paper_tanh(), 0.0_f64).is_err());
    /// # Ok::<(), gaaf_shapes::Error>(())
    /// ```
    pub fn new(
        phi: &impl Differentiable<F>,
        shape: &impl Differentiable<F>,
        sigma: F,
    ) -> Result<Self, Error> {
        let sigma = check("sigma", sigma, "finite and greater than 0", |s| {
            s.is_finite() && s > F::zero()
        })?;
        let (base, gaaf) = expected_squares(phi, shape, sigma);
        let base = check("E[phi'(z)^2]", base, "finite and greater than 0", |b| {
            b.is_finite() && b > F::zero()
        })?;
        let gaaf = check("E[phi_new'(z)^2]", gaaf, "finite", |g| g.is_finite())?;
        Ok(Self { sigma, base, gaaf })
    }

    /// The standard deviation of the nets it was computed for.
    ///
    /// ```
    /// use gaaf_shapes::{GaussianBump, GradientGain, Tanh};
    ///
    /// let gain = GradientGain::new(&Tanh, &GaussianBump::paper_tanh(), 0.5_f32)?;
    /// assert_eq!(gain.sigma(), 0.5);
    /// # Ok::<(), gaaf_shapes::Error>(())
    /// ```
    pub fn sigma(&self) -> F {
        self.sigma
    }

    /// `E[phi'(z)^2]`, the plain activation's mean squared slope.
    ///
    /// ```
    /// use gaaf_shapes::{GradientGain, Relu, ShiftedSigmoid};
    ///
    /// let gain = GradientGain::new(&Relu, &ShiftedSigmoid::paper_relu(), 1.0_f64)?;
    /// assert!((gain.base_power() - 0.5).abs() < 1e-9); // relu' is 1 half the time
    /// # Ok::<(), gaaf_shapes::Error>(())
    /// ```
    pub fn base_power(&self) -> F {
        self.base
    }

    /// `E[phi_new'(z)^2]`, GAAF's mean squared slope.
    ///
    /// ```
    /// use gaaf_shapes::{Constant, GradientGain, Identity};
    ///
    /// // The identity plus a constant shape of 1 has slope 2 everywhere.
    /// let gain = GradientGain::new(&Identity, &Constant::one(), 1.0_f64)?;
    /// assert!((gain.gaaf_power() - 4.0).abs() < 1e-9);
    /// # Ok::<(), gaaf_shapes::Error>(())
    /// ```
    pub fn gaaf_power(&self) -> F {
        self.gaaf
    }

    /// `E[phi_new'(z)^2] / E[phi'(z)^2]`: the factor by which one GAAF layer
    /// multiplies the expected squared backward signal.
    ///
    /// ```
    /// use gaaf_shapes::{Constant, GradientGain, Identity};
    ///
    /// let gain = GradientGain::new(&Identity, &Constant::one(), 1.0_f64)?;
    /// assert!((gain.power() - 4.0).abs() < 1e-9);
    /// # Ok::<(), gaaf_shapes::Error>(())
    /// ```
    pub fn power(&self) -> F {
        self.gaaf / self.base
    }

    /// `sqrt(power)`: the factor on the backward signal's size (its root mean
    /// square) per GAAF layer.
    ///
    /// ```
    /// use gaaf_shapes::{Constant, GradientGain, Identity};
    ///
    /// let gain = GradientGain::new(&Identity, &Constant::one(), 1.0_f64)?;
    /// assert!((gain.amplitude() - 2.0).abs() < 1e-9);
    /// # Ok::<(), gaaf_shapes::Error>(())
    /// ```
    pub fn amplitude(&self) -> F {
        self.power().sqrt()
    }

    /// `amplitude^depth`: the factor on the backward signal's size at the
    /// input of `depth` stacked GAAF layers (each with nets `N(0, sigma^2)`),
    /// against the same network with the plain activation.
    ///
    /// ```
    /// use gaaf_shapes::{Constant, GradientGain, Identity};
    ///
    /// let gain = GradientGain::new(&Identity, &Constant::one(), 1.0_f64)?;
    /// assert!((gain.amplitude_over_depth(3) - 8.0).abs() < 1e-8);
    /// assert_eq!(gain.amplitude_over_depth(0), 1.0);
    /// # Ok::<(), gaaf_shapes::Error>(())
    /// ```
    pub fn amplitude_over_depth(&self, depth: u32) -> F {
        let depth = i32::try_from(depth).unwrap_or(i32::MAX);
        self.amplitude().powi(depth)
    }
}

/// `(E[phi'(z)^2], E[(phi'(z) + s(z))^2])` for `z ~ N(0, sigma^2)`, by
/// composite Simpson on each side of 0.
fn expected_squares<F: Real>(
    phi: &impl Differentiable<F>,
    shape: &impl Differentiable<F>,
    sigma: F,
) -> (F, F) {
    // The standard normal density at u, times the Simpson weight, integrated
    // over u = z / sigma.
    let inv_sqrt_2pi: F = cast(0.398_942_280_401_432_7);
    let h: F = cast(REACH / INTERVALS as f64);
    let half: F = cast(0.5);
    let (mut base, mut gaaf) = (F::zero(), F::zero());
    for side in [-F::one(), F::one()] {
        for i in 0..=INTERVALS {
            let weight: F = cast(match i {
                0 => 1.0,
                _ if i == INTERVALS => 1.0,
                _ if i % 2 == 1 => 4.0,
                _ => 2.0,
            });
            let u = side * h * cast(i as f64);
            // At u = 0 each side takes its own one-sided limit (the left side
            // evaluates at 0 itself, which ReLU and `LeftOf` count as left):
            // a kink or an edge at 0 sits on a panel end.
            let z = if i == 0 && side > F::zero() {
                F::min_positive_value()
            } else {
                u * sigma
            };
            let density = inv_sqrt_2pi * (-half * u * u).exp();
            let slope = phi.derivative(z);
            let extra = slope + shape.value(z);
            base = base + weight * density * slope * slope;
            gaaf = gaaf + weight * density * extra * extra;
        }
    }
    let third_h = h / cast(3.0);
    (base * third_h, gaaf * third_h)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{
        Constant, GaussianBump, Identity, LeftOf, Relu, ShiftedSigmoid, ShoulderBump, Tanh,
    };

    #[test]
    fn closed_forms() {
        // Identity with a constant c: slope 1 + c everywhere.
        let g = GradientGain::new(&Identity, &Constant::new(0.5).unwrap(), 2.0_f64).unwrap();
        assert!((g.base_power() - 1.0).abs() < 1e-12, "{g:?}");
        assert!((g.power() - 2.25).abs() < 1e-12, "{g:?}");
        // ReLU alone: E[1{z > 0}] = 1/2 for any sigma; with a constant c on
        // both sides: (1 + c)^2 / 2 + c^2 / 2.
        for sigma in [0.3_f64, 1.0, 4.0] {
            let g = GradientGain::new(&Relu, &Constant::new(0.5).unwrap(), sigma).unwrap();
            assert!((g.base_power() - 0.5).abs() < 1e-12);
            assert!((g.gaaf_power() - (2.25 / 2.0 + 0.25 / 2.0)).abs() < 1e-12);
        }
        // Identity with a Gaussian bump exp(-z^2/w), z ~ N(0, s^2):
        // E[(1 + e)^2] = 1 + 2 E[e] + E[e^2], E[exp(-a z^2)] = 1/sqrt(1 + 2 a s^2).
        let (w, s) = (3.7_f64, 1.3_f64);
        let e1 = 1.0 / (1.0 + 2.0 * s * s / w).sqrt();
        let e2 = 1.0 / (1.0 + 4.0 * s * s / w).sqrt();
        let g = GradientGain::new(&Identity, &GaussianBump::new(1.0, 0.0, w).unwrap(), s).unwrap();
        assert!(
            (g.gaaf_power() - (1.0 + 2.0 * e1 + e2)).abs() < 1e-10,
            "{g:?}"
        );
    }

    #[test]
    fn the_saturation_only_relu_shape_adds_only_its_left_part() {
        let paper = GradientGain::new(&Relu, &ShiftedSigmoid::paper_relu(), 1.0_f64).unwrap();
        let left = GradientGain::new(&Relu, &LeftOf::relu_saturation(), 1.0_f64).unwrap();
        // The paper's shape: (1 + s)^2 right of the kink, about 4 * 1/2.
        assert!((paper.power() - 4.2).abs() < 0.05, "{paper:?}");
        assert!(paper.amplitude_over_depth(12) > 4096.0);
        // Masked: ReLU's own 1/2 plus E[s^2 ; z <= 0], about 0.13.
        assert!(left.power() > 1.2 && left.power() < 1.3, "{left:?}");
        assert!(left.amplitude_over_depth(12) < 5.0);
    }

    #[test]
    fn the_shoulder_shape_gains_less_than_the_paper_bump_on_tanh() {
        let bump = GradientGain::new(&Tanh, &GaussianBump::paper_tanh(), 1.0_f64).unwrap();
        let shoulder = GradientGain::new(&Tanh, &ShoulderBump::tanh_shoulders(), 1.0_f64).unwrap();
        assert!(shoulder.power() < bump.power(), "{shoulder:?} vs {bump:?}");
        assert!(shoulder.power() > 1.0);
        // f32 follows f64.
        let b32 = GradientGain::new(&Tanh, &GaussianBump::paper_tanh(), 1.0_f32).unwrap();
        assert!((f64::from(b32.power()) - bump.power()).abs() < 1e-4);
    }

    #[test]
    fn bad_sigma_and_a_flat_activation_are_errors() {
        let s = Constant::<f64>::one();
        for sigma in [0.0, -1.0, f64::NAN, f64::INFINITY] {
            assert!(GradientGain::new(&Relu, &s, sigma).is_err(), "{sigma}");
        }
        let flat = Constant::<f64>::new(2.0).unwrap(); // slope 0 everywhere
        let err = GradientGain::new(&flat, &s, 1.0).unwrap_err();
        assert!(
            matches!(
                err,
                Error::InvalidParameter {
                    name: "E[phi'(z)^2]",
                    ..
                }
            ),
            "{err:?}"
        );
    }
}
