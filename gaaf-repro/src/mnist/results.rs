//! What one training run produces, as written to `<out>/runs/<run-id>.json`:
//! the configuration, per-epoch history, the selected checkpoint's test
//! accuracy and the raw material of every analysis. Tables and figures are
//! built from these files alone, so shards run on different machines merge by
//! reading each other's JSON.

use serde::{Deserialize, Serialize};

/// The model variants of the MNIST experiment (paper section 5.1), plus the
/// dropout-matched shape from `gaaf-shapes`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Variant {
    /// 784-512-256-256-10, tanh.
    Base,
    /// The base model with dropout on the outputs of the three hidden layers.
    Dropout,
    /// The base model with GAAF-tanh (the paper's exponential shape).
    Gaaf,
    /// The base model with GAAF-tanh whose shape is matched to dropout's noise.
    DropoutMatched,
    /// Control: the base model trained with per-layer learning rates scaled
    /// by GAAF's measured gradient gain at initialisation (same seed).
    BaseLrScaled,
    /// Control: GAAF-tanh with the shoulder shape
    /// ([`gaaf_shapes::ShoulderBump`]: zero at the centre).
    GaafShoulder,
}

impl Variant {
    /// Every variant, in the order tables list them.
    pub const ALL: [Variant; 4] = [
        Variant::Base,
        Variant::Dropout,
        Variant::Gaaf,
        Variant::DropoutMatched,
    ];

    /// The two control variants of the `--controls` sweep.
    pub const CONTROLS: [Variant; 2] = [Variant::BaseLrScaled, Variant::GaafShoulder];

    /// The name used in file names, flags and JSON.
    pub fn name(self) -> &'static str {
        match self {
            Variant::Base => "base",
            Variant::Dropout => "dropout",
            Variant::Gaaf => "gaaf",
            Variant::DropoutMatched => "dropout-matched",
            Variant::BaseLrScaled => "base-lr-scaled",
            Variant::GaafShoulder => "gaaf-shoulder",
        }
    }
}

/// A histogram over `[lo, hi)` with equal-width bins, plus the counts that fell
/// below and above (kept, so no value is silently lost).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Histogram {
    /// Lower edge of the first bin.
    pub lo: f64,
    /// Upper edge of the last bin.
    pub hi: f64,
    /// Count per bin.
    pub counts: Vec<u64>,
    /// Values below `lo`.
    pub below: u64,
    /// Values at or above `hi`.
    pub above: u64,
}

/// The correlation analysis of one hidden layer (paper Table 1, Fig. 1): the
/// Pearson correlations between every pair of its units' outputs over the test
/// set.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LayerCorrelation {
    /// Units in the layer.
    pub units: usize,
    /// Units whose output was constant over the test set: their correlation is
    /// undefined, and pairs involving them are left out of counts and density.
    pub constant_units: usize,
    /// Pairs counted (pairs of non-constant units).
    pub pairs: u64,
    /// Pairs with `|r|` above each of [`CORRELATION_THRESHOLDS`].
    pub above: Vec<u64>,
    /// The distribution of `r` over the pairs, on `[-1, 1]`.
    pub density: Histogram,
}

/// The thresholds of the paper's Table 1.
pub const CORRELATION_THRESHOLDS: [f64; 5] = [0.9, 0.8, 0.7, 0.6, 0.5];

/// One epoch of training.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Epoch {
    /// 1-based epoch number.
    pub epoch: usize,
    /// Mean training loss (cross-entropy) over the epoch's batches.
    pub train_loss: f64,
    /// Accuracy on the validation split after the epoch, in [0, 1].
    pub val_acc: f64,
    /// The batch-mean gradient magnitude of the epoch: per weight matrix, the
    /// mean over its iterations of the mean over weights of `|dL/dW|`, `L` the
    /// batch's mean loss. At most Eq. 5 (see `grad_info_per_sample`).
    pub grad_info: Vec<f64>,
    /// Gradient information of the epoch as Eq. 5 writes it: per weight
    /// matrix, the mean over its iterations of the mean over the batch's
    /// samples `n` of the mean over weights of `|dE_n/dW|`, `E_n` the loss of
    /// sample `n` alone. Empty in run files written before 2026-12-03.
    #[serde(default)]
    pub grad_info_per_sample: Vec<f64>,
    /// The dropout-matched variant's shape noise levels for the epoch, one
    /// per hidden layer (`sigma_1` is 0: no dropout on the pixels); `None`
    /// for the other variants and in run files written before 2026-12-03.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub matched_sigmas: Option<Vec<f64>>,
    /// Wall-clock seconds the epoch took.
    pub seconds: f64,
}

/// Everything one finished run reports.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Run {
    /// The configuration it ran with, in full.
    pub config: super::Config,
    /// One record per epoch trained.
    pub epochs: Vec<Epoch>,
    /// The epoch of the best validation accuracy ("epochs to converge").
    pub best_epoch: usize,
    /// The best validation accuracy, in [0, 1].
    pub best_val_acc: f64,
    /// Test accuracy of the checkpoint from `best_epoch`, in [0, 1].
    pub test_acc: f64,
    /// Gradient information (Eq. 5) per weight matrix (`[W1, W2, W3, W4]`,
    /// input to output), averaged over all training iterations up to
    /// `best_epoch`.
    pub grad_info: Vec<f64>,
    /// Eq. 5 per sample at the initial weights, per weight matrix: on a
    /// fixed batch of 1,024 training images, the same for every variant of a
    /// seed, which starts from the same weights, so a variant's ratio to the
    /// base model's is the gradient gain it starts with. Empty in run files
    /// written before 2026-12-03.
    #[serde(default)]
    pub init_grad_info: Vec<f64>,
    /// Correlations between the units of each hidden layer (three), on the
    /// test set, for the selected checkpoint.
    pub correlations: Vec<LayerCorrelation>,
    /// Distributions of the nets (inputs to the activation) of each hidden
    /// layer (three) on the test set, for the selected checkpoint, on
    /// [`NET_RANGE`].
    pub nets: Vec<Histogram>,
    /// For the dropout variant only (paper Table 3): one batch of 128 training
    /// images, 20 dropout masks, the mean over units of each unit's net
    /// variance, for `[Layer1, Layer2, Layer3, Last]`; `None` otherwise.
    pub net_variance: Option<Vec<f64>>,
    /// `base-lr-scaled` only: the per-layer learning-rate multipliers it
    /// trained with (GAAF's gradient gain at initialisation over base, same
    /// seed, W1..W4).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lr_scales: Option<Vec<f64>>,
    /// The machine it ran on (CPU model, cores) and the threads it used.
    pub machine: String,
    /// The commit of the code that trained it ([`crate::sweep::COMMIT`]; empty
    /// in runs made before 2026-12-03 evening).
    #[serde(default)]
    pub commit: String,
    /// Wall-clock seconds for the whole run.
    pub seconds: f64,
}

/// The range of the net histograms.
pub const NET_RANGE: (f64, f64) = (-8.0, 8.0);
/// Bins of the net histograms.
pub const NET_BINS: usize = 160;
/// Bins of the correlation densities on `[-1, 1]`.
pub const CORRELATION_BINS: usize = 100;

crate::sweep::impl_record!(Epoch);
