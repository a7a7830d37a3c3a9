//! Values and gradients of the GAAF op against `gaaf-core`'s scalar
//! functions and central finite differences of the op itself, with inputs
//! spread through the saturation areas; layouts and dtypes.

use candle_core::{DType, Device, Module, Tensor, Var};
use gaaf_candle::{gaaf, Gaaf, GaafRelu, GaafReluPaper, GaafTanh, GaafTanhShoulder};
use gaaf_core::Differentiable;
use gaaf_shapes::{probe_points, GaafTwins, GradAccel, Recast, Twin};

/// Tolerance of a central finite difference in `f64` with step `H`.
const FD_TOL: f64 = 1e-6;
/// Finite-difference step: far below the sawtooth period `1/K = 1e-4`.
const H: f64 = 1e-8;

/// `n` points with `lo <= |x| <= hi`, both signs, and `x*K` a quarter period
/// past an integer, so that a finite difference does not straddle a jump of
/// `g`.
fn saturation_points(lo: f64, hi: f64, n: usize) -> Vec<f64> {
    probe_points(&GradAccel::paper(), lo, hi, n).collect()
}

/// Gradient of `sum(w * act(x))` in `x`, through candle's autograd.
fn grad<M: Module>(act: &M, x: &Tensor, w: &Tensor) -> candle_core::Result<Tensor> {
    let x = Var::from_tensor(x)?;
    let loss = act.forward(x.as_tensor())?.mul(w)?.sum_all()?;
    let grads = loss.backward()?;
    grads
        .get(x.as_tensor())
        .cloned()
        .ok_or_else(|| candle_core::Error::Msg("no gradient".into()))
}

/// Checks the op against the scalar derivative (exactly) and finite
/// differences of the op's own forward (to `FD_TOL`), with a non-uniform `dy`.
fn check_f64<P: Recast<f32>, S: Recast<f32>>(
    act: &Gaaf<P, S>,
    xs: &[f64],
) -> candle_core::Result<()>
where
    GaafTwins<P, S>: Twin<f32> + Twin<f64> + Send + Sync + 'static,
{
    let dev = Device::Cpu;
    let f = act.function::<f64>();
    let x = Tensor::new(xs, &dev)?;
    let ws: Vec<f64> = (0..xs.len())
        .map(|i| 0.5 + (i as f64 * 0.7).sin())
        .collect();
    let w = Tensor::new(ws.as_slice(), &dev)?;
    let g = grad(act, &x, &w)?.to_vec1::<f64>()?;
    let up = gaaf(&(&x + H)?, act)?.to_vec1::<f64>()?;
    let down = gaaf(&(&x - H)?, act)?.to_vec1::<f64>()?;
    for i in 0..xs.len() {
        assert_eq!(
            g[i],
            ws[i] * f.derivative(xs[i]),
            "scalar derivative at {}",
            xs[i]
        );
        let fd = ws[i] * (up[i] - down[i]) / (2.0 * H);
        assert!(
            (g[i] - fd).abs() < FD_TOL,
            "x = {}: {} vs fd {fd}",
            xs[i],
            g[i]
        );
    }
    Ok(())
}

#[test]
fn tanh_gradient_matches_scalar_derivative_and_finite_differences() -> candle_core::Result<()> {
    let act = GaafTanh::default();
    let xs = saturation_points(2.0, 6.0, 41);
    check_f64(&act, &xs)?;
    // Where tanh saturates GAAF's slope is near s(x) = exp(-x^2/3.7).
    let ones = Tensor::ones(xs.len(), DType::F64, &Device::Cpu)?;
    let g = grad(&act, &Tensor::new(xs.as_slice(), &Device::Cpu)?, &ones)?.to_vec1::<f64>()?;
    for (&x, &g) in xs.iter().zip(&g) {
        let tanh_slope = 1.0 - x.tanh().powi(2);
        assert!(tanh_slope < 0.071);
        assert!(
            (g - tanh_slope - (-x * x / 3.7).exp()).abs() < 1e-3,
            "x = {x}"
        );
    }
    Ok(())
}

#[test]
fn relu_gradient_matches_scalar_derivative_and_finite_differences() -> candle_core::Result<()> {
    check_f64(&GaafReluPaper::default(), &saturation_points(0.05, 2.0, 41))
}

#[test]
fn saturation_only_shapes_match_scalar_derivative_and_finite_differences() -> candle_core::Result<()>
{
    // ReLU's shape stops at the kink: points on both sides, none within H.
    check_f64(&GaafRelu::default(), &saturation_points(0.05, 2.0, 41))?;
    check_f64(
        &GaafTanhShoulder::default(),
        &saturation_points(0.0, 6.0, 61),
    )
}

#[test]
fn any_activation_and_shape_with_another_k() -> Result<(), Box<dyn std::error::Error>> {
    use gaaf_shapes::{GaussianBump, Sigmoid};
    let act = Gaaf::new(
        Sigmoid,
        GaussianBump::new(0.5, 1.0, 2.0)?,
        GradAccel::new(100.0)?,
    )?;
    // x*K = x*100 a quarter period past an integer.
    let xs: Vec<f64> = (-20..20)
        .map(|i| (i as f64 * 13.0 + 0.25) / 100.0)
        .collect();
    check_f64(&act, &xs)?;
    // And the paper's tanh with K = 1000 through `with_k`.
    let xs: Vec<f64> = (-20..20)
        .map(|i| (i as f64 * 211.0 + 0.25) / 1000.0)
        .collect();
    check_f64(&GaafTanh::default().with_k(1000.0)?, &xs)?;
    Ok(())
}

