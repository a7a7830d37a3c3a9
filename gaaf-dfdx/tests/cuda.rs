//! The modules on dfdx's CUDA device against the fused CPU op, values and
//! gradients on the same input.
//!
//! Runs on a GPU machine only (the crate docs give the toolkit set-up):
//! `LD_LIBRARY_PATH=$CUDA_ROOT/lib64 cargo test -p gaaf-dfdx --features cuda
//! --test cuda -- --ignored --nocapture`. Without `--ignored` it is skipped;
//! with it but without a CUDA device it prints a message and passes.
#![cfg(feature = "cuda")]

use dfdx::prelude::*;
use gaaf_dfdx::{GaafRelu, GaafReluPaper, GaafTanh, GaafTanhShoulder};

/// `f32` tolerance: dfdx's CUDA `tanh`, `exp` and `sigmoid` are not libm's.
const TOL: f32 = 1e-5;

fn max_diff(a: &[f32], b: &[f32]) -> f32 {
    a.iter()
        .zip(b)
        .map(|(x, y)| (x - y).abs())
        .fold(0.0, f32::max)
}

fn compare<M>(m: M, name: &str)
where
    M: Module<
            Tensor<Rank2<128, 512>, f32, Cpu, OwnedTape<f32, Cpu>>,
            Output = Tensor<Rank2<128, 512>, f32, Cpu, OwnedTape<f32, Cpu>>,
        > + Module<
            Tensor<Rank2<128, 512>, f32, Cuda, OwnedTape<f32, Cuda>>,
            Output = Tensor<Rank2<128, 512>, f32, Cuda, OwnedTape<f32, Cuda>>,
        >,
{
    let cpu = Cpu::seed_from_u64(5);
    let gpu = match std::panic::catch_unwind(Cuda::default) {
        Ok(dev) => dev,
        Err(_) => {
            eprintln!("skipped: no CUDA device");
            return;
        }
    };
    // Spread through the saturation areas: |x| up to about 12.
    let x: Tensor<Rank2<128, 512>, f32, _> = cpu.sample_normal::<Rank2<128, 512>>() * 4.0;
    let w: Tensor<Rank2<128, 512>, f32, _> = cpu.sample_normal();
    let xg = x.to_device(&gpu);
    let wg = w.to_device(&gpu);

    let y = m.forward(x.leaky_trace());
    let yg = m.forward(xg.leaky_trace());
    let (yv, ygv) = (y.as_vec(), yg.as_vec());
    let g = (y * w).sum().backward().get(&x).as_vec();
    let gg = (yg * wg).sum().backward().get(&xg).as_vec();
    let (dy, dg) = (max_diff(&yv, &ygv), max_diff(&g, &gg));
    eprintln!("{name}: max |y_cuda - y_cpu| = {dy:e}, max |dx_cuda - dx_cpu| = {dg:e}");
    assert!(dy < TOL, "{name} values");
    assert!(dg < TOL, "{name} gradients");
}

#[test]
#[ignore = "needs an NVIDIA GPU"]
fn cuda_matches_cpu() {
    compare(GaafTanh::default(), "GAAF-tanh");
    compare(GaafReluPaper::default(), "GAAF-ReLU, the paper's shape");
    compare(GaafTanhShoulder::default(), "GAAF-tanh, shoulder shape");
    compare(GaafRelu::default(), "GAAF-ReLU, saturation-only shape");
}
