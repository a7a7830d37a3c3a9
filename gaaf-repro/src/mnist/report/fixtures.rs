//! Deterministic synthetic runs for the report's tests: plausible shapes and
//! magnitudes, no training.

use crate::mnist::{
    Config, Epoch, Histogram, LayerCorrelation, Run, Variant, CORRELATION_BINS,
    CORRELATION_THRESHOLDS, NET_BINS, NET_RANGE,
};

/// A small xorshift generator, so fixtures need no dependency.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        Self(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    fn uniform(&mut self) -> f64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Approximately standard normal (Irwin-Hall with 12 terms).
    fn normal(&mut self) -> f64 {
        (0..12).map(|_| self.uniform()).sum::<f64>() - 6.0
    }
}

fn variant_index(variant: Variant) -> u64 {
    Variant::ALL.iter().position(|&v| v == variant).unwrap_or(0) as u64
}

/// A deterministic run of `variant` with `seed`.
pub(crate) fn run(variant: Variant, seed: u64) -> Run {
    let vi = variant_index(variant);
    let s = seed as f64;
    // How far the variant spreads nets and correlations, base = 1.
    let spread: f64 = [1.0, 1.8, 1.4, 1.6][vi as usize];
    let mut rng = Rng::new(vi * 1000 + seed);

    let best_epoch = [82, 169, 114, 130][vi as usize] + (seed as usize * 7) % 20;
    let test_acc = [0.9823, 0.9840, 0.9835, 0.9838][vi as usize] + 0.0004 * (s - 2.0);
    let grad_info: Vec<f64> = (0..4)
        .map(|w| spread.powi(3) * 1e-4 * (1.0 + 0.1 * w as f64) * (1.0 + 0.01 * s))
        .collect();

    let units = [512usize, 256, 256];
    let correlations = units
        .iter()
        .enumerate()
        .map(|(l, &n)| {
            let constant_units = usize::from(vi == 0 && l == 0) * (seed as usize % 3);
            let live = (n - constant_units) as u64;
            let pairs = live * (live - 1) / 2;
            let values: Vec<f64> = (0..400)
                .map(|_| (rng.normal() * 0.2 * spread).clamp(-0.999, 0.999))
                .collect();
            let scale = pairs as f64 / values.len() as f64;
            let above = CORRELATION_THRESHOLDS
                .iter()
                .map(|&t| {
                    (values.iter().filter(|v| v.abs() > t).count() as f64 * scale).round() as u64
                })
                .collect();
            LayerCorrelation {
                units: n,
                constant_units,
                pairs,
                above,
                density: Histogram::of(values, -1.0, 1.0, CORRELATION_BINS),
            }
        })
        .collect();

    let nets = (0..3)
        .map(|l| {
            let sd = spread * (1.0 + 0.5 * l as f64);
            Histogram::of(
                (0..2000).map(|_| rng.normal() * sd),
                NET_RANGE.0,
                NET_RANGE.1,
                NET_BINS,
            )
        })
        .collect();

    let epochs = (1..=3)
        .map(|e| Epoch {
            epoch: e,
            train_loss: 1.0 / e as f64,
            val_acc: 0.9 + 0.02 * e as f64,
            grad_info: grad_info.clone(),
            grad_info_per_sample: grad_info.iter().map(|g| 3.0 * g).collect(),
            matched_sigmas: (variant == Variant::DropoutMatched).then(|| vec![0.0, 1.1, 1.2]),
            seconds: 2.5,
        })
        .collect();

    let mut config = Config::new(variant, seed);
    config.stopping.max_epochs = 300;
    Run {
        config,
        epochs,
        best_epoch,
        best_val_acc: test_acc + 0.001,
        test_acc,
        grad_info,
        init_grad_info: (0..4)
            .map(|k| {
                1e-3 * (1.0 + variant_index(variant) as f64 * (4 - k) as f64 / 4.0)
                    * (1.0 + 0.01 * seed as f64 * (1 + variant_index(variant)) as f64)
            })
            .collect(),
        correlations,
        nets,
        net_variance: (variant == Variant::Dropout)
            .then(|| vec![0.0, 1.0 + 0.02 * s, 1.1 + 0.01 * s, 2.0 - 0.03 * s]),
        lr_scales: None,
        machine: "synthetic (16 cores)".to_string(),
        commit: "0123456789ab".to_string(),
        seconds: 100.0 + 10.0 * vi as f64 + s,
    }
}

/// Every variant with seeds `0..seeds`.
pub(crate) fn runs(seeds: u64) -> Vec<Run> {
    Variant::ALL
        .iter()
        .flat_map(|&v| (0..seeds).map(move |s| run(v, s)))
        .collect()
}