#[test]
fn f32_values_and_gradients_are_bit_identical_to_scalar_calls() -> candle_core::Result<()> {
    let dev = Device::Cpu;
    // Saturation points and a spread of ordinary ones, both activations.
    let mut xs: Vec<f32> = saturation_points(0.0, 8.0, 257)
        .iter()
        .map(|&x| x as f32)
        .collect();
    xs.extend((0..256).map(|i| (i as f32 - 128.0) * 0.037_1));
    let x = Tensor::new(xs.as_slice(), &dev)?;
    let ones = Tensor::ones(xs.len(), DType::F32, &dev)?;
    for (name, y, g, f) in [
        (
            "tanh",
            GaafTanh::default().forward(&x)?,
            grad(&GaafTanh::default(), &x, &ones)?,
            Box::new(*GaafTanh::default().function::<f32>()) as Box<dyn Differentiable<f32>>,
        ),
        (
            "relu",
            GaafRelu::default().forward(&x)?,
            grad(&GaafRelu::default(), &x, &ones)?,
            Box::new(*GaafRelu::default().function::<f32>()),
        ),
        (
            "relu, paper's shape",
            GaafReluPaper::default().forward(&x)?,
            grad(&GaafReluPaper::default(), &x, &ones)?,
            Box::new(*GaafReluPaper::default().function::<f32>()),
        ),
    ] {
        let (y, g) = (y.to_vec1::<f32>()?, g.to_vec1::<f32>()?);
        for i in 0..xs.len() {
            assert_eq!(
                y[i].to_bits(),
                f.value(xs[i]).to_bits(),
                "{name} value at {}",
                xs[i]
            );
            assert_eq!(
                g[i].to_bits(),
                f.derivative(xs[i]).to_bits(),
                "{name} slope at {}",
                xs[i]
            );
        }
    }
    Ok(())
}

#[test]
fn strided_offset_and_broadcast_layouts_read_the_right_elements() -> candle_core::Result<()> {
    let dev = Device::Cpu;
    let act = GaafTanh::default();
    let f = *act.function::<f64>();
    let base = Tensor::arange(0u32, 24, &dev)?
        .to_dtype(DType::F64)?
        .affine(0.37, -4.0)?
        .reshape((4, 6))?;
    let views = [
        ("transposed", base.t()?),
        ("narrowed (offset)", base.narrow(0, 1, 2)?),
        ("strided column slice", base.narrow(1, 2, 3)?),
        ("broadcast", base.narrow(0, 3, 1)?.broadcast_as((5, 6))?),
    ];
    for (name, v) in views {
        assert!(
            !v.is_contiguous() || v.layout().start_offset() > 0,
            "{name}"
        );
        let want = v.contiguous()?.flatten_all()?.to_vec1::<f64>()?;
        let got = act.forward(&v)?;
        assert_eq!(got.dims(), v.dims(), "{name}");
        assert!(got.is_contiguous());
        let got = got.flatten_all()?.to_vec1::<f64>()?;
        for (a, b) in got.iter().zip(&want) {
            assert_eq!(*a, f.value(*b), "{name}");
        }
    }
    Ok(())
}

#[test]
fn gradients_flow_back_through_views_and_accumulate() -> candle_core::Result<()> {
    let dev = Device::Cpu;
    let act = GaafTanh::default();
    let f = *act.function::<f64>();
    let row = Var::new(&[2.0_f64, -4.0, 0.5], &dev)?;
    // A broadcast view (4 copies of the row), transposed, and the input
    // used a second time: d/dx sum(gaaf(x_bcast^T)) + sum(x) = 4 f'(x) + 1.
    let y = act.forward(&row.as_tensor().broadcast_as((4, 3))?.t()?)?;
    let loss = (y.sum_all()? + row.as_tensor().sum_all()?)?;
    let g = loss.backward()?;
    let g = g.get(row.as_tensor()).map(|t| t.to_vec1::<f64>());
    let g = g.ok_or_else(|| candle_core::Error::Msg("no gradient".into()))??;
    for (gi, x) in g.iter().zip([2.0, -4.0, 0.5]) {
        assert!(
            (gi - (4.0 * f.derivative(x) + 1.0)).abs() < 1e-12,
            "x = {x}"
        );
    }
    Ok(())
}

#[test]
fn other_dtypes_are_an_error_not_a_panic() -> candle_core::Result<()> {
    let dev = Device::Cpu;
    let x = Tensor::new(&[1.0_f32, -2.0], &dev)?;
    for dtype in [DType::F16, DType::BF16, DType::U32, DType::I64] {
        let err = GaafRelu::default()
            .forward(&x.to_dtype(dtype)?)
            .expect_err("only f32 and f64 are supported");
        assert!(err.to_string().contains("gaaf"), "{dtype:?}: {err}");
    }
    Ok(())
}

#[test]
fn values_stay_within_half_over_k_of_phi() -> candle_core::Result<()> {
    let dev = Device::Cpu;
    let x = Tensor::randn(0f64, 3.0, (32, 32), &dev)?;
    let tanh_gap = (GaafTanh::default().forward(&x)? - x.tanh()?)?
        .abs()?
        .max_all()?;
    let relu_gap = (GaafRelu::default().forward(&x)? - x.relu()?)?
        .abs()?
        .max_all()?;
    let paper_gap = (GaafReluPaper::default().forward(&x)? - x.relu()?)?
        .abs()?
        .max_all()?;
    assert!(tanh_gap.to_scalar::<f64>()? <= 0.5e-4);
    assert!(relu_gap.to_scalar::<f64>()? <= 0.5e-4);
    assert!(paper_gap.to_scalar::<f64>()? <= 0.5e-4);
    Ok(())
}
