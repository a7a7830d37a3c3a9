//! The configuration of one training run: every choice the paper leaves open
//! is a field here, recorded in each run's JSON. `docs/mnist-defaults.md`
//! (in this crate) says why each default was chosen.

use crate::Variant;
use serde::{Deserialize, Serialize};

/// One MNIST training run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainConfig {
    /// Which model.
    pub variant: Variant,
    /// Seeds the initialisation, the shuffling, the validation split and the
    /// dropout masks.
    pub seed: u64,
    /// Learning rate of plain SGD (no momentum, no weight decay).
    pub lr: f64,
    /// Images per batch (section 3.2 implies 128).
    pub batch_size: usize,
    /// Training stops after this many epochs at the latest.
    pub max_epochs: usize,
    /// Training stops when validation accuracy has not improved for this many
    /// epochs.
    pub patience: usize,
    /// Training images held out for validation (taken before any subset).
    pub val_size: usize,
    /// Train on only this many of the remaining training images (quick runs).
    pub train_subset: Option<usize>,
    /// Evaluate on only this many test images (quick runs).
    pub test_subset: Option<usize>,
    /// Dropout rate `p` (the probability of dropping a unit) of the dropout
    /// variant, and the rate the dropout-matched shape is matched to.
    pub dropout_p: f64,
    /// Frequency constant `K` of `g` (Eq. 7).
    pub gaaf_k: f64,
    /// Width `w` of the paper's shape `exp(-x^2 / w)` for the GAAF variant.
    pub shape_width: f64,
}

impl TrainConfig {
    /// The defaults for `variant` and `seed` (see the crate's documentation
    /// for how they were chosen).
    pub fn new(variant: Variant, seed: u64) -> Self {
        Self {
            variant,
            seed,
            lr: 0.05,
            batch_size: 128,
            max_epochs: 300,
            patience: 20,
            val_size: 10_000,
            train_subset: None,
            test_subset: None,
            dropout_p: 0.5,
            gaaf_k: gaaf_core::PAPER_K,
            shape_width: gaaf_shapes::PAPER_TANH_WIDTH,
        }
    }

    /// A file-name-safe identifier: variant and seed.
    pub fn run_id(&self) -> String {
        format!("{}-seed{}", self.variant.name(), self.seed)
    }
}

/// Replaces `field` with `value` when one is given: how the experiments'
/// command-line overrides apply to a configuration.
pub(crate) fn set<T>(field: &mut T, value: Option<T>) {
    if let Some(v) = value {
        *field = v;
    }
}
