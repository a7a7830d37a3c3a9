//! The activation op alone in dfdx on a `[128, 512]` `f32` batch: dfdx's
//! `Tanh` against `GaafTanh`, forward and forward + backward, plus the parts
//! the fused op's time splits into (its input copy, the shared `sum` + tape
//! bookkeeping, and gaaf-core's slice kernels on the same data).

use criterion::{criterion_group, criterion_main, BatchSize, BenchmarkId, Criterion, Throughput};
use dfdx::prelude::*;
use gaaf_bench::{ACT_COLS, ACT_ROWS};
use gaaf_dfdx::GaafTanh;
use std::hint::black_box;

type Batch = Rank2<ACT_ROWS, ACT_COLS>;
const N: u64 = (ACT_ROWS * ACT_COLS) as u64;

fn fwd_bwd<M>(m: &M, x: &Tensor<Batch, f32, Cpu>) -> Gradients<f32, Cpu>
where
    M: Module<
        Tensor<Batch, f32, Cpu, OwnedTape<f32, Cpu>>,
        Output = Tensor<Batch, f32, Cpu, OwnedTape<f32, Cpu>>,
    >,
{
    m.forward(x.leaky_trace()).sum().backward()
}

fn bench(c: &mut Criterion) {
    gaaf_bench::single_threaded();
    let dev = Cpu::seed_from_u64(0);
    // Spread through the saturation areas: standard deviation 2.
    let x: Tensor<Batch, f32, Cpu> = dev.sample_normal::<Batch>() * 2.0;
    let gaaf = GaafTanh::default();

    let mut g = c.benchmark_group("dfdx_op_128x512");
    g.sample_size(30);
    g.throughput(Throughput::Elements(N));
    g.bench_function(BenchmarkId::new("fwd_bwd", "tanh"), |b| {
        b.iter(|| black_box(fwd_bwd(&Tanh, black_box(&x))))
    });
    g.bench_function(BenchmarkId::new("fwd_bwd", "gaaf_tanh"), |b| {
        b.iter(|| black_box(fwd_bwd(&gaaf, black_box(&x))))
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
    g.bench_function(BenchmarkId::new("part", "input_copy"), |b| {
        b.iter(|| black_box(&x).copy_into(black_box(&mut buf)))
    });
    g.bench_function(BenchmarkId::new("part", "sum_backward_only"), |b| {
        b.iter(|| black_box(x.leaky_trace().sum().backward()))
    });
    // gaaf-core's slice kernels alone on the same data, as the op runs them
    // when training: the forward turns the input copy into the slope (the
    // copy is the untimed setup here), the backward multiplies by it.
    let xs = x.as_vec();
    let f = *gaaf.function::<f32>();
    let mut ys = vec![0.0_f32; xs.len()];
    g.bench_function(BenchmarkId::new("part", "slice_gaaf_forward_saving"), |b| {
        b.iter_batched_ref(
            || xs.clone(),
            |xd| gaaf_core::kernel::forward_saving_derivative_in_place(&f, xd, &mut ys),
            BatchSize::SmallInput,
        )
    });
    let mut ds = xs.clone();
    gaaf_core::kernel::forward_saving_derivative_in_place(&f, &mut ds, &mut ys).unwrap();
    let dy = vec![1.0_f32; xs.len()];
    g.bench_function(
        BenchmarkId::new("part", "slice_backward_from_saved_accumulate"),
        |b| {
            b.iter(|| {
                gaaf_core::kernel::backward_from_saved_accumulate(black_box(&ds), &dy, &mut ys)
            })
        },
    );
    g.finish();
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
