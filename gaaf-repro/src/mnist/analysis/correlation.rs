//! Pearson correlations between the units of a layer (Table 1, Fig. 1).

use crate::mnist::{Histogram, LayerCorrelation, CORRELATION_BINS, CORRELATION_THRESHOLDS};

/// Correlations between every pair of a layer's units over a set of samples.
///
/// `outputs` holds the layer's outputs row by row: `samples` rows of `units`
/// values. Each unit's outputs are standardised (mean 0, variance 1, in `f64`);
/// the correlation matrix is then one product `Z^T Z / samples`, computed over
/// the upper triangle only.
///
/// A unit whose outputs are constant over the samples (standard deviation
/// below 1e-12 of its mean magnitude, or exactly 0) has no defined
/// correlation: it is counted in `constant_units` and every pair that involves
/// it is left out of `pairs`, `above` and `density`.
///
/// # Panics
///
/// If `outputs.len() != samples * units` (a caller bug).
pub fn layer_correlation(outputs: &[f32], samples: usize, units: usize) -> LayerCorrelation {
    assert_eq!(
        outputs.len(),
        samples * units,
        "outputs must be samples x units"
    );
    // Column statistics, then the standardised matrix in unit-major order so
    // that each pair's dot product runs over contiguous memory.
    let mut z = vec![0.0_f64; samples * units];
    let mut constant = vec![false; units];
    for u in 0..units {
        let column = (0..samples).map(|s| f64::from(outputs[s * units + u]));
        let mean = column.clone().sum::<f64>() / samples.max(1) as f64;
        let var = column.map(|v| (v - mean) * (v - mean)).sum::<f64>() / samples.max(1) as f64;
        let sd = var.sqrt();
        if sd == 0.0 || sd < 1e-12 * mean.abs() || !sd.is_finite() {
            constant[u] = true;
            continue;
        }
        for s in 0..samples {
            z[u * samples + s] = (f64::from(outputs[s * units + u]) - mean) / sd;
        }
    }
    let mut above = vec![0_u64; CORRELATION_THRESHOLDS.len()];
    let mut density = Histogram::new(-1.0, 1.0 + 1e-9, CORRELATION_BINS);
    let mut pairs = 0_u64;
    for a in 0..units {
        if constant[a] {
            continue;
        }
        let za = &z[a * samples..(a + 1) * samples];
        for b in a + 1..units {
            if constant[b] {
                continue;
            }
            let zb = &z[b * samples..(b + 1) * samples];
            let r = (za.iter().zip(zb).map(|(x, y)| x * y).sum::<f64>() / samples as f64)
                .clamp(-1.0, 1.0);
            pairs += 1;
            density.add(r);
            for (count, t) in above.iter_mut().zip(CORRELATION_THRESHOLDS) {
                if r.abs() > t {
                    *count += 1;
                }
            }
        }
    }
    LayerCorrelation {
        units,
        constant_units: constant.iter().filter(|&&c| c).count(),
        pairs,
        above,
        density,
    }
}

#[cfg(test)]
mod tests {
    use super::layer_correlation;

    #[test]
    fn known_correlations() {
        // Three units over four samples: u1 = 2 u0 + 1 (r = 1), u2 = -u0
        // (r = -1 with u0 and u1).
        let rows = [
            [0.0, 1.0, 0.0],
            [1.0, 3.0, -1.0],
            [2.0, 5.0, -2.0],
            [3.0, 7.0, -3.0],
        ];
        let flat: Vec<f32> = rows.iter().flatten().copied().collect();
        let c = layer_correlation(&flat, 4, 3);
        assert_eq!(c.pairs, 3);
        assert_eq!(c.constant_units, 0);
        assert_eq!(c.above, vec![3, 3, 3, 3, 3]);
        assert_eq!(c.density.counts[0] + c.density.counts[99], 3);
    }

    #[test]
    fn constant_units_are_left_out() {
        // u1 is constant; u0 and u2 are uncorrelated.
        let rows = [
            [1.0, 5.0, 1.0],
            [-1.0, 5.0, 1.0],
            [1.0, 5.0, -1.0],
            [-1.0, 5.0, -1.0],
        ];
        let flat: Vec<f32> = rows.iter().flatten().copied().collect();
        let c = layer_correlation(&flat, 4, 3);
        assert_eq!(c.constant_units, 1);
        assert_eq!(c.pairs, 1);
        assert_eq!(c.above, vec![0; 5]);
    }
}
