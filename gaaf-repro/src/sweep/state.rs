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

/// The rules that end training, part of every experiment's configuration
/// (flattened into its JSON, so the fields keep their names).
///
/// Training ends after `max_epochs`, or earlier by one of two rules: the
/// plateau test when `plateau` is set, else patience. The plateau test
/// exists because patience stopped runs whose validation accuracy was still
/// rising (every dropout run of 2026-11-27 and 2026-12-03, and base runs
/// that stopped after 46-54 epochs): a run that has not set a new best for
/// 20 epochs can still be climbing on average.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Stopping {
    /// Training stops after this many epochs at the latest.
    pub max_epochs: usize,
    /// Without `plateau`: training stops when validation accuracy has not
    /// improved (strictly) for this many epochs. Ignored with `plateau`.
    pub patience: usize,
    /// The plateau test, which replaces patience when set (absent from the
    /// JSON of runs made before it existed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plateau: Option<Plateau>,
}

/// The plateau test: training stops once the mean validation accuracy of
/// the last `window` epochs exceeds that of the `window` before by at most
/// `min_rise` (see [`tail_rise`]).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Plateau {
    /// Epochs in each of the two windows compared.
    pub window: usize,
    /// The largest rise, as a fraction of the validation set (0.0002 is 0.02
    /// percentage points), that still counts as flat.
    pub min_rise: f64,
}

impl Plateau {
    /// MNIST's rule: windows of 20 epochs, flat within 0.02 points. Chosen
    /// on the 2026-12-03 runs (see `docs/stopping.md`): late in training the
    /// validation accuracy moves by about 0.02 points from one epoch to the
    /// next (standard deviation, last 40 epochs of the long base and
    /// dropout-matched runs), so a 20-epoch mean that gains less than that
    /// over the 20 before has stopped climbing as far as 10,000 validation
    /// images can tell.
    pub const DEFAULT: Self = Self {
        window: 20,
        min_rise: 0.0002,
    };

    /// Whether `history` has reached the plateau (never before `2 window`
    /// epochs).
    pub fn reached<R: Record>(&self, history: &[R]) -> bool {
        tail_rise(history, self.window).is_some_and(|rise| rise <= self.min_rise)
    }
}

/// The mean validation accuracy of the last `window` records minus that of
/// the `window` before (a fraction); `None` with fewer than `2 window`
/// records or a zero window.
pub fn tail_rise<R: Record>(history: &[R], window: usize) -> Option<f64> {
    let n = history.len();
    if window == 0 || n < 2 * window {
        return None;
    }
    let mean = |rs: &[R]| rs.iter().map(Record::val_acc).sum::<f64>() / window as f64;
    Some(mean(&history[n - window..]) - mean(&history[n - 2 * window..n - window]))
}

impl Stopping {
    /// Checks `--max-epochs`, `--patience` and the plateau test's values.
    ///
    /// # Errors
    ///
    /// The first of them out of range.
    pub fn validate(&self) -> Result<(), ConfigError> {
        check::count("max-epochs", self.max_epochs)?;
        check::count("patience", self.patience)?;
        if let Some(p) = self.plateau {
            check::count("plateau-window", p.window)?;
            check::non_negative("plateau-rise", p.min_rise)?;
        }
        Ok(())
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
            || match stopping.plateau {
                Some(plateau) => plateau.reached(&self.history),
                None => self.best_epoch > 0 && done - self.best_epoch >= stopping.patience,
            }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Clone)]
    struct Acc(f64);
    impl Record for Acc {
        fn train_loss(&self) -> f64 {
            0.0
        }
        fn val_acc(&self) -> f64 {
            self.0
        }
        fn seconds(&self) -> f64 {
            1.0
        }
    }

    fn state_of(accs: impl IntoIterator<Item = f64>) -> State<(), Acc, ()> {
        let mut state = State::new(());
        for a in accs {
            state.push(Acc(a));
        }
        state
    }

    #[test]
    fn tail_rise_compares_the_last_window_with_the_one_before() {
        let rising: Vec<Acc> = (0..10).map(|e| Acc(0.9 + 0.001 * e as f64)).collect();
        // Last 3 (7, 8, 9) against 4, 5, 6: 3 epochs apart, 0.001 each.
        let rise = tail_rise(&rising, 3).unwrap();
        assert!((rise - 0.003).abs() < 1e-12, "{rise}");
        assert_eq!(tail_rise(&rising[..5], 3), None);
        assert_eq!(tail_rise(&rising, 0), None);
    }

    #[test]
    fn the_plateau_test_waits_for_the_rise_to_flatten_whatever_the_best_epoch() {
        let plateau = Stopping {
            max_epochs: 1000,
            patience: 2,
            plateau: Some(Plateau {
                window: 10,
                min_rise: 0.0002,
            }),
        };
        // A new best only every 10 epochs, but climbing 0.001 per epoch on
        // average: patience 2 stops it, the plateau test does not.
        let climbing = state_of((0..40).map(|e| 0.9 + 0.001 * (e / 10 * 10) as f64));
        assert!(!climbing.converged(plateau));
        let patience = Stopping {
            plateau: None,
            ..plateau
        };
        assert!(climbing.converged(patience));
        // Flat after epoch 20: converged once both windows are past it.
        let flat = |n: usize| state_of((0..n).map(|e| 0.9 + 0.001 * e.min(20) as f64));
        assert!(!flat(35).converged(plateau));
        assert!(flat(41).converged(plateau));
        // The cap ends any run.
        let capped = Stopping {
            max_epochs: 40,
            ..plateau
        };
        assert!(climbing.converged(capped));
    }

    #[test]
    fn plateau_values_are_checked() {
        let bad = |window, min_rise| {
            Stopping {
                max_epochs: 10,
                patience: 1,
                plateau: Some(Plateau { window, min_rise }),
            }
            .validate()
            .unwrap_err()
            .to_string()
        };
        assert!(bad(0, 0.0).contains("--plateau-window"));
        assert!(bad(5, -0.1).contains("--plateau-rise"));
        assert!(bad(5, f64::NAN).contains("--plateau-rise"));
    }
}
