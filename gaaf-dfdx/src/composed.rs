//! GAAF composed from dfdx's own tensor ops: the path for devices whose
//! buffers dfdx keeps private (CUDA), and a reference for the fused CPU op.

use dfdx::shapes::{Dtype, Shape};
use dfdx::tensor::{NoneTape, Tape, Tensor, WithEmptyTape};
use dfdx::tensor_ops::{ChooseFrom, Device, TryAdd, TryGt, TryLt, TryMul, TrySub};
use gaaf_core::{Gaaf, Real};
use gaaf_shapes::{
    Constant, GaussianBump, Identity, LeftOf, Relu, ShapeFn, ShiftedSigmoid, ShoulderBump, Sigmoid,
    Tanh,
};

/// A `gaaf-shapes` function that dfdx can evaluate with its own tensor ops, on
/// any device and with gradients: what [`try_gaaf_composed`] (and so GAAF on
/// CUDA) needs from an activation and a shape.
///
/// Implemented for [`Tanh`], [`Relu`], [`Sigmoid`], [`Identity`],
/// [`GaussianBump`] (the paper's shape for tanh),
/// [`ShiftedSigmoid`] (the paper's for ReLU), [`ShoulderBump`], [`Constant`],
/// and [`LeftOf`] around any of these shapes. `DropoutMatched` has no closed form
/// (it is a quadrature), so it runs on the CPU only.
pub trait TensorFn<E: Dtype> {
    /// The function applied element-wise to `x`, recorded on `x`'s tape.
    ///
    /// # Errors
    ///
    /// The device's error (allocation failure).
    fn try_apply<S: Shape, D: Device<E>, T: Tape<E, D>>(
        &self,
        x: Tensor<S, E, D, T>,
    ) -> Result<Tensor<S, E, D, T>, D::Err>;
}

impl<E: Dtype> TensorFn<E> for Tanh {
    fn try_apply<S: Shape, D: Device<E>, T: Tape<E, D>>(
        &self,
        x: Tensor<S, E, D, T>,
    ) -> Result<Tensor<S, E, D, T>, D::Err> {
        x.try_tanh()
    }
}

impl<E: Dtype> TensorFn<E> for Relu {
    fn try_apply<S: Shape, D: Device<E>, T: Tape<E, D>>(
        &self,
        x: Tensor<S, E, D, T>,
    ) -> Result<Tensor<S, E, D, T>, D::Err> {
        x.try_relu()
    }
}

impl<E: Dtype> TensorFn<E> for Sigmoid {
    fn try_apply<S: Shape, D: Device<E>, T: Tape<E, D>>(
        &self,
        x: Tensor<S, E, D, T>,
    ) -> Result<Tensor<S, E, D, T>, D::Err> {
        x.try_sigmoid()
    }
}

impl<E: Dtype> TensorFn<E> for Identity {
    fn try_apply<S: Shape, D: Device<E>, T: Tape<E, D>>(
        &self,
        x: Tensor<S, E, D, T>,
    ) -> Result<Tensor<S, E, D, T>, D::Err> {
        Ok(x)
    }
}

impl<E: Dtype + Real> TensorFn<E> for GaussianBump<E> {
    /// `height * exp(-(x - center)^2 / width)`.
    fn try_apply<S: Shape, D: Device<E>, T: Tape<E, D>>(
        &self,
        x: Tensor<S, E, D, T>,
    ) -> Result<Tensor<S, E, D, T>, D::Err> {
        x.try_sub(self.center())?
            .try_square()?
            .try_mul(-self.width().recip())?
            .try_exp()?
            .try_mul(self.height())
    }
}

impl<E: Dtype + Real> TensorFn<E> for ShiftedSigmoid<E> {
    /// `sigmoid(slope * (x + shift))`.
    fn try_apply<S: Shape, D: Device<E>, T: Tape<E, D>>(
        &self,
        x: Tensor<S, E, D, T>,
    ) -> Result<Tensor<S, E, D, T>, D::Err> {
        x.try_add(self.shift())?
            .try_mul(self.slope())?
            .try_sigmoid()
    }
}

impl<E: Dtype + Real> TensorFn<E> for ShoulderBump<E> {
    /// `height * u * exp(1 - u)`, `u = x^2 / width`.
    fn try_apply<S: Shape, D: Device<E>, T: Tape<E, D>>(
        &self,
        x: Tensor<S, E, D, T>,
    ) -> Result<Tensor<S, E, D, T>, D::Err> {
        let u = x.try_square()?.try_mul(self.width().recip())?;
        // `u` is used twice: the second use starts an empty tape, which the
        // product merges back.
        let e = u
            .with_empty_tape()
            .try_negate()?
            .try_add(E::one())?
            .try_exp()?;
        u.try_mul(e)?.try_mul(self.height())
    }
}

impl<E: Dtype + Real, Sh: ShapeFn<E> + TensorFn<E>> TensorFn<E> for LeftOf<Sh, E> {
    /// `inner(x)` where `x <= edge`, else 0: a select on `!(x > edge)`,
    /// which is true for NaN, so NaN reaches `inner` as on the CPU.
    fn try_apply<S: Shape, D: Device<E>, T: Tape<E, D>>(
        &self,
        x: Tensor<S, E, D, T>,
    ) -> Result<Tensor<S, E, D, T>, D::Err> {
        let keep = !x.retaped::<NoneTape>().try_gt(self.edge())?;
        let inner = self.inner().try_apply(x)?;
        let zeros = inner.retaped::<NoneTape>().try_mul(E::zero())?;
        keep.try_choose(inner, zeros)
    }
}

