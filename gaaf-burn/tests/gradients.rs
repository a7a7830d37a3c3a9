//! Values and gradients of GAAF on burn against `gaaf-core`'s scalar
//! functions: the fused ndarray op bit for bit, the composed path within
//! rounding, and both against central finite differences in `f64`, with
//! inputs spread through the saturation areas.
// burn 0.22 deprecates its ndarray backend (for flex); it is the backend
// with the fused op.
#![allow(deprecated)]

use burn::tensor::{DType, Device, Tensor, TensorData};
use gaaf_burn::{Gaaf, GaafRelu, GaafReluPaper, GaafTanh, GaafTanhShoulder, Part};
use gaaf_core::Differentiable;
use gaaf_shapes::{probe_points, Constant, GaafTwins, GradAccel, Sigmoid, Twin};

/// Tolerance of a central finite difference in `f64` with step `H`.
const FD_TOL: f64 = 1e-6;
/// Finite-difference step: far below the sawtooth period `1/K = 1e-4`.
const H: f64 = 1e-8;

/// `n` points with `lo <= |x| <= hi`, both signs, a quarter period of `g`
/// from its jumps, so that a finite difference does not straddle one.
fn points(lo: f64, hi: f64, n: usize) -> Vec<f64> {
    probe_points(&GradAccel::paper(), lo, hi, n).collect()
}

/// Points from the linear middle to deep saturation.
fn spread() -> Vec<f64> {
    let mut xs = points(0.01, 1.0, 20);
    xs.extend(points(1.0, 8.0, 40));
    xs
}

fn tensor(xs: &[f64], device: &Device, dtype: DType) -> Tensor<1> {
    Tensor::from_data(TensorData::new(xs.to_vec(), [xs.len()]), (device, dtype))
}

/// A non-uniform upstream gradient.
fn weights(n: usize) -> Vec<f64> {
    (0..n).map(|i| 0.5 + (i as f64 * 0.7).sin()).collect()
}

/// `(act(x), d/dx sum(w * act(x)))` on an autodiff ndarray device, as `f64`
/// (exact for `f32` tensors).
fn value_and_grad<P: Part, S: Part>(
    act: &Gaaf<P, S>,
    xs: &[f64],
    dtype: DType,
    composed: bool,
) -> (Vec<f64>, Vec<f64>)
where
    GaafTwins<P, S>: Twin<f32> + Twin<f64> + Send + Sync,
{
    value_and_grad_on(act, xs, dtype, composed, &Device::ndarray())
}

/// [`value_and_grad`] on `device` (with autodiff).
fn value_and_grad_on<P: Part, S: Part>(
    act: &Gaaf<P, S>,
    xs: &[f64],
    dtype: DType,
    composed: bool,
    device: &Device,
) -> (Vec<f64>, Vec<f64>)
where
    GaafTwins<P, S>: Twin<f32> + Twin<f64> + Send + Sync,
{
    let device = device.clone().autodiff();
    let x = tensor(xs, &device, dtype).require_grad();
    let w = tensor(&weights(xs.len()), &device, dtype);
    let y = if composed {
        act.forward_composed(x.clone())
    } else {
        act.forward(x.clone())
    };
    assert_eq!(y.dtype(), dtype);
    let grads = (y.clone() * w).sum().backward();
    let dx = x.grad(&grads).expect("x has a gradient");
    assert_eq!(dx.dtype(), dtype);
    let as_f64 = |t: Tensor<1>| t.into_data().convert::<f64>().to_vec::<f64>().expect("f64");
    (as_f64(y), as_f64(dx))
}

