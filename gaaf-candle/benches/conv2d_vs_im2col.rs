//! One training step (forward and backward) of a 3x3 convolution, batch 64,
//! 64 -> 64 channels, 32x32, padding 1: candle's `conv2d` against
//! `gaaf_candle::conv::conv2d_im2col`, both on the CPU, `f32`.
//!
//! Single-threaded, as measured for the crate README:
//! `RAYON_NUM_THREADS=1 cargo bench -p gaaf-candle --bench conv2d_vs_im2col`
//! (candle's CPU kernels and GEMM take their thread count from
//! `RAYON_NUM_THREADS`).

use candle_core::{Device, Tensor, Var};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use std::hint::black_box;
use std::time::Duration;

const BATCH: usize = 64;
const CHANNELS: usize = 64;
const SIZE: usize = 32;

type Conv = fn(&Tensor, &Tensor) -> candle_core::Result<Tensor>;

fn step(conv: Conv, x: &Var, w: &Var, r: &Tensor) -> candle_core::Result<()> {
    let y = conv(x.as_tensor(), w.as_tensor())?;
    let grads = (y * r)?.sum_all()?.backward()?;
    black_box(grads.get(x.as_tensor()));
    black_box(grads.get(w.as_tensor()));
    Ok(())
}

fn conv2d_vs_im2col(c: &mut Criterion) {
    let dev = Device::Cpu;
    let setup = || -> candle_core::Result<(Var, Var, Tensor)> {
        let x = Var::randn(0f32, 1.0, (BATCH, CHANNELS, SIZE, SIZE), &dev)?;
        let w = Var::randn(0f32, 0.05, (CHANNELS, CHANNELS, 3, 3), &dev)?;
        let r = Tensor::randn(0f32, 1.0, (BATCH, CHANNELS, SIZE, SIZE), &dev)?;
        Ok((x, w, r))
    };
    let Ok((x, w, r)) = setup() else {
        eprintln!("conv2d_vs_im2col: could not create the inputs");
        return;
    };
    let mut group = c.benchmark_group("conv2d_vs_im2col");
    group.sample_size(10);
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(20));
    group.throughput(Throughput::Elements(BATCH as u64));
    let native: Conv = |x, w| x.conv2d(w, 1, 1, 1, 1);
    let im2col: Conv = |x, w| gaaf_candle::conv::conv2d_im2col(x, w, 1, 1);
    for (name, conv) in [("candle_conv2d", native), ("im2col", im2col)] {
        group.bench_function(name, |b| {
            b.iter(|| step(conv, &x, &w, &r).expect("conv step"));
        });
    }
    group.finish();
}

criterion_group!(benches, conv2d_vs_im2col);
criterion_main!(benches);
