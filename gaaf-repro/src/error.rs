//! The crate's one error type.
//!
//! Display strings never repeat their source: a variant that wraps another
//! error says what failed (and where), and the source says why, so that the
//! binary's `{:#}` (each error of the chain once, joined by `: `) reads as
//! one line without repetition.

use crate::sweep::{ArrayShardError, ShardError, WeightsError};
use std::path::PathBuf;

/// Everything that can go wrong while training, checkpointing or running the
/// sweep.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A configuration value (a command-line flag) is out of range.
    #[error(transparent)]
    InvalidConfig(#[from] ConfigError),

    /// A `--shard` value is out of range.
    #[error("invalid --shard")]
    InvalidShard(#[from] ShardError),

    /// The shard of a Slurm array task could not be taken.
    #[error(transparent)]
    ArrayShard(#[from] ArrayShardError),

    /// Submitting a Slurm script failed.
    #[error("sbatch {}: {message}", script.display())]
    Sbatch {
        /// The script.
        script: PathBuf,
        /// What went wrong.
        message: String,
    },

    /// `--merge-only` found runs of the sweep without a result: it builds no
    /// table from part of a sweep.
    #[error(
        "{} of the sweep's {total} runs have no result in {}: {}; \
         train them with `{rerun}` (finished runs are reused), then merge again",
        missing.len(),
        dir.display(),
        missing.join(", ")
    )]
    Incomplete {
        /// The runs without a result, by id.
        missing: Vec<String>,
        /// How many runs the sweep has.
        total: usize,
        /// The folder of results.
        dir: PathBuf,
        /// The command that trains the sweep (the merge command without
        /// `--merge-only`): it reuses finished runs, so it trains only the
        /// missing ones.
        rerun: String,
    },

    /// Loading or preparing the data failed.
    #[error(transparent)]
    Data(#[from] gaaf_data::Error),

    /// The data was missing and could not be downloaded.
    #[error("{missing}; downloading it failed")]
    Fetch {
        /// What was missing.
        missing: Box<gaaf_data::Error>,
        /// Why the download failed.
        #[source]
        source: Box<gaaf_data::Error>,
    },

    /// The images are not of the size the model takes.
    #[error("images of {found} values; the {model} takes {expected}")]
    ImageSize {
        /// Values per image in the data.
        found: usize,
        /// Values per image the model takes.
        expected: usize,
        /// The model.
        model: &'static str,
    },

    /// A split of the data holds no images.
    #[error("the training, validation and test splits must each hold images")]
    EmptySplit,

    /// An activation or shape refused a configuration value.
    #[error("invalid activation shape")]
    Shape(#[from] gaaf_shapes::Error),

    /// GAAF refused a configuration value.
    #[error("invalid GAAF constant")]
    Gaaf(#[from] gaaf_core::Error),

    /// gaaf-candle refused a configuration value.
    #[error("invalid GAAF activation")]
    GaafCandle(#[from] gaaf_candle::Error),

    /// gaaf-dfdx refused a configuration value.
    #[error("invalid GAAF activation")]
    GaafDfdx(#[from] gaaf_dfdx::Error),

    /// Reading or writing a file failed.
    #[error("{}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },

    /// A JSON file could not be read or written.
    #[error("{}", path.display())]
    Json {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: serde_json::Error,
    },

    /// A checkpoint file does not verify.
    #[error("bad checkpoint {}", path.display())]
    BadCheckpoint {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        #[source]
        source: WeightsError,
    },

    /// A run's existing result or checkpoint was made with another
    /// configuration than the one requested.
    #[error(
        "{} was made with another configuration than requested; use another --out or delete it",
        path.display()
    )]
    ConfigMismatch {
        /// The result or checkpoint file.
        path: PathBuf,
    },

    /// Training produced a non-finite loss.
    #[error("run {run_id}: loss became {loss} in epoch {epoch}")]
    Diverged {
        /// The run.
        run_id: String,
        /// The epoch.
        epoch: usize,
        /// The loss.
        loss: f64,
    },

    /// dfdx's CPU device failed (an allocation, or a gradient buffer this
    /// crate asked for with the wrong length).
    #[error("dfdx CPU device")]
    DfdxCpu(#[from] dfdx::tensor::CpuError),

    /// A candle operation failed (a device error, or a shape this crate got
    /// wrong).
    #[error("candle")]
    Candle(#[from] candle_core::Error),

    /// The requested CUDA device cannot be opened.
    #[error("cannot open CUDA device {device}")]
    Cuda {
        /// The device number.
        device: usize,
        /// candle's error.
        #[source]
        source: candle_core::Error,
    },

    /// dfdx's CUDA device cannot be opened (dfdx's CUDA errors implement no
    /// `std::error::Error`, so they are kept as text).
    #[error("cannot open dfdx CUDA device {device}: {message}")]
    DfdxCudaOpen {
        /// The device number.
        device: usize,
        /// Why.
        message: String,
    },

    /// dfdx's CUDA device failed (an allocation, a kernel launch), as text.
    #[error("dfdx CUDA device: {message}")]
    DfdxCuda {
        /// dfdx's error.
        message: String,
    },

    /// A variant has no implementation on the requested device.
    #[error(
        "the {variant} variant cannot run on {device} (no implementation there); use --device cpu"
    )]
    Unsupported {
        /// The variant, as `--variants` names it.
        variant: &'static str,
        /// The device, as `--device` names it.
        device: String,
    },

    /// CUDA was requested from a build without it.
    #[error("this build has no CUDA support; rebuild with `--features cuda`")]
    NoCuda,

    /// Building the report failed.
    #[error("report")]
    Report(#[from] crate::report_common::ReportError),
}

/// The crate's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub(crate) fn io(path: impl Into<PathBuf>) -> impl FnOnce(std::io::Error) -> Error {
        let path = path.into();
        move |source| Error::Io { path, source }
    }

    pub(crate) fn json(path: impl Into<PathBuf>) -> impl FnOnce(serde_json::Error) -> Error {
        let path = path.into();
        move |source| Error::Json { path, source }
    }

    pub(crate) fn bad_checkpoint(path: impl Into<PathBuf>) -> impl FnOnce(WeightsError) -> Error {
        let path = path.into();
        move |source| Error::BadCheckpoint { path, source }
    }
}

/// `e` and its sources, each once, joined by `: `.
pub fn display_chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut src = e.source();
    while let Some(c) = src {
        s.push_str(": ");
        s.push_str(&c.to_string());
        src = c.source();
    }
    s
}

/// A configuration value out of range, named by its command-line flag.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid --{flag} {value}: {rule}")]
pub struct ConfigError {
    /// The flag, without its dashes (`batch-size`).
    pub flag: &'static str,
    /// The value given, as written back.
    pub value: String,
    /// The rule it breaks.
    pub rule: Rule,
}

/// The ranges configuration values must lie in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Rule {
    /// A count of at least one.
    #[error("must be at least 1")]
    AtLeastOne,
    /// A finite number above zero.
    #[error("must be a finite number above 0")]
    Positive,
    /// A finite number, zero or above.
    #[error("must be a finite number, 0 or above")]
    NonNegative,
    /// A fraction in `[0, 1)`.
    #[error("must be in [0, 1)")]
    Fraction,
    /// A number above zero that `f32`, and its reciprocal, can hold.
    #[error("must be a number above 0 that f32 and its reciprocal can hold")]
    PositiveF32,
    /// A count no larger than this.
    #[error("must be at most {0}")]
    AtMost(u64),
    /// The variant `base-lr-scaled` with another optimiser than SGD.
    #[error("base-lr-scaled scales SGD's per-layer learning rates and trains with sgd only")]
    SgdOnly,
}

