//! A small MLP with GAAF-tanh learns a synthetic regression task, with the same
//! optimiser settings as its plain-tanh twin.

use dfdx::optim::{Adam, AdamConfig};
use dfdx::prelude::*;
use gaaf_dfdx::GaafTanh;

type Net<A> = ((Linear<8, 32>, A), (Linear<32, 32>, A), Linear<32, 1>);

const STEPS: usize = 150;

/// Trains `Net<A>` on `y = sin(x . w)` and returns (start loss, end loss).
fn train<A>() -> (f32, f32)
where
    Net<A>: BuildOnDevice<Cpu, f32>,
    <Net<A> as BuildOnDevice<Cpu, f32>>::Built: Module<Tensor<Rank2<64, 8>, f32, Cpu>, Output = Tensor<Rank2<64, 1>, f32, Cpu>>
        + Module<
            Tensor<Rank2<64, 8>, f32, Cpu, OwnedTape<f32, Cpu>>,
            Output = Tensor<Rank2<64, 1>, f32, Cpu, OwnedTape<f32, Cpu>>,
        >,
{
    let dev = Cpu::seed_from_u64(7);
    let x: Tensor<Rank2<64, 8>, f32, _> = dev.sample_normal();
    let w: Tensor<Rank2<8, 1>, f32, _> = dev.sample_normal();
    let target = x.clone().matmul(w).sin();
    let mut model = dev.build_module::<Net<A>, f32>();
    let mut grads = model.alloc_grads();
    let mut opt = Adam::new(
        &model,
        AdamConfig {
            lr: 3e-3,
            ..Default::default()
        },
    );
    let start = mse_loss(model.forward(x.clone()), target.clone()).array();
    for _ in 0..STEPS {
        let loss = mse_loss(model.forward(x.trace(grads)), target.clone());
        grads = loss.backward();
        opt.update(&mut model, &grads).expect("all parameters used");
        model.zero_grads(&mut grads);
    }
    let end = mse_loss(model.forward(x), target).array();
    (start, end)
}

#[test]
fn gaaf_tanh_mlp_learns_like_its_tanh_twin() {
    let (start, end) = train::<GaafTanh>();
    let (tanh_start, tanh_end) = train::<Tanh>();
    eprintln!("GAAF-tanh: {start} -> {end}; tanh: {tanh_start} -> {tanh_end}");
    assert!(end < 0.1 * start, "GAAF-tanh: {start} -> {end}");
    assert!(
        tanh_end < 0.1 * tanh_start,
        "tanh: {tanh_start} -> {tanh_end}"
    );
    // Same initial weights (same seed), same optimiser; the forward differs
    // by at most 0.5/K per activation.
    assert!((start - tanh_start).abs() < 1e-3 * tanh_start.max(1.0));
}
