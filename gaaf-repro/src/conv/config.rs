//! The configuration of one convolutional run (paper section 5.2, Table 5):
//! every choice the paper leaves open is a field, recorded in each run's JSON.
//! `docs/conv-defaults.md` (in this crate) says why each default was chosen.

use serde::{Deserialize, Serialize};

/// The datasets of Table 5.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ConvDataset {
    /// CIFAR-10: the VGG-like model, 10 classes.
    Cifar10,
    /// CIFAR-100 (fine labels): the VGG-like model, 100 classes.
    Cifar100,
    /// SVHN (train and test, not extra): the small CNN, 10 classes.
    Svhn,
}

impl ConvDataset {
    /// Every dataset, in Table 5's column order.
    pub const ALL: [ConvDataset; 3] = [
        ConvDataset::Cifar100,
        ConvDataset::Cifar10,
        ConvDataset::Svhn,
    ];

    /// The name used in commands, folders and JSON.
    pub fn name(self) -> &'static str {
        match self {
            ConvDataset::Cifar10 => "cifar10",
            ConvDataset::Cifar100 => "cifar100",
            ConvDataset::Svhn => "svhn",
        }
    }

    /// The name as the paper's table heads it.
    pub fn title(self) -> &'static str {
        match self {
            ConvDataset::Cifar10 => "CIFAR10",
            ConvDataset::Cifar100 => "CIFAR100",
            ConvDataset::Svhn => "SVHN",
        }
    }

    /// Classes to predict.
    pub fn classes(self) -> usize {
        match self {
            ConvDataset::Cifar100 => 100,
            ConvDataset::Cifar10 | ConvDataset::Svhn => 10,
        }
    }

    /// `gaaf-data`'s name for it.
    pub fn kind(self) -> gaaf_data::DatasetKind {
        match self {
            ConvDataset::Cifar10 => gaaf_data::DatasetKind::Cifar10,
            ConvDataset::Cifar100 => gaaf_data::DatasetKind::Cifar100,
            ConvDataset::Svhn => gaaf_data::DatasetKind::Svhn,
        }
    }
}

/// The four models of Table 5.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ConvVariant {
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

impl ConvVariant {
    /// Every variant, in Table 5's row order.
    pub const ALL: [ConvVariant; 4] = [
        ConvVariant::Base,
        ConvVariant::Bn,
        ConvVariant::Gaaf,
        ConvVariant::BnGaaf,
    ];

    /// The name used in file names, flags and JSON.
    pub fn name(self) -> &'static str {
        match self {
            ConvVariant::Base => "base",
            ConvVariant::Bn => "bn",
            ConvVariant::Gaaf => "gaaf",
            ConvVariant::BnGaaf => "bn-gaaf",
        }
    }

    /// Whether the model has batch normalisation.
    pub fn batch_norm(self) -> bool {
        matches!(self, ConvVariant::Bn | ConvVariant::BnGaaf)
    }

    /// Whether the model uses GAAF-ReLU.
    pub fn gaaf(self) -> bool {
        matches!(self, ConvVariant::Gaaf | ConvVariant::BnGaaf)
    }

    /// The same model without GAAF (what GAAF's gain is measured against).
    pub fn without_gaaf(self) -> ConvVariant {
        match self {
            ConvVariant::Base | ConvVariant::Gaaf => ConvVariant::Base,
            ConvVariant::Bn | ConvVariant::BnGaaf => ConvVariant::Bn,
        }
    }
}

/// One convolutional training run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConvConfig {
    /// Which data, and so which architecture.
    pub dataset: ConvDataset,
    /// Which model.
    pub variant: ConvVariant,
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
    /// Training stops after this many epochs at the latest.
    pub max_epochs: usize,
    /// Training stops when validation accuracy has not improved for this many
    /// epochs.
    pub patience: usize,
    /// Training images held out for validation.
    pub val_size: usize,
    /// Train on only this many of the remaining training images.
    pub train_subset: Option<usize>,
    /// Evaluate on only this many test images.
    pub test_subset: Option<usize>,
    /// Channels and dense widths are divided by this (1: the documented
    /// architecture; `--quick` uses 8).
    pub width_divisor: usize,
    /// Random crops (4-pixel zero padding) and, for CIFAR, horizontal flips of
    /// the training images.
    pub augment: bool,
    /// Frequency constant `K` of GAAF's `g` (Eq. 7).
    pub gaaf_k: f64,
}

impl ConvConfig {
    /// The defaults for `dataset`, `variant` and `seed`.
    pub fn new(dataset: ConvDataset, variant: ConvVariant, seed: u64) -> Self {
        Self {
            dataset,
            variant,
            seed,
            lr: 0.01,
            momentum: 0.9,
            weight_decay: 5e-4,
            batch_size: 128,
            max_epochs: 150,
            patience: 20,
            val_size: 5_000,
            train_subset: None,
            test_subset: None,
            width_divisor: 1,
            augment: true,
            gaaf_k: gaaf_core::PAPER_K,
        }
    }

    /// A file-name-safe identifier: dataset, variant and seed.
    pub fn run_id(&self) -> String {
        format!(
            "{}-{}-seed{}",
            self.dataset.name(),
            self.variant.name(),
            self.seed
        )
    }
}
