//! Benchmarks for the gaaf workspace. The benchmarks themselves live in
//! `benches/` (criterion, one file per subject); this library holds what they
//! share: the activations under test and deterministic inputs.

use gaaf_shapes::{DropoutMatched, Tanh};

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

/// The dropout-matched shape alone, for benchmarks of the shape's own cost.
pub fn dropout_matched_shape() -> DropoutMatched<Tanh, f32> {
    DropoutMatched::new(Tanh, 1.0).expect("sigma = 1 is valid")
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