impl<E: Dtype + Real> TensorFn<E> for Constant<E> {
    /// `c`, with a zero gradient.
    fn try_apply<S: Shape, D: Device<E>, T: Tape<E, D>>(
        &self,
        x: Tensor<S, E, D, T>,
    ) -> Result<Tensor<S, E, D, T>, D::Err> {
        x.try_mul(E::zero())?.try_add(self.get())
    }
}

/// `g(x)` of Eq. 7 from dfdx ops, without a tape.
///
/// dfdx 0.13 has no `floor`. `t = x*K` is rounded to the nearest integer `r`
/// with the classic magic-number sum `(t + M) - M`, `M = 1.5 / epsilon`
/// (`1.5 * 2^23` in `f32`; each dfdx op stores its result in `E`, so the sum
/// rounds), and `floor(t) = r - 1` where `t < r`, else `r`: exact for every
/// `|t| <= 2^22`, integers included. (An earlier `round(t - 0.5)` took the
/// wrong side of the jump at integer `t`, which in `f32` is one input in a few
/// thousand near `|x| ~ 0.4`, not a measure-zero set: values `s(x)/K` off.)
/// The result is clamped to `[-0.5/K, 0.5/K]`, the bound `g` keeps where
/// `|x*K|` is too large for `E` to hold a fraction.
fn try_accel_value<S: Shape, E: Dtype + Real, D: Device<E>>(
    x: Tensor<S, E, D, NoneTape>,
    k: E,
) -> Result<Tensor<S, E, D, NoneTape>, D::Err> {
    let half = E::from(0.5).unwrap_or_else(E::zero);
    let magic = E::from(1.5).unwrap_or_else(E::one) / E::epsilon();
    let t = x.try_mul(k)?;
    let nearest = t.clone().try_add(magic)?.try_sub(magic)?;
    let rounded_up = t.try_lt(&nearest)?;
    let floor = rounded_up.try_choose(nearest.clone().try_sub(E::one())?, nearest)?;
    let amplitude = (half / k).to_f64().unwrap_or(0.0);
    t.try_sub(floor)?
        .try_sub(half)?
        .try_mul(k.recip())?
        .try_clamp(-amplitude, amplitude)
}

/// GAAF `phi(x) + g(x) * s(x)` (Eq. 8) built from dfdx's own ops, on any
/// device: what the `Gaaf` module runs on CUDA, where dfdx keeps device buffers
/// private.
///
/// It evaluates `phi(x) + s(x) * (g(x_d) + (x - x_d))`, where `x_d` is a
/// detached copy of `x` (a new tensor without a tape):
///
/// - **forward**: `x - x_d` is exactly 0, so the value is `phi + g*s`, Eq. 8.
///   `g` comes from rounding, compare and select ops (dfdx has no `floor`),
///   which agree with `gaaf-core`'s `g` for every `|x*K| <= 2^22`, integer
///   `x*K` included, up to the rounding of the final scaling.
/// - **backward**: `phi'(x) + s'(x) * (g + 0) + s(x) * 1`, exactly
///   `phi' + s + g*s'`, the derivative of Eq. 8, as on the CPU.
///
/// Costs about twelve element-wise dfdx ops and as many temporaries against
/// the fused CPU op's one pass; on the CPU prefer [`crate::try_gaaf`].
///
/// # Errors
///
/// The device's error (allocation failure).
///
/// ```
/// use dfdx::prelude::*;
/// use gaaf_dfdx::{try_gaaf, try_gaaf_composed};
///
/// let dev = Cpu::default();
/// let f = gaaf_shapes::gaaf_tanh::<f64>();
/// let x = dev.tensor([-4.0_f64, -2.5, 0.3, 2.0, 5.0]);
/// let fused = try_gaaf(&f, x.leaky_trace())?;
/// let composed = try_gaaf_composed(&f, x.leaky_trace())?;
/// for (a, b) in fused.as_vec().iter().zip(composed.as_vec()) {
///     assert!((a - b).abs() < 1e-12);
/// }
/// let ga = fused.sum().backward().get(&x).as_vec();
/// let gb = composed.sum().backward().get(&x).as_vec();
/// for (a, b) in ga.iter().zip(gb) {
///     assert!((a - b).abs() < 1e-12);
/// }
/// # Ok::<(), CpuError>(())
/// ```
pub fn try_gaaf_composed<P, Sh, S, E, D, T>(
    f: &Gaaf<P, Sh, E>,
    x: Tensor<S, E, D, T>,
) -> Result<Tensor<S, E, D, T>, D::Err>
where
    P: TensorFn<E>,
    Sh: TensorFn<E>,
    S: Shape,
    E: Dtype + Real,
    D: Device<E>,
    T: Tape<E, D>,
{
    // `* 1` gives the detached copy its own tensor id: a plain clone would
    // share `x`'s, and dfdx's backward would then borrow one gradient twice.
    let x_d = x.retaped::<NoneTape>().try_mul(E::one())?;
    let g = try_accel_value(x_d.clone(), f.accel().k())?;
    let phi = f.phi().try_apply(x.with_empty_tape())?;
    let s = f.shape().try_apply(x.with_empty_tape())?;
    let slope = x.try_sub(x_d)?.try_add(g)?;
    phi.try_add(s.try_mul(slope)?)
}
