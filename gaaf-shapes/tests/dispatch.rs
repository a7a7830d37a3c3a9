//! The slice kernels, in whichever build gaaf-core's runtime dispatch picks on
//! this CPU (AVX-512, AVX2 + FMA or the baseline), against one scalar call per
//! element, bit for bit: random bit patterns (every class of float: ±0,
//! subnormals, huge, ±inf, NaN), a dense grid over the range where the
//! activations bend, and slice lengths that leave every possible remainder
//! after the vector loop.
//!
//! A NaN result only has to be a NaN: Rust does not specify which NaN bit
//! pattern arithmetic returns, so its payload is not part of the contract.

use gaaf_shapes::{
    gaaf, gaaf_relu, gaaf_relu_paper, gaaf_tanh, kernel, Differentiable, DropoutMatched, Float,
    GradAccel, Relu, Sigmoid, Tanh,
};
use std::hint::black_box;

/// Inputs for one float type: random bit patterns and a grid over [-12, 12].
trait Inputs: Float + core::fmt::Debug {
    fn from_random_bits(bits: u64) -> Self;
    fn from_f64(v: f64) -> Self;
    fn bits(self) -> u64;
}

impl Inputs for f32 {
    fn from_random_bits(bits: u64) -> Self {
        f32::from_bits((bits >> 32) as u32)
    }
    fn from_f64(v: f64) -> Self {
        v as f32
    }
    fn bits(self) -> u64 {
        u64::from(self.to_bits())
    }
}

impl Inputs for f64 {
    fn from_random_bits(bits: u64) -> Self {
        f64::from_bits(bits)
    }
    fn from_f64(v: f64) -> Self {
        v
    }
    fn bits(self) -> u64 {
        self.to_bits()
    }
}

/// `n` random bit patterns (splitmix64), then a grid, then the special values.
fn inputs<F: Inputs>(n: usize, seed: u64) -> Vec<F> {
    let mut state = seed;
    let mut next = move || {
        state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    };
    let mut xs: Vec<F> = (0..n).map(|_| F::from_random_bits(next())).collect();
    xs.extend((0..n).map(|i| F::from_f64(-12.0 + 24.0 * i as f64 / n as f64)));
    xs.extend([
        F::zero(),
        -F::zero(),
        F::infinity(),
        F::neg_infinity(),
        F::nan(),
        F::min_positive_value(),
        F::max_value(),
        F::min_value(),
    ]);
    xs
}

/// Bit for bit, except that any NaN matches any NaN.
fn identical<F: Inputs>(a: F, b: F) -> bool {
    a.bits() == b.bits() || (a.is_nan() && b.is_nan())
}

/// Every kernel on the whole of `xs` and on its first 0 to 69 elements,
/// against the scalar functions called one element at a time.
fn check<F: Inputs, A: Differentiable<F>>(name: &str, act: &A, xs: &[F], dys: &[F]) {
    // The short slices end at every offset within a 16-lane vector and its
    // unrolled copies.
    let lens = core::iter::once(xs.len()).chain(0..70);
    for len in lens {
        let (xs, dys) = (&xs[..len], &dys[..len]);
        let mut y = vec![F::zero(); len];
        kernel::forward(act, xs, &mut y).unwrap();
        let mut y_in_place = xs.to_vec();
        kernel::forward_in_place(act, &mut y_in_place);
        let mut dx = vec![F::zero(); len];
        kernel::backward(act, xs, dys, &mut dx).unwrap();
        let mut dx_in_place = dys.to_vec();
        kernel::backward_in_place(act, xs, &mut dx_in_place).unwrap();
        let mut dx_acc = dys.to_vec();
        kernel::backward_accumulate(act, xs, dys, &mut dx_acc).unwrap();
        // The training path: `value_and_derivative` (overridden by the
        // activations and shapes that share work) must agree with `value`
        // and `derivative`.
        let (mut y_saving, mut slope) = (vec![F::zero(); len], vec![F::zero(); len]);
        kernel::forward_saving_derivative(act, xs, &mut y_saving, &mut slope).unwrap();
        let mut dx_saved = vec![F::zero(); len];
        kernel::backward_from_saved(&slope, dys, &mut dx_saved).unwrap();
        for i in 0..len {
            // `black_box` keeps the reference a scalar call per element.
            let x = black_box(xs[i]);
            let v = act.value(x);
            let d = dys[i] * act.derivative(x);
            let acc = dys[i] + dys[i] * act.derivative(x);
            assert!(
                identical(y[i], v),
                "{name} forward at {x:?}: {:?} != {v:?}",
                y[i]
            );
            assert!(
                identical(y_in_place[i], v),
                "{name} forward_in_place at {x:?}"
            );
            assert!(
                identical(dx[i], d),
                "{name} backward at {x:?}: {:?} != {d:?}",
                dx[i]
            );
            assert!(
                identical(dx_in_place[i], d),
                "{name} backward_in_place at {x:?}"
            );
            assert!(
                identical(dx_acc[i], acc),
                "{name} backward_accumulate at {x:?}"
            );
            assert!(
                identical(y_saving[i], v),
                "{name} forward_saving_derivative at {x:?}"
            );
            assert!(
                identical(dx_saved[i], d),
                "{name} backward_from_saved at {x:?}: {:?} != {d:?}",
                dx_saved[i]
            );
        }
    }
}

#[test]
fn dispatched_kernels_match_scalar_bit_for_bit_f32() {
    let xs = inputs::<f32>(1 << 18, 1);
    let dys = inputs::<f32>(1 << 18, 2);
    check("gaaf-tanh", &gaaf_tanh::<f32>(), &xs, &dys);
    check("gaaf-relu", &gaaf_relu::<f32>(), &xs, &dys);
    check("gaaf-relu-paper", &gaaf_relu_paper::<f32>(), &xs, &dys);
    check("tanh", &Tanh, &xs, &dys);
    check("relu", &Relu, &xs, &dys);
    check("sigmoid", &Sigmoid, &xs, &dys);
    check(
        "gaaf-sigmoid",
        &gaaf(Sigmoid, gaaf_shapes::Constant::one(), GradAccel::paper()),
        &xs,
        &dys,
    );
    let tabulated = DropoutMatched::new(Tanh, 1.0_f32)
        .and_then(|s| s.tabulated::<1024>())
        .unwrap();
    check(
        "gaaf-dropout-matched-tabulated",
        &gaaf(Tanh, tabulated, GradAccel::paper()),
        &xs,
        &dys,
    );
}

#[test]
fn dispatched_kernels_match_scalar_bit_for_bit_f64() {
    let xs = inputs::<f64>(1 << 15, 3);
    let dys = inputs::<f64>(1 << 15, 4);
    check("gaaf-tanh", &gaaf_tanh::<f64>(), &xs, &dys);
    check("gaaf-relu", &gaaf_relu::<f64>(), &xs, &dys);
    check("gaaf-relu-paper", &gaaf_relu_paper::<f64>(), &xs, &dys);
}
