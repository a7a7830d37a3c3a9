//! GAAF composed from burn's own tensor ops: the path for every backend
//! without the fused op, and the reference the fused op is tested against.

use crate::TensorFn;
use burn::tensor::Tensor;

/// `g(x)` of Eq. 7, `(x*K - floor(x*K) - 0.5) / K`, clamped to `[-0.5/K,
/// 0.5/K]` (the bound `g` keeps where `|x*K|` is too large for the float
/// type to hold a fraction). Takes a detached `x`: it has no gradient.
fn accel_value<const D: usize>(x: Tensor<D>, k: f64) -> Tensor<D> {
    let t = x.mul_scalar(k);
    let amplitude = 0.5 / k;
    (t.clone() - t.floor())
        .sub_scalar(0.5)
        .div_scalar(k)
        .clamp(-amplitude, amplitude)
}

/// GAAF `phi(x) + g(x) * s(x)` (Eq. 8) built from burn's tensor ops, on any
/// backend, with `K = k`.
///
/// It evaluates `phi(x) + s(x) * (g(x_d) + (x - x_d))`, where `x_d` is `x`
/// detached from the autodiff graph:
///
/// - **forward**: `x - x_d` is exactly 0, so the value is `phi + g*s`.
///   burn has `floor` on every backend, so `g` is Eq. 7 as written, in the
///   tensor's own float type.
/// - **backward**: `phi'(x) + s'(x) * (g + 0) + s(x) * 1`, exactly
///   `phi' + s + g*s'`, the derivative of Eq. 8.
///
/// About a dozen element-wise ops, each a pass over memory and, under
/// autodiff, a node of the graph, against the fused op's one pass each way
/// (`Gaaf::forward` picks the fused op where it exists).
///
/// ```
/// use burn::tensor::{Device, Tensor};
/// use gaaf_burn::gaaf_composed;
/// use gaaf_shapes::{GaussianBump, Tanh};
///
/// let device = Device::ndarray().autodiff();
/// let x = Tensor::<1>::from_floats([-3.0, 0.5, 2.0], &device).require_grad();
/// let shape = GaussianBump::paper_tanh();
/// let y = gaaf_composed(&Tanh, &shape, 1e4, x.clone());
/// let dx = x.grad(&y.sum().backward()).expect("a gradient").to_data();
/// let dx = dx.as_slice::<f32>().expect("f32");
/// // tanh'(-3) is 0.0099; GAAF adds s(-3) = exp(-9/3.7) = 0.088.
/// assert!((dx[0] - (0.0099 + 0.0878)).abs() < 1e-3);
/// ```
pub fn gaaf_composed<P: TensorFn, S: TensorFn, const D: usize>(
    phi: &P,
    shape: &S,
    k: f64,
    x: Tensor<D>,
) -> Tensor<D> {
    let x_d = x.clone().detach();
    let g = accel_value(x_d.clone(), k);
    let slope = (x.clone() - x_d) + g;
    phi.apply(x.clone()) + shape.apply(x) * slope
}
