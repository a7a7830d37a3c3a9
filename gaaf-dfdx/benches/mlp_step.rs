//! One Adam training step of the paper's 784-512-256-256-10 MLP on a batch of
//! 128, with GAAF-tanh against the same net with dfdx's `Tanh`.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use dfdx::optim::{Adam, AdamConfig};
use dfdx::prelude::*;
use gaaf_dfdx::GaafTanh;
use std::hint::black_box;

type Mlp<A> = (
    (Linear<784, 512>, A),
    (Linear<512, 256>, A),
    (Linear<256, 256>, A),
    Linear<256, 10>,
);
const BATCH: usize = 128;

fn bench_net<A>(c: &mut Criterion, name: &str)
where
    Mlp<A>: BuildOnDevice<Cpu, f32>,
    <Mlp<A> as BuildOnDevice<Cpu, f32>>::Built: Module<
        Tensor<Rank2<BATCH, 784>, f32, Cpu, OwnedTape<f32, Cpu>>,
        Output = Tensor<Rank2<BATCH, 10>, f32, Cpu, OwnedTape<f32, Cpu>>,
    >,
{
    let dev = Cpu::seed_from_u64(0);
    let mut model = dev.build_module::<Mlp<A>, f32>();
    let mut grads = Some(model.alloc_grads());
    let mut opt = Adam::new(&model, AdamConfig::default());
    let x: Tensor<Rank2<BATCH, 784>, f32, Cpu> = dev.sample_normal();
    let y: Tensor<Rank2<BATCH, 10>, f32, Cpu> =
        dev.sample_normal::<Rank2<BATCH, 10>>().softmax::<Axis<1>>();

    let mut g = c.benchmark_group("mlp_step_784_512_256_256_10_b128");
    g.throughput(Throughput::Elements(BATCH as u64));
    g.bench_function(BenchmarkId::new("adam_step", name), |b| {
        b.iter(|| {
            let gr = grads.take().expect("grads");
            let logits = model.forward(black_box(&x).trace(gr));
            let loss = cross_entropy_with_logits_loss(logits, y.clone());
            let mut gr = loss.backward();
            opt.update(&mut model, &gr).expect("all parameters used");
            model.zero_grads(&mut gr);
            grads = Some(gr);
        })
    });
    g.finish();
}

fn bench(c: &mut Criterion) {
    bench_net::<Tanh>(c, "tanh");
    bench_net::<GaafTanh>(c, "gaaf_tanh");
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = bench
}
criterion_main!(benches);
