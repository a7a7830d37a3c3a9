//! Activation kernels on 1M and 16M f32 elements, forward, backward and both,
//! against a same-process streaming copy (read + write) as the ceiling, timed
//! in `kernel/copy` and again at the start of every kernel's group.
//!
//! Throughput is in bytes moved: forward reads `x` and writes `y` (8 bytes an
//! element, the same as the copy), backward reads `x` and `dy` and writes `dx`
//! (12), both together 20. Single thread. `forward+backward-saved` is the
//! training path gaaf-dfdx takes: a forward that also saves `f'(x)`
//! (`kernel::forward_saving_derivative`), then `dx = dy * d`
//! (`kernel::backward_from_saved`); it is counted as the same 20 bytes, so
//! its share compares with forward+backward's as a time.
//!
//! gaaf-core's kernels pick their instruction set at run time (AVX-512, AVX2 +
//! FMA or the build's baseline). The `*-sse2` groups run the same loops built
//! for the compilation target only, as the kernels were before they dispatched
//! (SSE2 on a default x86-64 build), and the `*-avx2` groups pin AVX2 + FMA
//! (the private module `pinned`; skipped on a CPU without them), so one run
//! compares all three. gaaf-core's `f32`
//! `exp` and `tanh` use fused multiply-adds (`mul_add`), which the SSE2 build
//! can only call in the C library, one element at a time. The exact dropout-matched activation integrates over 64 quadrature
//! nodes per element (about 1.4 s for 1M elements), so it runs on 64K elements
//! only, with flat sampling (the same iteration count in every sample), to keep
//! its time to seconds; its tabulated form (1024 nodes) and its fitted form
//! (`DropoutMatchedTanh`, 32 Chebyshev terms, the one training uses) run at
//! every size.

use criterion::{
    criterion_group, criterion_main, BenchmarkId, Criterion, SamplingMode, Throughput,
};
use gaaf_bench::copy::copy_non_temporal;
use gaaf_bench::{
    dropout_matched_fitted_tanh, dropout_matched_tabulated_tanh, dropout_matched_tanh, inputs,
    DROPOUT_MATCHED_SIZE, KERNEL_SIZES,
};
use gaaf_core::Error;
use gaaf_shapes::{gaaf_relu_paper, gaaf_tanh, kernel, Differentiable, Relu, Tanh};
use std::hint::black_box;

// A subfolder, so that cargo does not take it for a bench target of its own.
#[path = "kernels/pinned.rs"]
mod pinned;

/// A forward kernel: `y = f(x)`.
type Forward<A> = fn(&A, &[f32], &mut [f32]) -> Result<(), Error>;
/// A backward kernel: `dx = dy * f'(x)`.
type Backward<A> = fn(&A, &[f32], &[f32], &mut [f32]) -> Result<(), Error>;

/// A forward that saves the slope: `y = f(x)`, `d = f'(x)`.
type ForwardSaving<A> = fn(&A, &[f32], &mut [f32], &mut [f32]) -> Result<(), Error>;

/// Which build of the kernels to run.
struct Kernels<A> {
    forward: Forward<A>,
    backward: Backward<A>,
    /// The training path that saves `f'(x)` in the forward (gaaf-core's
    /// dispatched build only).
    saving: Option<ForwardSaving<A>>,
}

/// gaaf-core's kernels, which pick their instruction set at run time.
fn dispatched<A: Differentiable<f32>>() -> Kernels<A> {
    Kernels {
        forward: kernel::forward,
        backward: kernel::backward,
        saving: Some(kernel::forward_saving_derivative),
    }
}

/// The kernels' loops built for the compilation target only (pre-dispatch).
fn sse2<A: Differentiable<f32>>() -> Kernels<A> {
    Kernels {
        forward: pinned::forward_baseline,
        backward: pinned::backward_baseline,
        saving: None,
    }
}

/// The kernels' loops pinned to AVX2 + FMA.
fn avx2<A: Differentiable<f32>>() -> Kernels<A> {
    Kernels {
        forward: pinned::forward_avx2_fma,
        backward: pinned::backward_avx2_fma,
        saving: None,
    }
}

