//! Properties of GAAF built from the standard activations and shapes, for `f32`
//! and `f64` through one generic helper each: the value stays within `0.5/K * s`
//! of `phi`, the backward is the exact derivative, and the slice kernels agree
//! with the scalar functions bit for bit.

use gaaf_shapes::{
    gaaf, gaaf_dropout_matched, gaaf_relu, gaaf_relu_paper, gaaf_tanh, kernel, Constant,
    Differentiable, Float, GaussianBump, GradAccel, Identity, Relu, Sigmoid, Tanh,
};
use proptest::prelude::*;

/// Tolerances for one float type.
trait Tol: gaaf_shapes::Real + core::fmt::Debug + From<f32> {
    /// Central-difference step for the smooth parts (`phi`, `s`).
    const FD_STEP: f64;
    /// Allowed gap between the analytic slope and finite differences of the
    /// smooth parts.
    const FD_TOL: f64;
    fn f(v: f64) -> Self {
        <Self as num_traits::NumCast>::from(v).unwrap()
    }
}
impl Tol for f32 {
    const FD_STEP: f64 = 1.0e-2;
    const FD_TOL: f64 = 2.0e-3;
}
impl Tol for f64 {
    const FD_STEP: f64 = 1.0e-5;
    const FD_TOL: f64 = 1.0e-8;
}

/// `phi + g*s` differs from `phi` by at most `0.5/K * |s|`, plus the rounding
/// of the final sum (half an ulp of the result).
fn check_value_bound<F: Tol>(
    phi: &impl Differentiable<F>,
    s: &impl Differentiable<F>,
    g: GradAccel<F>,
    x: F,
) -> Result<(), TestCaseError> {
    let act = gaaf_core_gaaf(phi, s, g);
    let (y, p) = (act.value(x), phi.value(x));
    let bound = g.amplitude() * s.value(x).abs() + y.abs().max(p.abs()) * F::epsilon();
    prop_assert!((y - p).abs() <= bound, "x = {:?}: {:?} vs {:?}", x, y, p);
    Ok(())
}

/// The backward equals `phi'(x) + s(x) + g(x) s'(x)` with `phi'` and `s'` taken
/// by central differences.
fn check_slope_vs_smooth_fd<F: Tol>(
    phi: &impl Differentiable<F>,
    s: &impl Differentiable<F>,
    g: GradAccel<F>,
    x: F,
) -> Result<(), TestCaseError> {
    let act = gaaf_core_gaaf(phi, s, g);
    let h = F::f(F::FD_STEP);
    let two = F::f(2.0);
    let dphi = (phi.value(x + h) - phi.value(x - h)) / (two * h);
    let ds = (s.value(x + h) - s.value(x - h)) / (two * h);
    let want = dphi + s.value(x) + g.value(x) * ds;
    let got = act.derivative(x);
    let tol = F::f(F::FD_TOL) * (F::one() + want.abs());
    prop_assert!(
        (got - want).abs() <= tol,
        "x = {:?}: {:?} vs {:?}",
        x,
        got,
        want
    );
    Ok(())
}

/// Kernels and scalar calls agree bit for bit.
fn check_kernels_match_scalar<F: Tol>(
    act: &impl Differentiable<F>,
    xs: &[F],
    dys: &[F],
) -> Result<(), TestCaseError> {
    let n = xs.len();
    let mut y = vec![F::zero(); n];
    kernel::forward(act, xs, &mut y).unwrap();
    let mut y_in_place = xs.to_vec();
    kernel::forward_in_place(act, &mut y_in_place);
    let mut dx = vec![F::zero(); n];
    kernel::backward(act, xs, dys, &mut dx).unwrap();
    let mut dx_in_place = dys.to_vec();
    kernel::backward_in_place(act, xs, &mut dx_in_place).unwrap();
    let mut dx_acc = vec![F::zero(); n];
    kernel::backward_accumulate(act, xs, dys, &mut dx_acc).unwrap();
    for i in 0..n {
        let (v, d) = (act.value(xs[i]), dys[i] * act.derivative(xs[i]));
        prop_assert!(
            same(y[i], v) && same(y_in_place[i], v),
            "value at {:?}",
            xs[i]
        );
        prop_assert!(
            same(dx[i], d) && same(dx_in_place[i], d),
            "grad at {:?}",
            xs[i]
        );
        prop_assert!(
            same(dx_acc[i], F::zero() + d),
            "accumulated grad at {:?}",
            xs[i]
        );
    }
    Ok(())
}

fn same<F: Float>(a: F, b: F) -> bool {
    a == b || (a.is_nan() && b.is_nan())
}

/// `gaaf_core::Gaaf` over references, so the helpers can borrow their parts.
fn gaaf_core_gaaf<'a, F: Float, P: Differentiable<F>, S: Differentiable<F>>(
    phi: &'a P,
    s: &'a S,
    g: GradAccel<F>,
) -> gaaf_shapes::Gaaf<&'a P, &'a S, F> {
    gaaf_shapes::Gaaf::new(phi, s, g)
}

