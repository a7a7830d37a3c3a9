//! The dropout-matched shape: its quadrature against an independent
//! integration, its derivative against finite differences of its value, its
//! dependence on the noise level, and its errors.

use gaaf_shapes::{
    dropout_sigma, Activation, Differentiable, DropoutMatched, DropoutScaling, Error, GaussHermite,
    Relu, Sigmoid, Tanh,
};

/// `E[f(x + sigma*eps)]` by composite Simpson over `eps` in [-12, 12]: slow,
/// simple, and independent of the Gauss-Hermite code.
fn simpson_expectation(f: impl Fn(f64) -> f64, x: f64, sigma: f64) -> f64 {
    let n = 48_000;
    let (a, b) = (-12.0, 12.0);
    let h = (b - a) / n as f64;
    let pdf = |e: f64| (-0.5 * e * e).exp() / (2.0 * std::f64::consts::PI).sqrt();
    let term = |e: f64| pdf(e) * f(x + sigma * e);
    let mut acc = term(a) + term(b);
    for i in 1..n {
        let e = a + h * i as f64;
        acc += if i % 2 == 1 { 4.0 } else { 2.0 } * term(e);
    }
    acc * h / 3.0
}

const SIGMAS: [f64; 6] = [0.05, 0.2, 0.5, 1.0, 2.0, 3.0];

fn xs() -> impl Iterator<Item = f64> {
    (-60..=60).map(|i| f64::from(i) * 0.1 + 0.013)
}

/// The accuracy `DEFAULT_NODES` documents, per noise level.
#[test]
fn tanh_and_sigmoid_quadrature_match_simpson() {
    let rule = GaussHermite::<f64, { gaaf_shapes::DEFAULT_NODES }>::new();
    let tolerance = [1e-13, 1e-13, 1e-13, 5e-9, 2e-4, 5e-3];
    for (sigma, tol) in SIGMAS.into_iter().zip(tolerance) {
        for x in xs() {
            let (t, _) = Tanh.noisy_slope(x, sigma, &rule);
            let t_ref = simpson_expectation(|z| Tanh.derivative(z), x, sigma);
            assert!(
                (t - t_ref).abs() < tol,
                "tanh, sigma {sigma}, x {x}: {t} vs {t_ref}"
            );
            let (s, _) = Sigmoid.noisy_slope(x, sigma, &rule);
            let s_ref = simpson_expectation(|z| Sigmoid.derivative(z), x, sigma);
            assert!((s - s_ref).abs() < tol, "sigmoid, sigma {sigma}, x {x}");
        }
    }
}

#[test]
fn relu_closed_form_matches_simpson() {
    let rule = GaussHermite::<f64, 32>::new();
    for sigma in SIGMAS {
        for x in xs() {
            let (r, _) = Relu.noisy_slope(x, sigma, &rule);
            let r_ref = simpson_expectation(|z| f64::from(u8::from(z > 0.0)), x, sigma);
            // Simpson on a step converges slowly: the step sits between nodes.
            assert!(
                (r - r_ref).abs() < 2e-4,
                "sigma {sigma}, x {x}: {r} vs {r_ref}"
            );
        }
    }
}

/// `s'` is the derivative of `s`, for every activation and noise level, away
/// from the points where the clamp at 0 engages (and ReLU's kink).
#[test]
fn derivative_is_consistent_with_value() {
    let h = 1e-5;
    for sigma in SIGMAS {
        let shapes: [(&str, &dyn Differentiable<f64>); 3] = [
            ("tanh", &DropoutMatched::<_, f64>::new(Tanh, sigma).unwrap()),
            (
                "sigmoid",
                &DropoutMatched::<_, f64>::new(Sigmoid, sigma).unwrap(),
            ),
            ("relu", &DropoutMatched::<_, f64>::new(Relu, sigma).unwrap()),
        ];
        for (name, s) in shapes {
            for x in xs() {
                let (lo, hi) = (s.value(x - h), s.value(x + h));
                if (lo == 0.0) != (hi == 0.0) || (name == "relu" && x.abs() < 2.0 * h) {
                    continue;
                }
                let fd = (hi - lo) / (2.0 * h);
                let d = s.derivative(x);
                assert!(
                    (fd - d).abs() < 1e-6 * (1.0 + d.abs()),
                    "{name}, sigma {sigma}, x {x}: fd {fd} vs {d}"
                );
            }
        }
    }
}