/// The fused op in `f32` and `f64` equals the scalar functions exactly;
/// in `f64` it also matches finite differences of its own forward.
fn check_fused<P: Part, S: Part>(act: &Gaaf<P, S>)
where
    GaafTwins<P, S>: Twin<f32> + Twin<f64> + Send + Sync,
{
    let xs = spread();
    let ws = weights(xs.len());
    let (f32_fn, f64_fn) = (act.function::<f32>(), act.function::<f64>());
    let (y, dx) = value_and_grad(act, &xs, DType::F32, false);
    for i in 0..xs.len() {
        let x = xs[i] as f32;
        assert_eq!(y[i] as f32, f32_fn.value(x), "f32 value at {x}");
        assert_eq!(
            dx[i] as f32,
            ws[i] as f32 * f32_fn.derivative(x),
            "f32 slope at {x}"
        );
    }
    let (y, dx) = value_and_grad(act, &xs, DType::F64, false);
    let shift = |h: f64| xs.iter().map(|x| x + h).collect::<Vec<_>>();
    let (up, _) = value_and_grad(act, &shift(H), DType::F64, false);
    let (down, _) = value_and_grad(act, &shift(-H), DType::F64, false);
    for i in 0..xs.len() {
        assert_eq!(y[i], f64_fn.value(xs[i]), "f64 value at {}", xs[i]);
        assert_eq!(
            dx[i],
            ws[i] * f64_fn.derivative(xs[i]),
            "f64 slope at {}",
            xs[i]
        );
        let fd = ws[i] * (up[i] - down[i]) / (2.0 * H);
        assert!(
            (fd - dx[i]).abs() < FD_TOL,
            "finite difference at {}: {fd} vs {}",
            xs[i],
            dx[i]
        );
    }
}

/// The composed path equals the scalar functions within rounding, and in
/// `f64` matches finite differences of its own forward.
fn check_composed<P: Part, S: Part>(act: &Gaaf<P, S>)
where
    GaafTwins<P, S>: Twin<f32> + Twin<f64> + Send + Sync,
{
    check_composed_on(act, &Device::ndarray());
}

/// [`check_composed`] on `device`, through [`Gaaf::forward`] (which composes
/// GAAF on every backend but ndarray).
fn check_composed_on<P: Part, S: Part>(act: &Gaaf<P, S>, device: &Device)
where
    GaafTwins<P, S>: Twin<f32> + Twin<f64> + Send + Sync,
{
    let value_and_grad = |act: &Gaaf<P, S>, xs: &[f64], dtype, composed| {
        value_and_grad_on(act, xs, dtype, composed, device)
    };
    let xs = spread();
    let ws = weights(xs.len());
    let (f32_fn, f64_fn) = (act.function::<f32>(), act.function::<f64>());
    let (y, dx) = value_and_grad(act, &xs, DType::F32, true);
    for i in 0..xs.len() {
        let x = xs[i] as f32;
        assert!(
            (y[i] as f32 - f32_fn.value(x)).abs() < 1e-6,
            "f32 value at {x}"
        );
        let want = ws[i] as f32 * f32_fn.derivative(x);
        assert!(
            (dx[i] as f32 - want).abs() < 1e-5,
            "f32 slope at {x}: {} vs {want}",
            dx[i]
        );
    }
    let (y, dx) = value_and_grad(act, &xs, DType::F64, true);
    let shift = |h: f64| xs.iter().map(|x| x + h).collect::<Vec<_>>();
    let (up, _) = value_and_grad(act, &shift(H), DType::F64, true);
    let (down, _) = value_and_grad(act, &shift(-H), DType::F64, true);
    for i in 0..xs.len() {
        let want = f64_fn.value(xs[i]);
        assert!(
            (y[i] - want).abs() < 1e-12,
            "f64 value at {}: {} vs {want}",
            xs[i],
            y[i]
        );
        let want = ws[i] * f64_fn.derivative(xs[i]);
        assert!(
            (dx[i] - want).abs() < 1e-10,
            "f64 slope at {}: {} vs {want}",
            xs[i],
            dx[i]
        );
        let fd = ws[i] * (up[i] - down[i]) / (2.0 * H);
        assert!(
            (fd - dx[i]).abs() < FD_TOL,
            "finite difference at {}: {fd} vs {}",
            xs[i],
            dx[i]
        );
    }
}

#[test]
fn gaaf_tanh_fused_and_composed() {
    check_fused(&GaafTanh::default());
    check_composed(&GaafTanh::default());
}

#[test]
fn gaaf_relu_fused_and_composed() {
    check_fused(&GaafRelu::default());
    check_composed(&GaafRelu::default());
    check_fused(&GaafReluPaper::default());
    check_composed(&GaafReluPaper::default());
}

