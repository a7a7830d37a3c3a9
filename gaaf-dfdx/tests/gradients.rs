//! Values and gradients of the GAAF modules against `gaaf-core`'s scalar
//! functions, finite differences and the composed dfdx version, with inputs
//! spread through the saturation areas.

use dfdx::prelude::*;
use gaaf_core::Differentiable;
use gaaf_dfdx::{try_gaaf_composed, GaafRelu, GaafReluPaper, GaafTanh};
use gaaf_shapes::{probe_points, GradAccel};

/// Tolerance of a central finite difference in `f64` with step `H`.
const FD_TOL: f64 = 1e-6;
/// Finite-difference step: far below the sawtooth period `1/K = 1e-4`.
const H: f64 = 1e-8;

/// `n` points with `lo <= |x| <= hi`, both signs, and `x*K` kept away from the
/// jumps of `g` so that a finite difference does not straddle one.
fn saturation_points(lo: f64, hi: f64, n: usize) -> Vec<f64> {
    probe_points(&GradAccel::paper(), lo, hi, n).collect()
}

fn grad_of<
    M: Module<
        Tensor<(usize,), f64, Cpu, OwnedTape<f64, Cpu>>,
        Output = Tensor<(usize,), f64, Cpu, OwnedTape<f64, Cpu>>,
    >,
>(
    m: &M,
    dev: &Cpu,
    xs: &[f64],
) -> Vec<f64> {
    let x = dev.tensor((xs.to_vec(), (xs.len(),)));
    let y = m.forward(x.leaky_trace());
    y.sum().backward().get(&x).as_vec()
}

#[test]
fn tanh_gradient_matches_scalar_derivative_and_finite_differences() {
    let dev = Cpu::default();
    let m = GaafTanh::default();
    let f = *m.function::<f64>();
    let xs = saturation_points(2.0, 6.0, 41);
    let grads = grad_of(&m, &dev, &xs);
    for (&x, &g) in xs.iter().zip(&grads) {
        assert_eq!(g, f.derivative(x), "scalar derivative at {x}");
        let fd = (f.value(x + H) - f.value(x - H)) / (2.0 * H);
        assert!((g - fd).abs() < FD_TOL, "x = {x}: {g} vs fd {fd}");
        // Where tanh' is below 0.07 GAAF's slope is near s(x).
        let tanh_slope = 1.0 - x.tanh().powi(2);
        assert!(tanh_slope < 0.071, "tanh saturates here");
        let s = (-x * x / 3.7).exp();
        assert!((g - tanh_slope - s).abs() < 1e-3, "x = {x}");
    }
}

/// The module's gradient at points on both sides of ReLU's kink against
/// `f`, its scalar function, and finite differences of `f`.
fn check_relu_gradient<
    M: Module<
        Tensor<(usize,), f64, Cpu, OwnedTape<f64, Cpu>>,
        Output = Tensor<(usize,), f64, Cpu, OwnedTape<f64, Cpu>>,
    >,
>(
    m: &M,
    f: &impl Differentiable<f64>,
) {
    let dev = Cpu::default();
    let xs = saturation_points(0.05, 2.0, 41);
    let grads = grad_of(m, &dev, &xs);
    for (&x, &g) in xs.iter().zip(&grads) {
        assert_eq!(g, f.derivative(x), "scalar derivative at {x}");
        let fd = (f.value(x + H) - f.value(x - H)) / (2.0 * H);
        assert!((g - fd).abs() < FD_TOL, "x = {x}: {g} vs fd {fd}");
    }
}

#[test]
fn relu_gradient_matches_scalar_derivative_and_finite_differences() {
    let m = GaafRelu::default();
    check_relu_gradient(&m, m.function::<f64>());
    let paper = GaafReluPaper::default();
    check_relu_gradient(&paper, paper.function::<f64>());
}

#[test]
fn f32_values_and_gradients_are_bit_identical_to_scalar_calls() {
    let dev = Cpu::default();
    let m = GaafTanh::default();
    let f = *m.function::<f32>();
    let xs: Vec<f32> = saturation_points(2.0, 6.0, 64)
        .into_iter()
        .map(|x| x as f32)
        .collect();
    let x = dev.tensor((xs.clone(), (xs.len(),)));
    let y = m.forward(x.leaky_trace());
    for (xi, yi) in xs.iter().zip(y.as_vec()) {
        assert_eq!(yi, f.value(*xi));
    }
    let g = y.sum().backward().get(&x).as_vec();
    for (xi, gi) in xs.iter().zip(g) {
        assert_eq!(gi, f.derivative(*xi));
    }
}

/// The fused CPU op against the same function composed from dfdx's own ops
/// (the CUDA path), values and gradients, with a non-uniform `dy`.
fn check_fused_against_composed<P, Sh>(f: gaaf_core::Gaaf<P, Sh, f64>, scale: f64)
where
    P: Differentiable<f64> + gaaf_dfdx::TensorFn<f64> + Clone + 'static,
    Sh: Differentiable<f64> + gaaf_dfdx::TensorFn<f64> + Clone + 'static,
{
    let dev = Cpu::seed_from_u64(3);
    let x: Tensor<Rank2<16, 32>, f64, _> = dev.sample_normal::<Rank2<16, 32>>() * scale;
    let w: Tensor<Rank2<16, 32>, f64, _> = dev.sample_normal();
    let fused = gaaf_dfdx::try_gaaf(&f, x.leaky_trace()).unwrap();
    let composed = try_gaaf_composed(&f, x.leaky_trace()).unwrap();
    for (a, b) in fused.as_vec().iter().zip(composed.as_vec()) {
        assert!((a - b).abs() < 1e-12, "{a} vs {b}");
    }
    let ga = (fused * w.clone()).sum().backward().get(&x).as_vec();
    let gb = (composed * w).sum().backward().get(&x).as_vec();
    for (a, b) in ga.iter().zip(gb) {
        assert!((a - b).abs() < 1e-12, "{a} vs {b}");
    }
}

