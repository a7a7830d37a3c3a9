//! GAAF's CUDA kernels against the device's streaming bandwidth: time per
//! pass and share of a same-size copy (read + write), on 16M `f32` elements.
//!
//! The GPU counterpart of gaaf-bench's `kernels` bench (which measures the CPU
//! kernels). Needs the `cuda` feature and a GPU:
//!
//! ```text
//! cargo run --release -p gaaf-candle --features cuda --example cuda_bandwidth [N]
//! ```
//!
//! Bytes counted as in gaaf-bench: forward reads `x` and writes `y` (8 bytes
//! an element), backward reads `x` and `dy` and writes `dx` (12). The ceiling
//! is candle's `affine(1, 0)` on the same tensor, one kernel that reads and
//! writes every element, and `Tensor::copy`, a device-to-device copy.

use candle_core::{DType, Device, Tensor};
use gaaf_candle::{gaaf, gaaf_backward, GaafRelu, GaafReluPaper, GaafTanh};
use std::time::Instant;

/// Median seconds of `f` over `reps` timed calls, after warm-up; the device
/// is synchronised around each call so that the time is the kernels'.
fn time(
    dev: &Device,
    reps: usize,
    mut f: impl FnMut() -> candle_core::Result<()>,
) -> candle_core::Result<f64> {
    for _ in 0..3 {
        f()?;
    }
    dev.synchronize()?;
    let mut times = Vec::with_capacity(reps);
    for _ in 0..reps {
        let start = Instant::now();
        f()?;
        dev.synchronize()?;
        times.push(start.elapsed().as_secs_f64());
    }
    times.sort_by(f64::total_cmp);
    Ok(times[reps / 2])
}

fn main() -> candle_core::Result<()> {
    let n: usize = match std::env::args().nth(1) {
        Some(s) => s
            .parse()
            .map_err(|_| candle_core::Error::Msg(format!("N must be a number, got {s}")))?,
        None => 1 << 24,
    };
    let dev = Device::new_cuda(0)?;
    let x = (Tensor::randn(0f32, 1.0, n, &dev)? * 4.0)?;
    let dy = Tensor::randn(0f32, 1.0, n, &dev)?;
    let reps = 50;
    let bytes = |per_element: usize| (per_element * n) as f64;
    let copy_affine = time(&dev, reps, || x.affine(1.0, 0.0).map(drop))?;
    let copy_dtod = time(&dev, reps, || x.copy().map(drop))?;
    let ceiling = bytes(8) / copy_affine.min(copy_dtod);
    println!("{n} f32 elements on {:?}, median of {reps}", dev.location());
    println!("| pass | time (us) | GB/s | share of copy |");
    println!("|---|--:|--:|--:|");
    let row = |name: &str, secs: f64, per_element: usize| {
        let rate = bytes(per_element) / secs;
        println!(
            "| {name} | {:.1} | {:.0} | {:.0} % |",
            secs * 1e6,
            rate / 1e9,
            100.0 * rate / ceiling
        );
    };
    row("copy: affine(1, 0)", copy_affine, 8);
    row("copy: Tensor::copy", copy_dtod, 8);
    row(
        "candle relu forward",
        time(&dev, reps, || x.relu().map(drop))?,
        8,
    );
    row(
        "candle tanh forward",
        time(&dev, reps, || x.tanh().map(drop))?,
        8,
    );
    let tanh = GaafTanh::default();
    let relu_paper = GaafReluPaper::default();
    let relu = GaafRelu::default();
    for (name, fwd, bwd) in [
        (
            "GAAF-tanh",
            time(&dev, reps, || gaaf(&x, &tanh).map(drop))?,
            time(&dev, reps, || gaaf_backward(&x, &dy, &tanh).map(drop))?,
        ),
        (
            "GAAF-ReLU, paper's shape",
            time(&dev, reps, || gaaf(&x, &relu_paper).map(drop))?,
            time(&dev, reps, || gaaf_backward(&x, &dy, &relu_paper).map(drop))?,
        ),
        (
            "GAAF-ReLU, saturation only",
            time(&dev, reps, || gaaf(&x, &relu).map(drop))?,
            time(&dev, reps, || gaaf_backward(&x, &dy, &relu).map(drop))?,
        ),
    ] {
        row(&format!("{name} forward"), fwd, 8);
        row(&format!("{name} backward"), bwd, 12);
        row(&format!("{name} forward+backward"), fwd + bwd, 20);
    }
    // f64 once, for scale: the same kernels in double precision.
    let x64 = x.to_dtype(DType::F64)?;
    let dy64 = dy.to_dtype(DType::F64)?;
    let fwd = time(&dev, reps, || gaaf(&x64, &tanh).map(drop))?;
    let bwd = time(&dev, reps, || gaaf_backward(&x64, &dy64, &tanh).map(drop))?;
    row(
        "GAAF-tanh f64 forward+backward (vs the f32 copy)",
        fwd + bwd,
        40,
    );
    Ok(())
}