/// Checks of single configuration values, each naming its flag.
pub(crate) mod check {
    use super::{ConfigError, Rule};

    fn fail(flag: &'static str, value: impl ToString, rule: Rule) -> Result<(), ConfigError> {
        Err(ConfigError {
            flag,
            value: value.to_string(),
            rule,
        })
    }

    /// `value` as the user would write it: plainly, or in exponent notation
    /// when plain would run to dozens of digits.
    fn number(value: f64) -> String {
        let magnitude = value.abs();
        if value.is_finite() && magnitude != 0.0 && !(1e-6..1e16).contains(&magnitude) {
            format!("{value:e}")
        } else {
            value.to_string()
        }
    }

    /// `value >= 1`.
    pub(crate) fn at_least_one(flag: &'static str, value: u64) -> Result<(), ConfigError> {
        if value >= 1 {
            Ok(())
        } else {
            fail(flag, value, Rule::AtLeastOne)
        }
    }

    /// `value >= 1` for a count given as `usize`.
    pub(crate) fn count(flag: &'static str, value: usize) -> Result<(), ConfigError> {
        at_least_one(flag, value as u64)
    }

    /// `value >= 1` when given.
    pub(crate) fn optional_count(
        flag: &'static str,
        value: Option<usize>,
    ) -> Result<(), ConfigError> {
        value.map_or(Ok(()), |v| count(flag, v))
    }

