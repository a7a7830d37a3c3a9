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
    /// MNIST with each 28 x 28 digit zero-padded to 32 x 32, one channel: the
    /// data this project has, run through Table 5's protocol (not in the
    /// paper). The SVHN model unless [`Config::model`] says otherwise.
    Mnist32,
}

impl Dataset {
    /// Every dataset: Table 5's, in its column order, then padded MNIST.
    pub const ALL: [Dataset; 4] = [
        Dataset::Cifar100,
        Dataset::Cifar10,
        Dataset::Svhn,
        Dataset::Mnist32,
    ];

    /// The name used in commands, folders and JSON.
    pub fn name(self) -> &'static str {
        match self {
            Dataset::Cifar10 => "cifar10",
            Dataset::Cifar100 => "cifar100",
            Dataset::Svhn => "svhn",
            Dataset::Mnist32 => "mnist32",
        }
    }

    /// The name as the paper's table heads it.
    pub fn title(self) -> &'static str {
        match self {
            Dataset::Cifar10 => "CIFAR10",
            Dataset::Cifar100 => "CIFAR100",
            Dataset::Svhn => "SVHN",
            Dataset::Mnist32 => "MNIST (32x32)",
        }
    }

    /// Classes to predict.
    pub fn classes(self) -> usize {
        match self {
            Dataset::Cifar100 => 100,
            Dataset::Cifar10 | Dataset::Svhn | Dataset::Mnist32 => 10,
        }
    }

    /// Channels of its images: 3, or 1 for MNIST.
    pub fn channels(self) -> usize {
        match self {
            Dataset::Mnist32 => 1,
            Dataset::Cifar10 | Dataset::Cifar100 | Dataset::Svhn => 3,
        }
    }

    /// The model the paper trains on it (the SVHN model for MNIST's digits).
    pub fn architecture(self) -> Architecture {
        match self {
            Dataset::Cifar10 | Dataset::Cifar100 => Architecture::VggLike,
            Dataset::Svhn | Dataset::Mnist32 => Architecture::SvhnNet,
        }
    }

    /// Whether mirrored images are still images of their class (not for
    /// digits).
    pub fn mirrors(self) -> bool {
        matches!(self, Dataset::Cifar10 | Dataset::Cifar100)
    }

    /// `gaaf-data`'s name for it.
    pub fn kind(self) -> gaaf_data::DatasetKind {
        match self {
            Dataset::Cifar10 => gaaf_data::DatasetKind::Cifar10,
            Dataset::Cifar100 => gaaf_data::DatasetKind::Cifar100,
            Dataset::Svhn => gaaf_data::DatasetKind::Svhn,
            Dataset::Mnist32 => gaaf_data::DatasetKind::Mnist,
        }
    }
}

/// The two network shapes of section 5.2 (see `model.rs` for the layers).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Architecture {
    /// The VGG-like model of CIFAR-10 and CIFAR-100: 10 convolutions, 2 hidden
    /// dense layers.
    VggLike,
    /// The small CNN of SVHN: 4 convolutions, 2 hidden dense layers.
    SvhnNet,
}

impl Architecture {
    /// Both, VGG-like first.
    pub const ALL: [Architecture; 2] = [Architecture::VggLike, Architecture::SvhnNet];

    /// The name used in flags, file names and JSON.
    pub fn name(self) -> &'static str {
        match self {
            Architecture::VggLike => "vgg-like",
            Architecture::SvhnNet => "svhn-net",
        }
    }
}

/// The four models of Table 5, and the two with ReLU's saturation-only GAAF
/// shape (beyond the paper).
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
    /// GAAF-ReLU with slope added on ReLU's saturated side only
    /// (`gaaf_candle::GaafRelu`: the paper's shape for `x <= 0`).
    // Spelled in JSON as on the command line; the first runs wrote the long
    // name.
    #[serde(rename = "gaaf-sat", alias = "gaaf-saturation")]
    GaafSaturation,
    /// Batch normalisation and the saturation-only GAAF-ReLU.
    #[serde(rename = "bn-gaaf-sat", alias = "bn-gaaf-saturation")]
    BnGaafSaturation,
}

impl Variant {
    /// Every variant, in Table 5's row order.
    pub const ALL: [Variant; 4] = [Variant::Base, Variant::Bn, Variant::Gaaf, Variant::BnGaaf];

    /// The saturation-only GAAF models, without and with batch normalisation.
    pub const SATURATION: [Variant; 2] = [Variant::GaafSaturation, Variant::BnGaafSaturation];

    /// Table 5's models, then the saturation-only ones: every variant, in
    /// the order tables list them.
    pub const EVERY: [Variant; 6] = [
        Variant::Base,
        Variant::Bn,
        Variant::Gaaf,
        Variant::BnGaaf,
        Variant::GaafSaturation,
        Variant::BnGaafSaturation,
    ];

    /// The name used in file names, flags and JSON.
    pub fn name(self) -> &'static str {
        match self {
            Variant::Base => "base",
            Variant::Bn => "bn",
            Variant::Gaaf => "gaaf",
            Variant::BnGaaf => "bn-gaaf",
            Variant::GaafSaturation => "gaaf-sat",
            Variant::BnGaafSaturation => "bn-gaaf-sat",
        }
    }

    /// Whether the model has batch normalisation.
    pub fn batch_norm(self) -> bool {
        matches!(
            self,
            Variant::Bn | Variant::BnGaaf | Variant::BnGaafSaturation
        )
    }

    /// Whether the model uses GAAF-ReLU (either shape).
    pub fn gaaf(self) -> bool {
        self != self.without_gaaf()
    }

    /// Whether its GAAF-ReLU has the saturation-only shape.
    pub fn saturation_only(self) -> bool {
        Variant::SATURATION.contains(&self)
    }

    /// The same model without GAAF (what GAAF's gain is measured against).
    pub fn without_gaaf(self) -> Variant {
        match self {
            Variant::Base | Variant::Gaaf | Variant::GaafSaturation => Variant::Base,
            Variant::Bn | Variant::BnGaaf | Variant::BnGaafSaturation => Variant::Bn,
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
    /// Which data, and so (unless `model` says otherwise) which architecture.
    pub dataset: Dataset,
    /// The architecture, when not the dataset's own
    /// ([`Dataset::architecture`]); `None` in every run of the paper's
    /// protocol.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<Architecture>,
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
            model: None,
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

impl Config {
    /// The architecture it trains: [`Config::model`], else the dataset's.
    pub fn architecture(&self) -> Architecture {
        self.model.unwrap_or(self.dataset.architecture())
    }
}

impl RunConfig for Config {
    /// A file-name-safe identifier: dataset, the architecture when it is not
    /// the dataset's own, variant and seed.
    fn run_id(&self) -> String {
        let model = match self.model {
            Some(m) if m != self.dataset.architecture() => format!("-{}", m.name()),
            _ => String::new(),
        };
        format!(
            "{}{model}-{}-seed{}",
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
