//! One Adam training step of the paper's 784-512-256-256-10 MLP on a batch of
//! 128 in dfdx: with `Tanh`, with `Tanh` and dropout (p = 0.5 on the hidden
//! outputs), and with GAAF-tanh. Single thread: dfdx 0.13's matmuls run on
//! rayon's global pool, pinned to one thread by `gaaf_bench::single_threaded`.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use dfdx::optim::{Adam, AdamConfig};
use dfdx::prelude::*;
use gaaf_bench::MLP_BATCH;
use gaaf_dfdx::GaafTanh;
use std::hint::black_box;

/// The MLP with activation `A` after each hidden layer.
type Mlp<A> = (
    (Linear<784, 512>, A),
    (Linear<512, 256>, A),
    (Linear<256, 256>, A),
    Linear<256, 10>,
);

/// The MLP with `Tanh` and dropout with p = 1/2 after each hidden layer.
type MlpDropout = (
    (Linear<784, 512>, Tanh, DropoutOneIn<2>),
    (Linear<512, 256>, Tanh, DropoutOneIn<2>),
    (Linear<256, 256>, Tanh, DropoutOneIn<2>),
    Linear<256, 10>,
);

fn bench_net<M>(c: &mut Criterion, name: &str)
where
    M: BuildOnDevice<Cpu, f32>,
    M::Built: ModuleMut<
        Tensor<Rank2<MLP_BATCH, 784>, f32, Cpu, OwnedTape<f32, Cpu>>,
        Output = Tensor<Rank2<MLP_BATCH, 10>, f32, Cpu, OwnedTape<f32, Cpu>>,
    >,
{
    let dev = Cpu::seed_from_u64(0);
    let mut model = dev.build_module::<M, f32>();
    let mut grads = Some(model.alloc_grads());
    let mut opt = Adam::new(&model, AdamConfig::default());
    let x: Tensor<Rank2<MLP_BATCH, 784>, f32, Cpu> = dev.sample_normal();
    let y: Tensor<Rank2<MLP_BATCH, 10>, f32, Cpu> = dev
        .sample_normal::<Rank2<MLP_BATCH, 10>>()
        .softmax::<Axis<1>>();

    let mut g = c.benchmark_group("mlp_step_b128");
    g.sample_size(20);
    g.throughput(Throughput::Elements(MLP_BATCH as u64));
    g.bench_function(BenchmarkId::new("adam", name), |b| {
        b.iter(|| {
            let gr = grads.take().expect("grads are put back after each step");
            // `forward_mut`: dropout is only applied in training mode.
            let logits = model.forward_mut(black_box(&x).trace(gr));
            let loss = cross_entropy_with_logits_loss(logits, y.clone());
            let mut gr = loss.backward();
            opt.update(&mut model, &gr)
                .expect("all parameters are used");
            model.zero_grads(&mut gr);
            grads = Some(gr);
        })
    });
    g.finish();
}

fn bench(c: &mut Criterion) {
    gaaf_bench::single_threaded();
    bench_net::<Mlp<Tanh>>(c, "tanh");
    bench_net::<MlpDropout>(c, "tanh_dropout");
    bench_net::<Mlp<GaafTanh>>(c, "gaaf_tanh");
}

criterion_group! {
    name = benches;
    // Short defaults; `cargo xtask bench` passes its own times, which win.
    config = Criterion::default()
        .warm_up_time(std::time::Duration::from_millis(500))
        .measurement_time(std::time::Duration::from_secs(3));
    targets = bench
}
criterion_main!(benches);
