//! The configuration of one MNIST training run: every choice the paper leaves
//! open is a field here, recorded in each run's JSON. `docs/mnist-defaults.md`
//! (in this crate) says why each default was chosen.

use super::Variant;
use crate::error::{check, ConfigError, Rule};
use crate::sweep::{DataSizes, Plateau, RunConfig, Stopping};
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
    /// The optimiser (absent from the JSON when SGD, as in every run made
    /// before it existed).
    #[serde(default, skip_serializing_if = "Optimiser::is_sgd")]
    pub optimiser: Optimiser,
    /// Learning rate: of plain SGD (no momentum, no weight decay), or Adam's
    /// step size.
    pub lr: f64,
    /// Images per batch (section 3.2 implies 128).
    pub batch_size: usize,
    /// When training stops: after `max_epochs`, or when validation accuracy
    /// has stopped rising ([`Plateau::DEFAULT`]).
    #[serde(flatten)]
    pub stopping: Stopping,
    /// How much of the data it uses: validation images, training and test
    /// subsets.
    #[serde(flatten)]
    pub sizes: DataSizes,
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
            optimiser: Optimiser::Sgd,
            lr: Optimiser::Sgd.default_lr(),
            batch_size: 128,
            stopping: Stopping {
                max_epochs: 300,
                patience: 20,
                plateau: Some(Plateau::DEFAULT),
            },
            sizes: DataSizes::all_but(10_000),
            dropout_p: 0.5,
            gaaf_k: gaaf_core::PAPER_K,
            shape_width: gaaf_shapes::PAPER_TANH_WIDTH,
        }
    }

    /// Checks every field's range, naming the flag that sets it.
    ///
    /// # Errors
    ///
    /// The first field out of range.
    pub fn validate(&self) -> Result<(), ConfigError> {
        check::positive("lr", self.lr)?;
        check::count("batch-size", self.batch_size)?;
        self.stopping.validate()?;
        self.sizes.validate()?;
        check::fraction("dropout-p", self.dropout_p)?;
        check::positive_f32("gaaf-k", self.gaaf_k)?;
        check::positive_f32("shape-width", self.shape_width)?;
        if self.variant == Variant::BaseLrScaled && self.optimiser != Optimiser::Sgd {
            return Err(ConfigError {
                flag: "optimiser",
                value: self.optimiser.name().to_string(),
                rule: Rule::SgdOnly,
            });
        }
        Ok(())
    }
}

impl RunConfig for Config {
    /// A file-name-safe identifier: variant, the optimiser when not SGD,
    /// the learning rate when not the optimiser's default, and the seed
    /// (`gaaf-seed0`, `gaaf-lr0.1-seed0`, `base-adam-seed3`).
    fn run_id(&self) -> String {
        let mut id = self.variant.name().to_string();
        if self.optimiser != Optimiser::Sgd {
            id.push('-');
            id.push_str(self.optimiser.name());
        }
        if self.lr != self.optimiser.default_lr() {
            id.push_str(&format!("-lr{}", self.lr));
        }
        format!("{id}-seed{}", self.seed)
    }

    fn stopping(&self) -> Stopping {
        self.stopping
    }

    fn sizes(&self) -> DataSizes {
        self.sizes
    }
}

/// How the weights are updated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Optimiser {
    /// Plain SGD: `w -= lr * dE/dw` (the paper's).
    #[default]
    Sgd,
    /// Adam (Kingma & Ba) with beta1 0.9, beta2 0.999, eps 1e-8, no weight
    /// decay: it divides each weight's step by its gradient's running
    /// magnitude, so a gain that only rescales the gradient does nothing.
    Adam,
}

impl Optimiser {
    /// The name used in run ids, flags and JSON.
    pub fn name(self) -> &'static str {
        match self {
            Optimiser::Sgd => "sgd",
            Optimiser::Adam => "adam",
        }
    }

    /// The learning rate runs take unless told: 0.05 for SGD (see
    /// `docs/mnist-defaults.md`), Adam's customary 0.001.
    pub fn default_lr(self) -> f64 {
        match self {
            Optimiser::Sgd => 0.05,
            Optimiser::Adam => 0.001,
        }
    }

    fn is_sgd(&self) -> bool {
        *self == Optimiser::Sgd
    }
}
