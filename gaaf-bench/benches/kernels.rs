//! Activation kernels on 1M and 16M f32 elements, forward, backward and both,
//! against a same-process streaming copy (read + write) as the ceiling.
//!
//! Throughput is in bytes moved: forward reads `x` and writes `y` (8 bytes an
//! element, the same as the copy), backward reads `x` and `dy` and writes `dx`
//! (12), both together 20. Single thread.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use gaaf_bench::{dropout_matched_tanh, inputs};
use gaaf_shapes::{gaaf_relu, gaaf_tanh, kernel, Differentiable, Relu, Tanh};
use std::hint::black_box;
use std::time::Duration;

const SIZES: [usize; 2] = [1 << 20, 1 << 24];

fn bench_activation(c: &mut Criterion, name: &str, act: &impl Differentiable<f32>) {
    for n in SIZES {
        let x = inputs(n, 1);
        let dy = inputs(n, 2);
        let mut y = vec![0.0_f32; n];
        let mut dx = vec![0.0_f32; n];
        let mut group = c.benchmark_group(format!("kernel/{name}"));
        group
            .sample_size(10)
            .warm_up_time(Duration::from_millis(500))
            .measurement_time(Duration::from_secs(2));
        group.throughput(Throughput::Bytes(8 * n as u64));
        group.bench_function(BenchmarkId::new("forward", n), |b| {
            b.iter(|| kernel::forward(act, black_box(&x), &mut y).unwrap())
        });
        group.throughput(Throughput::Bytes(12 * n as u64));
        group.bench_function(BenchmarkId::new("backward", n), |b| {
            b.iter(|| kernel::backward(act, black_box(&x), &dy, &mut dx).unwrap())
        });
        group.throughput(Throughput::Bytes(20 * n as u64));
        group.bench_function(BenchmarkId::new("forward+backward", n), |b| {
            b.iter(|| {
                kernel::forward(act, black_box(&x), &mut y).unwrap();
                kernel::backward(act, &x, &dy, &mut dx).unwrap();
            })
        });
        group.finish();
    }
}

fn copy(c: &mut Criterion) {
    for n in SIZES {
        let x = inputs(n, 1);
        let mut y = vec![0.0_f32; n];
        let mut group = c.benchmark_group("kernel/copy");
        group
            .sample_size(10)
            .warm_up_time(Duration::from_millis(500))
            .measurement_time(Duration::from_secs(2));
        group.throughput(Throughput::Bytes(8 * n as u64));
        group.bench_function(BenchmarkId::new("copy", n), |b| {
            b.iter(|| y.copy_from_slice(black_box(&x)))
        });
        group.finish();
    }
}

/// tanh through the standard library (glibc's `tanhf`), as dfdx's `Tanh` and
/// most Rust code compute it: the baseline for `Tanh`'s vectorised `fast_tanh`.
struct StdTanh;

impl Differentiable<f32> for StdTanh {
    #[inline]
    fn value(&self, x: f32) -> f32 {
        x.tanh()
    }
    #[inline]
    fn derivative(&self, x: f32) -> f32 {
        let t = x.tanh();
        1.0 - t * t
    }
}

fn activations(c: &mut Criterion) {
    bench_activation(c, "tanh-std", &StdTanh);
    bench_activation(c, "tanh", &Tanh);
    bench_activation(c, "relu", &Relu);
    bench_activation(c, "gaaf-tanh", &gaaf_tanh::<f32>());
    bench_activation(c, "gaaf-relu", &gaaf_relu::<f32>());
    bench_activation(c, "gaaf-dropout-matched", &dropout_matched_tanh());
}

criterion_group!(benches, copy, activations);
criterion_main!(benches);
