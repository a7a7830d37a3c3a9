//! The configuration of one convolutional run (paper section 5.2, Table 5):
//! every choice the paper leaves open is a field, recorded in each run's JSON.
//! `docs/conv-defaults.md` (in this crate) says why each default was chosen.

use crate::error::{check, ConfigError};
use crate::sweep::{DataSizes, RunConfig, Stopping};
use serde::{Deserialize, Serialize};

/// The datasets of Table 5.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Dataset {
    /// CIFAR-10: the VGG-like model, 10 classes.
    Cifar10,
    /// CIFAR-100 (fine labels): the VGG-like model, 100 classes.
    Cifar100,
    /// SVHN (train and test, not extra): the small CNN, 10 classes.
    Svhn,
}

impl Dataset {
    /// Every dataset, in Table 5's column order.
    pub const ALL: [Dataset; 3] = [Dataset::Cifar100, Dataset::Cifar10, Dataset::Svhn];

    /// The name used in commands, folders and JSON.
    pub fn name(self) -> &'static str {
        match self {
            Dataset::Cifar10 => "cifar10",
            Dataset::Cifar100 => "cifar100",
            Dataset::Svhn => "svhn",
        }
    }

    /// The name as the paper's table heads it.
    pub fn title(self) -> &'static str {
        match self {
            Dataset::Cifar10 => "CIFAR10",
            Dataset::Cifar100 => "CIFAR100",
            Dataset::Svhn => "SVHN",
        }
    }

    /// Classes to predict.
    pub fn classes(self) -> usize {
        match self {
            Dataset::Cifar100 => 100,
            Dataset::Cifar10 | Dataset::Svhn => 10,
        }
    }

    /// `gaaf-data`'s name for it.
    pub fn kind(self) -> gaaf_data::DatasetKind {
        match self {
            Dataset::Cifar10 => gaaf_data::DatasetKind::Cifar10,
            Dataset::Cifar100 => gaaf_data::DatasetKind::Cifar100,
            Dataset::Svhn => gaaf_data::DatasetKind::Svhn,
        }
    }
}

/// The four models of Table 5.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Variant {
    /// ReLU everywhere.
    Base,
    /// Batch normalisation after every convolution and hidden dense layer,
    /// before the activation.
    Bn,
    /// GAAF-ReLU (the paper's shifted-sigmoid shape) in place of every ReLU.
    Gaaf,
    /// Both.
    BnGaaf,
}

impl Variant {
    /// Every variant, in Table 5's row order.
    pub const ALL: [Variant; 4] = [Variant::Base, Variant::Bn, Variant::Gaaf, Variant::BnGaaf];

    /// The name used in file names, flags and JSON.
    pub fn name(self) -> &'static str {
        match self {
            Variant::Base => "base",
            Variant::Bn => "bn",
            Variant::Gaaf => "gaaf",
            Variant::BnGaaf => "bn-gaaf",
        }
    }

    /// Whether the model has batch normalisation.
    pub fn batch_norm(self) -> bool {
        matches!(self, Variant::Bn | Variant::BnGaaf)
    }

    /// Whether the model uses GAAF-ReLU.
    pub fn gaaf(self) -> bool {
        matches!(self, Variant::Gaaf | Variant::BnGaaf)
    }

    /// The same model without GAAF (what GAAF's gain is measured against).
    pub fn without_gaaf(self) -> Variant {
        match self {
            Variant::Base | Variant::Gaaf => Variant::Base,
            Variant::Bn | Variant::BnGaaf => Variant::Bn,
        }
    }
}

/// One convolutional training run.
///
/// [`Config::new`] gives the defaults; a configuration changed afterwards
/// (as the command line's overrides do) is checked with
/// [`Config::validate`] before anything trains.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Config {
    /// Which data, and so which architecture.
    pub dataset: Dataset,
    /// Which model.
    pub variant: Variant,
    /// Seeds the initialisation, the shuffling, the augmentation and the
    /// validation split.
    pub seed: u64,
    /// Learning rate of SGD with momentum.
    pub lr: f64,
    /// Momentum of SGD (heavy ball, as PyTorch's `SGD`).
    pub momentum: f64,
    /// L2 weight decay on the weights of convolutions and dense layers (not
    /// biases, not batch-norm parameters).
    pub weight_decay: f64,
    /// Images per batch.
    pub batch_size: usize,
    /// When training stops: after `max_epochs`, or when validation accuracy
    /// has not improved for `patience` epochs.
    #[serde(flatten)]
    pub stopping: Stopping,
    /// How much of the data it uses: validation images, training and test
    /// subsets.
    #[serde(flatten)]
    pub sizes: DataSizes,
    /// Channels and dense widths are divided by this (1: the documented
    /// architecture; `--quick` uses 8).
    pub width_divisor: usize,
    /// Random crops (4-pixel zero padding) and, for CIFAR, horizontal flips of
    /// the training images.
    pub augment: bool,
    /// Frequency constant `K` of GAAF's `g` (Eq. 7).
    pub gaaf_k: f64,
}

impl Config {
    /// The defaults for `dataset`, `variant` and `seed`.
    pub fn new(dataset: Dataset, variant: Variant, seed: u64) -> Self {
        Self {
            dataset,
            variant,
            seed,
            lr: 0.01,
            momentum: 0.9,
            weight_decay: 5e-4,
            batch_size: 128,
            stopping: Stopping {
                max_epochs: 150,
                patience: 20,
                plateau: None,
            },
            sizes: DataSizes::all_but(5_000),
            width_divisor: 1,
            augment: true,
            gaaf_k: gaaf_core::PAPER_K,
        }
    }

    /// Checks every field's range, naming the flag that sets it.
    ///
    /// # Errors
    ///
    /// The first field out of range.
    pub fn validate(&self) -> Result<(), ConfigError> {
        check::positive("lr", self.lr)?;
        check::fraction("momentum", self.momentum)?;
        check::non_negative("weight-decay", self.weight_decay)?;
        check::count("batch-size", self.batch_size)?;
        self.stopping.validate()?;
        self.sizes.validate()?;
        check::count("width-divisor", self.width_divisor)?;
        check::positive_f32("gaaf-k", self.gaaf_k)?;
        Ok(())
    }
}

impl RunConfig for Config {
    /// A file-name-safe identifier: dataset, variant and seed.
    fn run_id(&self) -> String {
        format!(
            "{}-{}-seed{}",
            self.dataset.name(),
            self.variant.name(),
            self.seed
        )
    }

    fn stopping(&self) -> Stopping {
        self.stopping
    }

    fn sizes(&self) -> DataSizes {
        self.sizes
    }
}
