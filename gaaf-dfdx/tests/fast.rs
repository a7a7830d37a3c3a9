//! The plain activations (`FastTanh`, `FastSigmoid`, `FastRelu`): values and
//! gradients bit-identical to `gaaf-shapes`' scalar functions, within
//! rounding of dfdx's own `Tanh`, `Sigmoid` and `ReLU`, and usable wherever
//! those are (model tuples, dtype conversion).

use dfdx::prelude::*;
use gaaf_core::Differentiable;
use gaaf_dfdx::{FastRelu, FastSigmoid, FastTanh};

/// Inputs through the linear part, the saturation and the edges: 0, -0,
/// huge values, a long regular grid.
fn inputs() -> Vec<f64> {
    let mut xs: Vec<f64> = (-4000..=4000).map(|i| f64::from(i) * 0.0025).collect();
    xs.extend([
        0.0, -0.0, 1e-30, -1e-30, 20.0, -20.0, 90.0, -90.0, 1e4, -1e4,
    ]);
    xs
}

/// Forward values and gradients (of `sum(f(x))`) of module `m` at `xs`.
fn value_and_grad<E, M>(m: &M, xs: &[E]) -> (Vec<E>, Vec<E>)
where
    E: Dtype,
    Cpu: Device<E>,
    M: Module<
            Tensor<(usize,), E, Cpu, OwnedTape<E, Cpu>>,
            Output = Tensor<(usize,), E, Cpu, OwnedTape<E, Cpu>>,
        > + Module<Tensor<(usize,), E, Cpu>, Output = Tensor<(usize,), E, Cpu>>,
{
    let dev = Cpu::default();
    let x = dev.tensor((xs.to_vec(), (xs.len(),)));
    let untraced = m.forward(x.clone()).as_vec();
    let y = m.forward(x.leaky_trace());
    assert_eq!(y.as_vec(), untraced, "the forward is the same with a tape");
    let grads = y.sum().backward();
    (untraced, grads.get(&x).as_vec())
}

fn assert_bit_identical<F: Differentiable<f32> + Differentiable<f64>, M>(m: &M, f: F)
where
    M: Module<
            Tensor<(usize,), f32, Cpu, OwnedTape<f32, Cpu>>,
            Output = Tensor<(usize,), f32, Cpu, OwnedTape<f32, Cpu>>,
        > + Module<Tensor<(usize,), f32, Cpu>, Output = Tensor<(usize,), f32, Cpu>>
        + Module<
            Tensor<(usize,), f64, Cpu, OwnedTape<f64, Cpu>>,
            Output = Tensor<(usize,), f64, Cpu, OwnedTape<f64, Cpu>>,
        > + Module<Tensor<(usize,), f64, Cpu>, Output = Tensor<(usize,), f64, Cpu>>,
{
    let xs = inputs();
    let (y, g) = value_and_grad(m, &xs);
    for ((&x, y), g) in xs.iter().zip(y).zip(g) {
        assert_eq!(y.to_bits(), f.value(x).to_bits(), "f64 value at {x}");
        assert_eq!(g.to_bits(), f.derivative(x).to_bits(), "f64 slope at {x}");
    }
    let xs: Vec<f32> = xs.iter().map(|&x| x as f32).collect();
    let (y, g) = value_and_grad(m, &xs);
    for ((&x, y), g) in xs.iter().zip(y).zip(g) {
        assert_eq!(y.to_bits(), f.value(x).to_bits(), "f32 value at {x}");
        assert_eq!(g.to_bits(), f.derivative(x).to_bits(), "f32 slope at {x}");
    }
}

#[test]
fn values_and_gradients_are_the_scalar_functions_bit_for_bit() {
    assert_bit_identical(&FastTanh::default(), gaaf_shapes::Tanh);
    assert_bit_identical(&FastSigmoid::default(), gaaf_shapes::Sigmoid);
    assert_bit_identical(&FastRelu::default(), gaaf_shapes::Relu);
}

/// Largest absolute difference between two modules' values and gradients.
fn max_gap<A, B>(a: &A, b: &B) -> (f32, f32)
where
    A: Module<
            Tensor<(usize,), f32, Cpu, OwnedTape<f32, Cpu>>,
            Output = Tensor<(usize,), f32, Cpu, OwnedTape<f32, Cpu>>,
        > + Module<Tensor<(usize,), f32, Cpu>, Output = Tensor<(usize,), f32, Cpu>>,
    B: Module<
            Tensor<(usize,), f32, Cpu, OwnedTape<f32, Cpu>>,
            Output = Tensor<(usize,), f32, Cpu, OwnedTape<f32, Cpu>>,
        > + Module<Tensor<(usize,), f32, Cpu>, Output = Tensor<(usize,), f32, Cpu>>,
{
    let xs: Vec<f32> = inputs().iter().map(|&x| x as f32).collect();
    let (ya, ga) = value_and_grad(a, &xs);
    let (yb, gb) = value_and_grad(b, &xs);
    let gap = |u: &[f32], v: &[f32]| {
        u.iter()
            .zip(v)
            .map(|(p, q)| (p - q).abs())
            .fold(0.0, f32::max)
    };
    (gap(&ya, &yb), gap(&ga, &gb))
}

#[test]
fn agree_with_dfdx_own_activations_within_rounding() {
    // A few units in the last place of values near 1 (f32's epsilon is 1.2e-7).
    let (dy, dg) = max_gap(&FastTanh::default(), &Tanh);
    assert!(dy <= 5e-7 && dg <= 5e-7, "tanh: {dy}, {dg}");
    let (dy, dg) = max_gap(&FastSigmoid::default(), &Sigmoid);
    assert!(dy <= 5e-7 && dg <= 5e-7, "sigmoid: {dy}, {dg}");
    let (dy, dg) = max_gap(&FastRelu::default(), &ReLU);
    assert_eq!((dy, dg), (0.0, 0.0), "relu");
}

#[test]
fn a_model_with_fast_activations_builds_converts_and_trains() {
    type Mlp = (
        (Linear<4, 8>, FastTanh),
        (Linear<8, 8>, FastSigmoid),
        (Linear<8, 8>, FastRelu),
        Linear<8, 1>,
    );
    let dev = Cpu::seed_from_u64(1);
    let mut model = dev.build_module::<Mlp, f64>();
    let mut grads = model.alloc_grads();
    let mut opt = dfdx::optim::Sgd::new(&model, Default::default());
    let x: Tensor<Rank2<16, 4>, f64, _> = dev.sample_normal();
    let target: Tensor<Rank2<16, 1>, f64, _> = dev.sample_normal();
    let loss0 = mse_loss(model.forward(x.clone()), target.clone()).array();
    for _ in 0..100 {
        let loss = mse_loss(model.forward(x.trace(grads)), target.clone());
        grads = loss.backward();
        opt.update(&mut model, &grads)
            .expect("every parameter has a gradient");
        model.zero_grads(&mut grads);
    }
    let loss = mse_loss(model.forward(x.clone()), target).array();
    assert!(loss < 0.9 * loss0, "{loss} vs {loss0}");
    let single = model.to_dtype::<f32>();
    let y32 = single.forward(x.clone().to_dtype::<f32>()).as_vec();
    let y64 = model.forward(x).as_vec();
    for (a, b) in y32.iter().zip(&y64) {
        assert!((f64::from(*a) - b).abs() < 1e-4);
    }
}