    /// A finite `value > 0`.
    pub(crate) fn positive(flag: &'static str, value: f64) -> Result<(), ConfigError> {
        if value.is_finite() && value > 0.0 {
            Ok(())
        } else {
            fail(flag, number(value), Rule::Positive)
        }
    }

    /// A finite `value >= 0`.
    pub(crate) fn non_negative(flag: &'static str, value: f64) -> Result<(), ConfigError> {
        if value.is_finite() && value >= 0.0 {
            Ok(())
        } else {
            fail(flag, number(value), Rule::NonNegative)
        }
    }

    /// A `value > 0` that stays finite and non-zero as `f32`, with a finite
    /// reciprocal (what the activations, which compute in `f32`, accept).
    pub(crate) fn positive_f32(flag: &'static str, value: f64) -> Result<(), ConfigError> {
        let v = value as f32;
        if v.is_finite() && v > 0.0 && v.recip().is_finite() {
            Ok(())
        } else {
            fail(flag, number(value), Rule::PositiveF32)
        }
    }

    /// `1 <= value <= most`.
    pub(crate) fn between_one_and(
        flag: &'static str,
        value: u64,
        most: u64,
    ) -> Result<(), ConfigError> {
        at_least_one(flag, value)?;
        if value <= most {
            Ok(())
        } else {
            fail(flag, value, Rule::AtMost(most))
        }
    }

    /// `0 <= value < 1`.
    pub(crate) fn fraction(flag: &'static str, value: f64) -> Result<(), ConfigError> {
        if (0.0..1.0).contains(&value) {
            Ok(())
        } else {
            fail(flag, number(value), Rule::Fraction)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chain_names_each_error_once() {
        let source = serde_json::from_str::<u32>("garbage").unwrap_err();
        let message = source.to_string();
        let e = Error::Json {
            path: "out/runs/base-seed0.json".into(),
            source,
        };
        let line = display_chain(&e);
        assert_eq!(line.matches(&message).count(), 1, "{line}");
        assert!(line.starts_with("out/runs/base-seed0.json: "), "{line}");
    }

    #[test]
    fn config_errors_name_the_flag() {
        let e = check::count("batch-size", 0).unwrap_err();
        assert_eq!(e.to_string(), "invalid --batch-size 0: must be at least 1");
        let e = check::positive("lr", -1.0).unwrap_err();
        assert_eq!(
            e.to_string(),
            "invalid --lr -1: must be a finite number above 0"
        );
        assert!(check::positive("lr", f64::NAN).is_err());
        assert!(check::positive("lr", f64::INFINITY).is_err());
        assert!(check::fraction("momentum", 1.0).is_err());
        assert!(check::non_negative("weight-decay", -1e-9).is_err());
        assert!(check::positive_f32("gaaf-k", 1e300).is_err());
        assert!(check::positive_f32("gaaf-k", 1e-300).is_err());
        assert!(check::positive_f32("gaaf-k", 1e4).is_ok());
        let e = check::between_one_and("seeds", 10_001, 10_000).unwrap_err();
        assert_eq!(
            e.to_string(),
            "invalid --seeds 10001: must be at most 10000"
        );
    }
}
