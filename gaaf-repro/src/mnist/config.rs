//! The configuration of one MNIST training run: every choice the paper leaves
//! open is a field here, recorded in each run's JSON. `docs/mnist-defaults.md`
//! (in this crate) says why each default was chosen.

use super::Variant;
use crate::error::{check, ConfigError};
use crate::sweep::Stopping;
use serde::{Deserialize, Serialize};

/// One MNIST training run.
///
/// [`Config::new`] gives the defaults; a configuration changed afterwards
/// (as the command line's overrides do) is checked with
/// [`Config::validate`] before anything trains.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Config {
    /// Which model.
    pub variant: Variant,
    /// Seeds the initialisation, the shuffling, the validation split and the
    /// dropout masks.
    pub seed: u64,
    /// Learning rate of plain SGD (no momentum, no weight decay).
    pub lr: f64,
    /// Images per batch (section 3.2 implies 128).
    pub batch_size: usize,
    /// When training stops: after `max_epochs`, or when validation accuracy
    /// has not improved for `patience` epochs.
    #[serde(flatten)]
    pub stopping: Stopping,
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

impl Config {
    /// The defaults for `variant` and `seed` (see the crate's documentation
    /// for how they were chosen).
    pub fn new(variant: Variant, seed: u64) -> Self {
        Self {
            variant,
            seed,
            lr: 0.05,
            batch_size: 128,
            stopping: Stopping {
                max_epochs: 300,
                patience: 20,
            },
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

    /// Checks every field's range, naming the flag that sets it.
    ///
    /// # Errors
    ///
    /// The first field out of range.
    pub fn validate(&self) -> Result<(), ConfigError> {
        check::positive("lr", self.lr)?;
        check::count("batch-size", self.batch_size)?;
        check::count("max-epochs", self.stopping.max_epochs)?;
        check::count("patience", self.stopping.patience)?;
        check::count("val-size", self.val_size)?;
        check::optional_count("train-subset", self.train_subset)?;
        check::optional_count("test-subset", self.test_subset)?;
        check::fraction("dropout-p", self.dropout_p)?;
        check::positive("gaaf-k", self.gaaf_k)?;
        check::positive("shape-width", self.shape_width)?;
        Ok(())
    }
}
