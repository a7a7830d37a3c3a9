//! GAAF-tanh against dfdx's built-in `Tanh` on a `[128, 512]` `f32` batch:
//! forward + backward, forward alone, and the one input copy the fused CPU op
//! pays because dfdx keeps tensor buffers private.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use dfdx::prelude::*;
use gaaf_dfdx::GaafTanh;
use std::hint::black_box;

type Batch = Rank2<128, 512>;
const N: u64 = 128 * 512;

fn fwd_bwd<M>(dev: &Cpu, m: &M, x: &Tensor<Batch, f32, Cpu>) -> Gradients<f32, Cpu>
where
    M: Module<
        Tensor<Batch, f32, Cpu, OwnedTape<f32, Cpu>>,
        Output = Tensor<Batch, f32, Cpu, OwnedTape<f32, Cpu>>,
    >,
{
    let _ = dev;
    m.forward(x.leaky_trace()).sum().backward()
}

fn bench(c: &mut Criterion) {
    let dev = Cpu::seed_from_u64(0);
    // Spread through the saturation areas: standard deviation 2.
    let x: Tensor<Batch, f32, Cpu> = dev.sample_normal::<Batch>() * 2.0;
    let gaaf = GaafTanh::default();

    let mut g = c.benchmark_group("activation_128x512_f32");
    g.throughput(Throughput::Elements(N));
    g.bench_function(BenchmarkId::new("fwd_bwd", "tanh"), |b| {
        b.iter(|| black_box(fwd_bwd(&dev, &Tanh, black_box(&x))))
    });
    g.bench_function(BenchmarkId::new("fwd_bwd", "gaaf_tanh"), |b| {
        b.iter(|| black_box(fwd_bwd(&dev, &gaaf, black_box(&x))))
    });
    g.bench_function(BenchmarkId::new("fwd", "tanh"), |b| {
        b.iter(|| black_box(Tanh.forward(black_box(x.clone()))))
    });
    g.bench_function(BenchmarkId::new("fwd", "gaaf_tanh"), |b| {
        b.iter(|| black_box(gaaf.forward(black_box(x.clone()))))
    });
    // The copy the fused op makes of its input (`Tensor::copy_into`), and the
    // `sum` + tape bookkeeping both fwd_bwd variants share.
    let mut buf = vec![0.0_f32; N as usize];
    g.bench_function("input_copy", |b| {
        b.iter(|| black_box(&x).copy_into(black_box(&mut buf)))
    });
    g.bench_function("sum_backward_only", |b| {
        b.iter(|| black_box(x.leaky_trace().sum().backward()))
    });
    // Where the time goes: gaaf-core's slice kernels alone, against a plain
    // tanh loop over the same slice.
    let xs = x.as_vec();
    let f = *gaaf.function();
    let mut ys = vec![0.0_f32; xs.len()];
    g.bench_function("slice_tanh_loop", |b| {
        b.iter(|| {
            for (y, x) in ys.iter_mut().zip(black_box(&xs)) {
                *y = x.tanh();
            }
        })
    });
    g.bench_function("slice_gaaf_forward", |b| {
        b.iter(|| gaaf_core::kernel::forward(&f, black_box(&xs), &mut ys))
    });
    let dy = vec![1.0_f32; xs.len()];
    g.bench_function("slice_gaaf_backward_accumulate", |b| {
        b.iter(|| gaaf_core::kernel::backward_accumulate(&f, black_box(&xs), &dy, &mut ys))
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30);
    targets = bench
}
criterion_main!(benches);