/// In `f32` the product `x*K` is an integer for about one input in
/// `2^23 / |x*K|` (the spacing of floats there reaches 1/4096 at `|x| ~ 0.4`),
/// so the side of the jump that `g` takes there is not a measure-zero detail:
/// the composed version (what dfdx's CUDA device runs) must take the same
/// side as the fused one, or values differ by `s(x)/K`. Inputs: a normal
/// spread through the saturation areas, plus `n/K` for many `n`, where `x*K`
/// rounds to the integer `n`.
#[test]
fn fused_matches_composed_in_f32_at_integer_x_times_k() {
    let dev = Cpu::seed_from_u64(4);
    let mut xs: Vec<f32> = (dev.sample_normal::<Rank1<60000>>() * 4.0f32).as_vec();
    xs.extend((-2048..2048).map(|n| n as f32 / 1e4));
    let n = xs.len();
    let x: Tensor<(usize,), f32, _> = dev.tensor_from_vec(xs, (n,));
    for f in [
        *GaafTanh::default().function::<f32>(),
        gaaf_shapes::gaaf_tanh::<f32>().with_accel(gaaf_shapes::GradAccel::new(100.0).unwrap()),
    ] {
        let fused = gaaf_dfdx::try_gaaf(&f, x.leaky_trace()).unwrap();
        let composed = try_gaaf_composed(&f, x.leaky_trace()).unwrap();
        // dfdx's tanh and exp are libm's, gaaf-core's are its own (within
        // 3 ulp): a few 1e-7 apart, against the 1e-4 of a jump taken on the
        // other side.
        let worst = fused
            .as_vec()
            .iter()
            .zip(composed.as_vec())
            .map(|(a, b)| (a - b).abs())
            .fold(0.0, f32::max);
        assert!(worst < 1e-6, "values {worst:e} apart");
        let ga = fused.sum().backward().get(&x).as_vec();
        let gb = composed.sum().backward().get(&x).as_vec();
        let worst = ga
            .iter()
            .zip(gb)
            .map(|(a, b)| (a - b).abs())
            .fold(0.0, f32::max);
        assert!(worst < 1e-6, "gradients {worst:e} apart");
    }
}

#[test]
fn fused_matches_composed_dfdx_ops() {
    check_fused_against_composed(*GaafTanh::default().function::<f64>(), 3.0);
    check_fused_against_composed(*GaafReluPaper::default().function::<f64>(), 1.0);
    check_fused_against_composed(gaaf_shapes::gaaf_tanh_shoulder::<f64>(), 3.0);
    check_fused_against_composed(*GaafRelu::default().function::<f64>(), 1.0);
    let sigmoid = gaaf_shapes::gaaf(
        gaaf_shapes::Sigmoid,
        gaaf_shapes::GaussianBump::new(0.5, 1.0, 2.0).unwrap(),
        gaaf_shapes::GradAccel::new(100.0).unwrap(),
    );
    check_fused_against_composed(sigmoid, 4.0);
}

#[test]
fn taped_and_untaped_forward_agree() {
    let dev = Cpu::seed_from_u64(1);
    let x: Tensor<Rank3<2, 3, 5>, f32, _> = dev.sample_normal::<Rank3<2, 3, 5>>() * 4.0;
    for (a, b) in [
        (
            GaafTanh::default().forward(x.clone()).as_vec(),
            GaafTanh::default().forward(x.leaky_trace()).as_vec(),
        ),
        (
            GaafRelu::default().forward(x.clone()).as_vec(),
            GaafRelu::default().forward(x.leaky_trace()).as_vec(),
        ),
        (
            GaafReluPaper::default().forward(x.clone()).as_vec(),
            GaafReluPaper::default().forward(x.leaky_trace()).as_vec(),
        ),
    ] {
        assert_eq!(a, b);
    }
}

#[test]
fn gradients_accumulate_when_input_is_used_twice() {
    let dev = Cpu::default();
    let m = GaafTanh::default();
    let f = *m.function::<f64>();
    let x = dev.tensor([2.5_f64, -3.25]);
    // y = gaaf(x) + x: dx = f'(x) + 1.
    let xt = x.leaky_trace();
    let y = m.forward(xt.with_empty_tape()) + xt;
    let g = y.sum().backward().get(&x).array();
    assert!((g[0] - f.derivative(2.5) - 1.0).abs() < 1e-15);
    assert!((g[1] - f.derivative(-3.25) - 1.0).abs() < 1e-15);
}

#[test]
fn broadcast_input_is_made_contiguous() {
    let dev = Cpu::default();
    let m = GaafTanh::default();
    let f = *m.function::<f64>();
    let row = dev.tensor([2.0_f64, -4.0, 0.5]);
    let x: Tensor<Rank2<4, 3>, f64, _, _> = row.leaky_trace().broadcast();
    let y = m.forward(x);
    assert_eq!(y.array()[3], [f.value(2.0), f.value(-4.0), f.value(0.5)]);
    let g = y.sum().backward().get(&row).array();
    assert!((g[1] - 4.0 * f.derivative(-4.0)).abs() < 1e-12);
}