#[test]
fn gaaf_tanh_shoulder_and_a_custom_gaaf() -> Result<(), gaaf_burn::Error> {
    check_fused(&GaafTanhShoulder::default());
    check_composed(&GaafTanhShoulder::default());
    let custom = Gaaf::new(Sigmoid, Constant::new(0.3)?, GradAccel::new(1e3)?)?;
    check_fused(&custom);
    check_composed(&custom);
    Ok(())
}

/// The fused path's output is GAAF's: the forward moves tanh by less than
/// `0.5/K * s(x)`, the slope gains `s(x)` (a check that does not go through
/// gaaf-core).
#[test]
fn fused_gaaf_tanh_is_tanh_plus_the_shape() {
    let xs = spread();
    let (y, dx) = value_and_grad(&GaafTanh::default(), &xs, DType::F64, false);
    let ws = weights(xs.len());
    for i in 0..xs.len() {
        let (x, s) = (xs[i], (-xs[i] * xs[i] / 3.7).exp());
        assert!(
            (y[i] - x.tanh()).abs() <= 0.5e-4 * s + 1e-15,
            "value at {x}"
        );
        let slope = dx[i] / ws[i];
        assert!(
            (slope - (1.0 - x.tanh().powi(2)) - s).abs() < 1e-3 * s + 1e-12,
            "slope at {x}"
        );
    }
}

/// Without autodiff, on a transposed (non-contiguous) 2-D tensor, the fused
/// op gives what it gives on the contiguous one, transposed.
#[test]
fn fused_on_a_plain_device_and_a_transposed_tensor() {
    let device = Device::ndarray();
    let xs = spread();
    let n = xs.len() / 2;
    let x = Tensor::<2>::from_data(
        TensorData::new(xs[..2 * n].to_vec(), [2, n]),
        (&device, DType::F32),
    );
    let act = GaafTanh::default();
    let straight = act.forward(x.clone()).transpose().into_data();
    let transposed = act.forward(x.clone().transpose()).into_data();
    assert_eq!(
        straight.to_vec::<f32>().unwrap(),
        transposed.to_vec::<f32>().unwrap()
    );
    let f = act.function::<f32>();
    let via_core: Vec<f32> = xs[..2 * n].iter().map(|&x| f.value(x as f32)).collect();
    let fused = act.forward(x).into_data().to_vec::<f32>().unwrap();
    assert_eq!(fused, via_core);
}

/// A changed `K` reaches the kernels: with `K = 10` the forward moves tanh by
/// up to `0.05 * s(x)`, visibly more than with the paper's `K`.
#[test]
fn with_k_reaches_both_paths() -> Result<(), gaaf_burn::Error> {
    let act = GaafTanh::default().with_k(10.0)?;
    let xs: Vec<f64> = (0..200).map(|i| -2.0 + 0.0201 * i as f64).collect();
    for composed in [false, true] {
        let (y, _) = value_and_grad(&act, &xs, DType::F64, composed);
        let moved = xs
            .iter()
            .zip(&y)
            .map(|(x, y)| (y - x.tanh()).abs())
            .fold(0.0, f64::max);
        assert!(
            moved > 0.02 && moved <= 0.05 + 1e-12,
            "composed {composed}: {moved}"
        );
    }
    Ok(())
}

/// burn's flex backend (feature `flex`): `Gaaf::forward` composes GAAF there,
/// with the same values and gradients.
#[cfg(feature = "flex")]
#[test]
fn composed_on_flex() {
    let flex = Device::flex();
    // `forward` on flex is the composed path; the last argument picks
    // `forward` (false) over `forward_composed`.
    let check = |act: &GaafTanh| {
        let xs = spread();
        let (y, dx) = value_and_grad_on(act, &xs, DType::F32, false, &flex);
        let (y_nd, dx_nd) = value_and_grad(act, &xs, DType::F32, true);
        for i in 0..xs.len() {
            assert!((y[i] - y_nd[i]).abs() < 1e-6, "value at {}", xs[i]);
            assert!((dx[i] - dx_nd[i]).abs() < 1e-5, "slope at {}", xs[i]);
        }
    };
    check(&GaafTanh::default());
    check_composed_on(&GaafRelu::default(), &flex);
}
