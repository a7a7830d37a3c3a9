//! What one convolutional run produces, as written to
//! `<out>/runs/<run-id>.json`. Table 5 is built from these files alone.

use super::Config;
use serde::{Deserialize, Serialize};

/// One epoch of training.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Epoch {
    /// 1-based epoch number.
    pub epoch: usize,
    /// Mean training loss (cross-entropy) over the epoch's batches.
    pub train_loss: f64,
    /// Fraction of the epoch's (augmented) training batches classified
    /// correctly while training, in [0, 1].
    pub train_acc: f64,
    /// Accuracy on the validation split after the epoch, in [0, 1].
    pub val_acc: f64,
    /// Wall-clock seconds the epoch took.
    pub seconds: f64,
}

/// Everything one finished convolutional run reports.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Run {
    /// The configuration it ran with, in full.
    pub config: Config,
    /// One record per epoch trained.
    pub epochs: Vec<Epoch>,
    /// The epoch of the best validation accuracy.
    pub best_epoch: usize,
    /// The best validation accuracy, in [0, 1].
    pub best_val_acc: f64,
    /// Top-1 test accuracy of the checkpoint from `best_epoch`, in [0, 1].
    pub test_acc: f64,
    /// Accuracy of that checkpoint on the training images it was trained on
    /// (no augmentation), in [0, 1]; the paper quotes training accuracies.
    pub train_acc: f64,
    /// The device it trained on (`cpu` or `cuda:N`).
    pub device: String,
    /// The machine it ran on (CPU model, cores) and the threads it used.
    pub machine: String,
    /// Wall-clock seconds for the whole run.
    pub seconds: f64,
}

crate::sweep::impl_record!(Epoch);
