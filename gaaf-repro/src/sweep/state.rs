//! A run's progress as a checkpoint holds it: what every experiment's epoch
//! loop keeps, plus a slot for what only one experiment needs.

use super::DataSizes;
use crate::error::{check, ConfigError};
use serde::{Deserialize, Serialize};
use std::time::Instant;

/// What the epoch loop needs of an epoch's record.
pub trait Record {
    /// The epoch's mean training loss.
    fn train_loss(&self) -> f64;
    /// The validation accuracy after the epoch, in [0, 1].
    fn val_acc(&self) -> f64;
    /// Wall-clock seconds the epoch took.
    fn seconds(&self) -> f64;
}

/// Implements [`Record`] for an epoch record type with `train_loss`,
/// `val_acc` and `seconds` fields (every experiment's has them).
macro_rules! impl_record {
    ($record:ty) => {
        impl $crate::sweep::Record for $record {
            fn train_loss(&self) -> f64 {
                self.train_loss
            }
            fn val_acc(&self) -> f64 {
                self.val_acc
            }
            fn seconds(&self) -> f64 {
                self.seconds
            }
        }
    };
}
pub(crate) use impl_record;

/// What the sweep and the epoch loop need of every experiment's run
/// configuration.
pub trait RunConfig {
    /// A file-name-safe identifier, unique within the sweep.
    fn run_id(&self) -> String;
    /// When training stops.
    fn stopping(&self) -> Stopping;
    /// How much of the data the run uses.
    fn sizes(&self) -> DataSizes;
}

/// The two rules that end training, part of every experiment's
/// configuration (flattened into its JSON, so the fields keep their names).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stopping {
    /// Training stops after this many epochs at the latest.
    pub max_epochs: usize,
    /// Training stops when validation accuracy has not improved (strictly)
    /// for this many epochs.
    pub patience: usize,
}

impl Stopping {
    /// Checks `--max-epochs` and `--patience`.
    ///
    /// # Errors
    ///
    /// The first of them out of range.
    pub fn validate(&self) -> Result<(), ConfigError> {
        check::count("max-epochs", self.max_epochs)?;
        check::count("patience", self.patience)
    }
}

/// The progress of one run, as saved after every epoch: `C` is the run's
/// configuration, `R` its per-epoch record, `X` what only its experiment
/// keeps (MNIST: the dropout-matched sigmas; `()` when nothing).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct State<C, R, X> {
    /// The configuration; a resume with another one is refused.
    pub config: C,
    /// The records of the epochs done so far (their count is the epoch the
    /// checkpoint's weights are of).
    pub history: Vec<R>,
    /// The epoch of the best validation accuracy so far (0 before any).
    pub best_epoch: usize,
    /// The best validation accuracy so far.
    pub best_val_acc: f64,
    /// The experiment's own per-run state.
    pub extra: X,
    /// Wall-clock seconds spent training so far, over all sessions.
    pub seconds: f64,
}

impl<C, R: Record, X: Default> State<C, R, X> {
    /// The state of a run that has not trained yet.
    pub fn new(config: C) -> Self {
        Self {
            config,
            history: Vec::new(),
            best_epoch: 0,
            best_val_acc: 0.0,
            extra: X::default(),
            seconds: 0.0,
        }
    }

    /// Epochs trained so far.
    pub fn epochs_done(&self) -> usize {
        self.history.len()
    }

    /// Records epoch `history.len() + 1`, moving the best epoch when its
    /// validation accuracy improved (strictly).
    pub fn push(&mut self, record: R) {
        let (val_acc, seconds) = (record.val_acc(), record.seconds());
        self.history.push(record);
        if val_acc > self.best_val_acc || self.best_epoch == 0 {
            self.best_epoch = self.history.len();
            self.best_val_acc = val_acc;
        }
        self.seconds += seconds;
    }

    /// A finished run's wall-clock seconds: training over all sessions, plus
    /// this session's analysis (from `analysis_started`), plus, when no
    /// epoch was trained at all, this session from `started`.
    pub fn run_seconds(&self, started: Instant, analysis_started: Instant) -> f64 {
        let untrained = if self.epochs_done() == 0 {
            started.elapsed().as_secs_f64()
        } else {
            0.0
        };
        self.seconds + analysis_started.elapsed().as_secs_f64() + untrained
    }

    /// Whether training is over by `stopping`'s rules.
    pub fn converged(&self, stopping: Stopping) -> bool {
        let done = self.epochs_done();
        done >= stopping.max_epochs
            || (self.best_epoch > 0 && done - self.best_epoch >= stopping.patience)
    }
}