#[test]
fn f32_shape_follows_f64() {
    for sigma in [0.3_f32, 1.0, 2.5] {
        let s32 = DropoutMatched::<_, f32>::new(Tanh, sigma).unwrap();
        let s64 = DropoutMatched::<_, f64>::new(Tanh, f64::from(sigma)).unwrap();
        for x in xs() {
            let diff = f64::from(s32.value(x as f32)) - s64.value(f64::from(x as f32));
            assert!(diff.abs() < 1e-5, "sigma {sigma}, x {x}");
        }
    }
}

/// More noise, more slope in the saturated tails (the paper's reading of
/// dropout rates, section 4), and none without noise.
#[test]
fn extra_slope_grows_with_noise() {
    let at = |sigma: f64, x: f64| DropoutMatched::<_, f64>::new(Tanh, sigma).unwrap().value(x);
    for x in [2.5, 3.0, 4.0, -3.5] {
        assert!(at(0.25, x) < at(0.5, x), "x {x}");
        assert!(at(0.5, x) < at(1.0, x), "x {x}");
        assert_eq!(at(0.0, x), 0.0);
    }
    // Where tanh is nearly linear, noise lowers the mean slope: no extra slope.
    assert_eq!(at(1.0, 0.0), 0.0);
    // ReLU: Phi(x/sigma) left of the kink, nothing right of it.
    let relu = DropoutMatched::<_, f64>::new(Relu, 0.5).unwrap();
    assert!((relu.value(-0.5) - 0.158_655_253_931_457_05).abs() < 1e-12);
    assert_eq!(relu.value(0.5), 0.0);
}

#[test]
fn sigma_from_a_dropout_rate_follows_eq6() {
    let s = dropout_sigma(0.2_f64, 10.0, DropoutScaling::Paper).unwrap();
    assert!((s * s - 0.2 * 0.8 * 10.0).abs() < 1e-12);
    let s = dropout_sigma(0.2_f64, 10.0, DropoutScaling::Inverted).unwrap();
    assert!((s * s - 0.2 / 0.8 * 10.0).abs() < 1e-12);
    assert_eq!(
        dropout_sigma(0.0_f32, 3.0, DropoutScaling::Paper).unwrap(),
        0.0
    );
    let shape =
        DropoutMatched::<_, f64>::from_dropout(Tanh, 0.5, 4.0, DropoutScaling::Paper).unwrap();
    assert_eq!(shape.sigma(), 1.0);
}

#[test]
fn bad_parameters_are_errors() {
    for p in [-0.1, 1.0, 1.5, f64::NAN] {
        let err = dropout_sigma(p, 1.0, DropoutScaling::Paper).unwrap_err();
        assert!(
            matches!(err, Error::InvalidParameter { name: "p", .. }),
            "p = {p}"
        );
    }
    assert!(dropout_sigma(0.5, -1.0, DropoutScaling::Paper).is_err());
    assert!(dropout_sigma(0.5, f64::INFINITY, DropoutScaling::Inverted).is_err());
    for sigma in [-1.0, f64::NAN, f64::INFINITY] {
        assert!(
            DropoutMatched::<_, f64>::new(Tanh, sigma).is_err(),
            "sigma = {sigma}"
        );
    }
    let err = DropoutMatched::<_, f32>::new(Tanh, -2.0).unwrap_err();
    assert_eq!(
        err.to_string(),
        "parameter `sigma` must be finite and >= 0, got -2"
    );
}