fn bench_activation<A: Differentiable<f32>>(
    c: &mut Criterion,
    name: &str,
    act: &A,
    kernels: Kernels<A>,
    sizes: &[usize],
    sampling: SamplingMode,
) {
    let Kernels {
        forward,
        backward,
        saving,
    } = kernels;
    for &n in sizes {
        let x = inputs(n, 1);
        let dy = inputs(n, 2);
        let mut y = vec![0.0_f32; n];
        let mut dx = vec![0.0_f32; n];
        let mut group = c.benchmark_group(format!("kernel/{name}"));
        // At 16M an iteration takes up to a second; flat sampling keeps the
        // iteration count at one per sample instead of criterion's 1..=10.
        group.sampling_mode(if n >= 1 << 24 {
            SamplingMode::Flat
        } else {
            sampling
        });
        group.throughput(Throughput::Bytes(8 * n as u64));
        // The ceiling again, just before this group's kernels: memory
        // bandwidth on a shared VM drifts (a 16M copy took 4.6 to 6.8 ms here
        // within minutes), so `cargo xtask bench` takes each share against
        // the copy of the same group.
        group.bench_function(BenchmarkId::new("copy", n), |b| {
            b.iter(|| y.copy_from_slice(black_box(&x)))
        });
        group.bench_function(BenchmarkId::new("forward", n), |b| {
            b.iter(|| forward(act, black_box(&x), &mut y).unwrap())
        });
        group.throughput(Throughput::Bytes(12 * n as u64));
        group.bench_function(BenchmarkId::new("backward", n), |b| {
            b.iter(|| backward(act, black_box(&x), &dy, &mut dx).unwrap())
        });
        group.throughput(Throughput::Bytes(20 * n as u64));
        group.bench_function(BenchmarkId::new("forward+backward", n), |b| {
            b.iter(|| {
                forward(act, black_box(&x), &mut y).unwrap();
                backward(act, &x, &dy, &mut dx).unwrap();
            })
        });
        if let Some(saving) = saving {
            // Counted as the same 20 bytes as forward+backward, so that the
            // two shares compare as times; it moves 24 (`d` is written and
            // read instead of `x` being read twice).
            let mut d = vec![0.0_f32; n];
            group.bench_function(BenchmarkId::new("forward+backward-saved", n), |b| {
                b.iter(|| {
                    saving(act, black_box(&x), &mut y, &mut d).unwrap();
                    kernel::backward_from_saved(&d, &dy, &mut dx).unwrap();
                })
            });
        }
        group.finish();
    }
}

fn copy(c: &mut Criterion) {
    for n in KERNEL_SIZES {
        let x = inputs(n, 1);
        let mut y = vec![0.0_f32; n];
        let mut group = c.benchmark_group("kernel/copy");
        group.throughput(Throughput::Bytes(8 * n as u64));
        group.bench_function(BenchmarkId::new("copy", n), |b| {
            b.iter(|| y.copy_from_slice(black_box(&x)))
        });
        // Not the ceiling the shares use (the is the plain copy), but
        // what a streaming copy reaches without reading the destination.
        group.bench_function(BenchmarkId::new("copy-non-temporal", n), |b| {
            b.iter(|| copy_non_temporal(black_box(&x), &mut y))
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
    let all = &KERNEL_SIZES[..];
    bench_activation(
        c,
        "tanh-std",
        &StdTanh,
        dispatched(),
        all,
        SamplingMode::Auto,
    );
    bench_activation(c, "tanh", &Tanh, dispatched(), all, SamplingMode::Auto);
    bench_activation(c, "relu", &Relu, dispatched(), all, SamplingMode::Auto);
    bench_activation(
        c,
        "gaaf-tanh",
        &gaaf_tanh::<f32>(),
        dispatched(),
        all,
        SamplingMode::Auto,
    );
    // The paper's shape, as the ids (and docs/benchmarks.md's figures) have
    // always measured.
    bench_activation(
        c,
        "gaaf-relu",
        &gaaf_relu_paper::<f32>(),
        dispatched(),
        all,
        SamplingMode::Auto,
    );
    bench_activation(
        c,
        "gaaf-dropout-matched-tabulated",
        &dropout_matched_tabulated_tanh(),
        dispatched(),
        all,
        SamplingMode::Auto,
    );
    bench_activation(
        c,
        "gaaf-dropout-matched-fitted",
        &dropout_matched_fitted_tanh(),
        dispatched(),
        all,
        SamplingMode::Auto,
    );
    bench_activation(c, "tanh-sse2", &Tanh, sse2(), all, SamplingMode::Auto);
    bench_activation(
        c,
        "gaaf-tanh-sse2",
        &gaaf_tanh::<f32>(),
        sse2(),
        all,
        SamplingMode::Auto,
    );
    // Without AVX2 + FMA these rows would time the baseline under another name.
    if pinned::has_avx2_fma() {
        bench_activation(c, "tanh-avx2", &Tanh, avx2(), all, SamplingMode::Auto);
        bench_activation(
            c,
            "gaaf-tanh-avx2",
            &gaaf_tanh::<f32>(),
            avx2(),
            all,
            SamplingMode::Auto,
        );
    } else {
        eprintln!("SKIPPED: kernel/*-avx2: this CPU lacks AVX2 or FMA");
    }
    bench_activation(
        c,
        "gaaf-dropout-matched",
        &dropout_matched_tanh(),
        dispatched(),
        &[DROPOUT_MATCHED_SIZE],
        SamplingMode::Flat,
    );
}

criterion_group! {
    name = benches;
    // Short defaults so the whole file runs in minutes; `cargo xtask bench`
    // passes its own `--warm-up-time`/`--measurement-time`, which win.
    config = Criterion::default()
        .sample_size(10)
        .warm_up_time(std::time::Duration::from_millis(500))
        .measurement_time(std::time::Duration::from_secs(2));
    targets = copy, activations
}
criterion_main!(benches);
