//! Deterministic synthetic convolutional runs for the report's tests.

use crate::conv::{Config, Dataset, Diverged, Epoch, Run, Variant};

/// A deterministic convolutional run of `variant` on `dataset` with `seed`.
pub(crate) fn run(dataset: Dataset, variant: Variant, seed: u64) -> Run {
    let vi = Variant::EVERY
        .iter()
        .position(|&v| v == variant)
        .unwrap_or(0);
    let base = [0.60, 0.67, 0.61, 0.69, 0.605, 0.685][vi] + 0.2 * (dataset as usize) as f64 * 0.5;
    let test_acc = base + 0.003 * (seed as f64 - 0.5);
    let epochs = (1..=3)
        .map(|epoch| Epoch {
            epoch,
            train_loss: 2.0 / epoch as f64,
            train_acc: 0.3 * epoch as f64,
            val_acc: test_acc - 0.01 * (3 - epoch) as f64,
            seconds: 10.0,
        })
        .collect();
    Run {
        config: Config::new(dataset, variant, seed),
        epochs,
        best_epoch: 3,
        best_val_acc: test_acc,
        test_acc,
        train_acc: 0.95,
        device: "cpu".to_string(),
        machine: "fixture machine".to_string(),
        seconds: 30.0,
    }
}

/// A run of `variant` on `dataset` with `seed` whose loss became NaN in
/// epoch 2.
pub(crate) fn diverged(dataset: Dataset, variant: Variant, seed: u64) -> Diverged {
    let config = Config::new(dataset, variant, seed);
    Diverged {
        run_id: crate::sweep::RunConfig::run_id(&config),
        config,
        epoch: 2,
        loss: "NaN".to_string(),
    }
}
