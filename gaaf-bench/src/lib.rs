//! Benchmarks for the gaaf workspace. The benchmarks themselves live in
//! `benches/` (criterion, one file per subject); this library holds what they
//! share: the activations under test and deterministic inputs.

pub mod copy;

use gaaf_shapes::{DropoutMatched, DropoutMatchedTanh, Gaaf, GradAccel, Tabulated, Tanh};

/// Element counts of the kernel benchmarks: 1M and 16M `f32`.
pub const KERNEL_SIZES: [usize; 2] = [1 << 20, 1 << 24];
/// Element count of the dropout-matched kernel benchmarks: its 64-node
/// quadrature takes about a microsecond an element, so 64K keeps an iteration
/// near 0.1 s.
pub const DROPOUT_MATCHED_SIZE: usize = 1 << 16;
/// Rows of the `[128, 512]` batch the dfdx op benchmarks use.
pub const ACT_ROWS: usize = 128;
/// Columns of the `[128, 512]` batch the dfdx op benchmarks use.
pub const ACT_COLS: usize = 512;
/// Batch size of the MLP training-step benchmarks.
pub const MLP_BATCH: usize = 128;

/// Pins rayon's global pool, which dfdx's CPU matmuls (the `gemm` crate) use
/// with `rayon::current_num_threads()`, to one thread unless
/// `RAYON_NUM_THREADS` is already set: every figure gaaf-bench reports is
/// single-threaded. Call it before the first tensor operation; the pool reads
/// the variable when it starts.
pub fn single_threaded() {
    if std::env::var_os("RAYON_NUM_THREADS").is_none() {
        std::env::set_var("RAYON_NUM_THREADS", "1");
    }
}

/// Deterministic inputs spread over `[-6, 6]`, where tanh goes from linear to
/// saturated: a simple LCG, so runs are comparable without a `rand` dependency.
pub fn inputs(n: usize, seed: u64) -> Vec<f32> {
    let mut state = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
    (0..n)
        .map(|_| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            // The top 24 bits as a fraction in [0, 1).
            let unit = (state >> 40) as f32 / (1u64 << 24) as f32;
            12.0 * unit - 6.0
        })
        .collect()
}

/// The dropout-matched GAAF-tanh the benchmarks use: the noise level of a net
/// variance of 1, the order of the paper's Table 3.
pub fn dropout_matched_tanh() -> gaaf_shapes::GaafDropoutMatched<Tanh, f32> {
    gaaf_shapes::gaaf_dropout_matched(Tanh, 1.0).expect("sigma = 1 is valid")
}

/// The same activation with its shape tabulated (1024 nodes), as gaaf-repro
/// trained with it until 2026-12-03.
pub fn dropout_matched_tabulated_tanh() -> Gaaf<Tanh, Tabulated<f32, 1024>, f32> {
    let shape = DropoutMatched::new(Tanh, 1.0)
        .and_then(|s| s.tabulated())
        .expect("sigma = 1 is valid");
    gaaf_shapes::gaaf(Tanh, shape, GradAccel::paper())
}

/// The same activation with the fitted shape ([`DropoutMatchedTanh`], 32
/// Chebyshev terms), as gaaf-repro trains with it.
pub fn dropout_matched_fitted_tanh() -> Gaaf<Tanh, DropoutMatchedTanh<f32>, f32> {
    let shape = DropoutMatchedTanh::new(1.0).expect("sigma = 1 is valid");
    gaaf_shapes::gaaf(Tanh, shape, GradAccel::paper())
}

#[cfg(test)]
mod tests {
    #[test]
    fn inputs_are_deterministic_and_in_range() {
        let a = super::inputs(1000, 7);
        assert_eq!(a, super::inputs(1000, 7));
        assert_ne!(a, super::inputs(1000, 8));
        assert!(a.iter().all(|x| (-6.0..6.0).contains(x)));
        let mean = a.iter().sum::<f32>() / 1000.0;
        assert!(mean.abs() < 0.5, "mean {mean}");
    }
}
