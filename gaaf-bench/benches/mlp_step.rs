//! One Adam training step of the paper's 784-512-256-256-10 MLP on a batch of
//! 128 in dfdx: with dfdx's `Tanh` (glibc's `tanhf`), with gaaf-dfdx's
//! `FastTanh` (gaaf-core's `tanh`, what GAAF-tanh adds `g*s` to), each with
//! and without dropout (p = 0.5 on the hidden outputs), and with GAAF-tanh. Single thread: dfdx 0.13's matmuls run on
//! rayon's global pool, pinned to one thread by `gaaf_bench::single_threaded`.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use dfdx::optim::{Adam, AdamConfig};
use dfdx::prelude::*;
use gaaf_bench::MLP_BATCH;
use gaaf_dfdx::{FastTanh, GaafTanh};
use std::hint::black_box;

/// The MLP with activation `A` after each hidden layer.
type Mlp<A> = (
    (Linear<784, 512>, A),
    (Linear<512, 256>, A),
    (Linear<256, 256>, A),
    Linear<256, 10>,
);

/// The MLP with activation `A` and dropout with p = 1/2 after each hidden
/// layer.
type MlpDropout<A> = (
    (Linear<784, 512>, A, DropoutOneIn<2>),
    (Linear<512, 256>, A, DropoutOneIn<2>),
    (Linear<256, 256>, A, DropoutOneIn<2>),
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

/// The eleven matrix multiplies of one training step of the MLP, alone, on
/// the same shapes, with dfdx's `matmul` and no tape: the forward's four
/// (`x W^T`), the backward's four weight gradients (`dy^T x`) and three input
/// gradients (`dy W`; the pixels' gradient is never computed). What a step
/// costs at least in dfdx 0.13, whatever the code around it does.
fn bench_matmuls(c: &mut Criterion) {
    let dev = Cpu::seed_from_u64(0);
    let x: Tensor<Rank2<MLP_BATCH, 784>, f32, Cpu> = dev.sample_normal();
    let h1: Tensor<Rank2<MLP_BATCH, 512>, f32, Cpu> = dev.sample_normal();
    let h2: Tensor<Rank2<MLP_BATCH, 256>, f32, Cpu> = dev.sample_normal();
    let h3: Tensor<Rank2<MLP_BATCH, 256>, f32, Cpu> = dev.sample_normal();
    let w1: Tensor<Rank2<512, 784>, f32, Cpu> = dev.sample_normal();
    let w2: Tensor<Rank2<256, 512>, f32, Cpu> = dev.sample_normal();
    let w3: Tensor<Rank2<256, 256>, f32, Cpu> = dev.sample_normal();
    let w4: Tensor<Rank2<10, 256>, f32, Cpu> = dev.sample_normal();
    let d4: Tensor<Rank2<MLP_BATCH, 10>, f32, Cpu> = dev.sample_normal();
    let mut g = c.benchmark_group("mlp_step_b128");
    g.sample_size(20);
    g.throughput(Throughput::Elements(MLP_BATCH as u64));
    g.bench_function(BenchmarkId::new("matmuls_only", "dfdx"), |b| {
        b.iter(|| {
            // Forward.
            let z1 = black_box(&x).clone().matmul(w1.clone().permute());
            let z2 = h1.clone().matmul(w2.clone().permute());
            let z3 = h2.clone().matmul(w3.clone().permute());
            let z4 = h3.clone().matmul(w4.clone().permute());
            // Backward: weight gradients, then input gradients.
            let g4 = d4.clone().permute().matmul(h3.clone());
            let d3 = d4.clone().matmul(w4.clone());
            let g3 = d3.clone().permute().matmul(h2.clone());
            let d2 = d3.matmul(w3.clone());
            let g2 = d2.clone().permute().matmul(h1.clone());
            let d1 = d2.matmul(w2.clone());
            let g1 = d1.permute().matmul(x.clone());
            black_box((z1, z2, z3, z4, g1, g2, g3, g4))
        })
    });
    g.finish();
}

fn bench(c: &mut Criterion) {
    gaaf_bench::single_threaded();
    bench_matmuls(c);
    bench_net::<Mlp<Tanh>>(c, "tanh");
    bench_net::<MlpDropout<Tanh>>(c, "tanh_dropout");
    bench_net::<Mlp<FastTanh>>(c, "fast_tanh");
    bench_net::<MlpDropout<FastTanh>>(c, "fast_tanh_dropout");
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