/// Runs every scalar check on the standard GAAF pairs.
fn check_all_pairs<F: Tol>(x: F) -> Result<(), TestCaseError> {
    let g = GradAccel::<F>::paper();
    let exp = GaussianBump::<F>::paper_tanh();
    let sig = gaaf_shapes::ShiftedSigmoid::<F>::paper_relu();
    let bump = GaussianBump::new(F::f(0.7), F::f(-1.0), F::f(2.0)).unwrap();
    let one = Constant::<F>::one();
    check_value_bound(&Tanh, &exp, g, x)?;
    check_value_bound(&Relu, &sig, g, x)?;
    check_value_bound(&Sigmoid, &bump, g, x)?;
    check_value_bound(&Identity, &one, g, x)?;
    check_slope_vs_smooth_fd(&Tanh, &exp, g, x)?;
    check_slope_vs_smooth_fd(&Sigmoid, &bump, g, x)?;
    check_slope_vs_smooth_fd(&Identity, &one, g, x)?;
    // ReLU is smooth away from its kink.
    if x.abs() > F::f(10.0 * F::FD_STEP) {
        check_slope_vs_smooth_fd(&Relu, &sig, g, x)?;
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn pairs_f32(x in -60.0_f32..60.0) {
        check_all_pairs(x)?;
    }

    #[test]
    fn pairs_f64(x in -60.0_f64..60.0) {
        check_all_pairs(x)?;
    }

    #[test]
    fn value_bound_every_finite_f32(bits in any::<u32>()) {
        let x = f32::from_bits(bits);
        prop_assume!(x.is_finite());
        let g = GradAccel::paper();
        check_value_bound(&Tanh, &GaussianBump::paper_tanh(), g, x)?;
        check_value_bound(&Relu, &gaaf_shapes::ShiftedSigmoid::paper_relu(), g, x)?;
    }

    #[test]
    fn value_bound_every_finite_f64(bits in any::<u64>()) {
        let x = f64::from_bits(bits);
        prop_assume!(x.is_finite());
        let g = GradAccel::paper();
        check_value_bound(&Tanh, &GaussianBump::paper_tanh(), g, x)?;
        check_value_bound(&Relu, &gaaf_shapes::ShiftedSigmoid::paper_relu(), g, x)?;
    }

    /// In `f64`, a step far below `1/K`, away from the jumps of `g`, sees the
    /// analytic slope of `phi_new` itself.
    #[test]
    fn slope_is_the_derivative_of_phi_new_f64(x in -8.0_f64..8.0) {
        let frac = (x * 1.0e4).rem_euclid(1.0);
        prop_assume!(frac > 0.01 && frac < 0.99);
        let h = 1.0e-9;
        let acts = [
            &gaaf_tanh::<f64>() as &dyn Differentiable<f64>,
            &gaaf_relu_paper::<f64>(),
            &gaaf_relu::<f64>(),
        ];
        for act in acts {
            if act.derivative(x).is_nan() { continue; }
            let fd = (act.value(x + h) - act.value(x - h)) / (2.0 * h);
            prop_assert!((fd - act.derivative(x)).abs() < 1.0e-5,
                "x = {}: fd {} vs {}", x, fd, act.derivative(x));
        }
        let dm = gaaf_dropout_matched(Tanh, 0.8_f64).unwrap();
        let fd = (dm.value(x + h) - dm.value(x - h)) / (2.0 * h);
        prop_assert!((fd - dm.derivative(x)).abs() < 1.0e-5);
    }

    #[test]
    fn kernels_match_scalar_f32(xs in prop::collection::vec(-20.0_f32..20.0, 0..300), seed in any::<u32>()) {
        let dys: Vec<f32> = xs.iter().enumerate().map(|(i, _)| ((i as u32 ^ seed) % 17) as f32 - 8.0).collect();
        check_kernels_match_scalar(&gaaf_tanh::<f32>(), &xs, &dys)?;
        check_kernels_match_scalar(&gaaf_relu_paper::<f32>(), &xs, &dys)?;
        check_kernels_match_scalar(&gaaf_relu::<f32>(), &xs, &dys)?;
        check_kernels_match_scalar(&gaaf_dropout_matched(Tanh, 0.5_f32).unwrap(), &xs, &dys)?;
    }

    #[test]
    fn kernels_match_scalar_f64(xs in prop::collection::vec(-20.0_f64..20.0, 0..300)) {
        let dys: Vec<f64> = xs.iter().map(|x| 1.5 - x).collect();
        check_kernels_match_scalar(&gaaf_tanh::<f64>(), &xs, &dys)?;
        check_kernels_match_scalar(&gaaf(Sigmoid, Constant::one(), GradAccel::new(100.0).unwrap()), &xs, &dys)?;
    }

    /// f32 GAAF follows the f64 one to f32 accuracy (the value to within the
    /// period of `g`, since `x*K` rounds differently).
    #[test]
    fn f32_close_to_f64(x in -10.0_f32..10.0) {
        let (a32, a64) = (gaaf_tanh::<f32>(), gaaf_tanh::<f64>());
        let xd = f64::from(x);
        prop_assert!((f64::from(a32.value(x)) - a64.value(xd)).abs() < 1.0e-4 + 1.0e-6);
        // Where x*K rounds across an integer in f32, g jumps by 1/K, and the
        // slope by 1/K * s'(x).
        let ds = GaussianBump::<f64>::paper_tanh().derivative(xd).abs();
        prop_assert!((f64::from(a32.derivative(x)) - a64.derivative(xd)).abs() < 1.0e-4 * ds + 1.0e-6);
    }
}

#[test]
fn nan_in_nan_out() {
    assert!(gaaf_tanh::<f32>().value(f32::NAN).is_nan());
    assert!(gaaf_tanh::<f32>().derivative(f32::NAN).is_nan());
    assert!(gaaf_relu_paper::<f64>().value(f64::NAN).is_nan());
    assert!(gaaf_relu_paper::<f64>().derivative(f64::NAN).is_nan());
    assert!(gaaf_relu::<f64>().value(f64::NAN).is_nan());
    assert!(gaaf_relu::<f64>().derivative(f64::NAN).is_nan());
    let dm = gaaf_dropout_matched(Tanh, 1.0_f64).unwrap();
    assert!(dm.value(f64::NAN).is_nan());
    assert!(dm.derivative(f64::NAN).is_nan());
}

#[test]
fn infinities_stay_finite_where_phi_is() {
    let t = gaaf_tanh::<f32>();
    assert_eq!(t.value(f32::INFINITY), 1.0);
    assert_eq!(t.value(f32::NEG_INFINITY), -1.0);
    assert_eq!(t.derivative(f32::INFINITY), 0.0);
}

#[test]
fn length_mismatch_is_an_error_not_a_panic() {
    let act = gaaf_tanh::<f32>();
    let mut y = [0.0; 2];
    let err = kernel::forward(&act, &[1.0, 2.0, 3.0], &mut y).unwrap_err();
    assert_eq!(err.to_string(), "slice `y` has 2 elements, expected 3",);
    assert!(kernel::backward(&act, &[1.0], &[1.0, 2.0], &mut [0.0]).is_err());
    assert!(kernel::backward_accumulate(&act, &[1.0], &[1.0], &mut [0.0, 1.0]).is_err());
    assert!(kernel::backward_in_place(&act, &[1.0], &mut []).is_err());
}

/// The saturation areas the paper cares about: at |x| in [2, 6] tanh' is below
/// 0.07 while GAAF-tanh's slope is close to s(x).
#[test]
fn slope_in_tanh_saturation() {
    let act = gaaf_tanh::<f64>();
    let s = GaussianBump::<f64>::paper_tanh();
    for i in 0..=40 {
        let x = 2.0 + 0.1 * f64::from(i);
        for x in [x, -x] {
            assert!(Tanh.derivative(x) < 0.071);
            let gain = act.derivative(x) - Tanh.derivative(x);
            assert!((gain - s.value(x)).abs() <= 0.5e-4 * s.derivative(x).abs() + 1e-15);
        }
    }
}

proptest! {
    /// The shoulder shape behaves as any shape inside GAAF: value within
    /// `0.5/K * s` of tanh, the exact slope, kernels equal to scalar calls.
    #[test]
    fn shoulder_bump_in_gaaf_tanh(x in -12.0f64..12.0, dy in -2.0f64..2.0) {
        let g = GradAccel::<f64>::paper();
        let s = gaaf_shapes::ShoulderBump::<f64>::tanh_shoulders();
        check_value_bound(&Tanh, &s, g, x)?;
        check_slope_vs_smooth_fd(&Tanh, &s, g, x)?;
        let s32 = gaaf_shapes::ShoulderBump::<f32>::tanh_shoulders();
        let act = gaaf(Tanh, s32, GradAccel::<f32>::paper());
        check_kernels_match_scalar(&act, &[x as f32, -x as f32, 0.0], &[dy as f32, 1.0, -1.0])?;
    }
}

proptest! {
    /// ReLU's saturation-only shape behaves as any shape inside GAAF: value
    /// within `0.5/K * s` of ReLU, the exact slope away from the kink (where
    /// both ReLU and the mask jump), kernels equal to scalar calls, and no
    /// slope added right of the kink.
    #[test]
    fn saturation_only_shape_in_gaaf_relu(x in -12.0f64..12.0, dy in -2.0f64..2.0) {
        let g = GradAccel::<f64>::paper();
        let s = gaaf_shapes::LeftOf::<_, f64>::relu_saturation();
        check_value_bound(&Relu, &s, g, x)?;
        if x.abs() > 1e-3 {
            check_slope_vs_smooth_fd(&Relu, &s, g, x)?;
        }
        if x > 0.0 {
            prop_assert_eq!(gaaf_relu::<f64>().derivative(x), 1.0);
        }
        let act = gaaf_relu::<f32>();
        check_kernels_match_scalar(&act, &[x as f32, -x as f32, 0.0], &[dy as f32, 1.0, -1.0])?;
    }
}
