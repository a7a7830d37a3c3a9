//! The crate's one error type.

use std::path::PathBuf;

/// Everything that can go wrong while training, checkpointing or running the
/// sweep.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Loading or preparing the data failed.
    #[error(transparent)]
    Data(#[from] gaaf_data::Error),

    /// The data was missing and could not be downloaded.
    #[error("{0}")]
    Fetch(String),

    /// A configuration value was rejected by the activation or shape.
    #[error("invalid configuration: {0}")]
    Config(String),

    /// Reading or writing a file failed.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },

    /// A JSON file could not be read or written.
    #[error("{}: {source}", path.display())]
    Json {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: serde_json::Error,
    },

    /// A checkpoint file is not what this crate writes.
    #[error("{}: bad checkpoint: {reason}", path.display())]
    BadCheckpoint {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
    },

    /// A run's existing result or checkpoint was made with another
    /// configuration than the one requested.
    #[error(
        "{} was made with another configuration than requested; use another --out or delete it",
        path.display()
    )]
    ConfigMismatch {
        /// The result or checkpoint state file.
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

    /// A candle operation failed (a device error, or a shape this crate got
    /// wrong).
    #[error("candle: {0}")]
    Candle(#[from] candle_core::Error),

    /// Building the report failed.
    #[error("report: {0}")]
    Report(String),
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

    /// An epoch's mean training `loss` if it is finite, else
    /// [`Error::Diverged`] for run `run_id`.
    pub(crate) fn finite_loss(
        run_id: impl FnOnce() -> String,
        epoch: usize,
        loss: f64,
    ) -> Result<f64> {
        if loss.is_finite() {
            Ok(loss)
        } else {
            Err(Error::Diverged {
                run_id: run_id(),
                epoch,
                loss,
            })
        }
    }
}

impl From<gaaf_shapes::Error> for Error {
    fn from(e: gaaf_shapes::Error) -> Self {
        Error::Config(e.to_string())
    }
}

impl From<gaaf_candle::Error> for Error {
    fn from(e: gaaf_candle::Error) -> Self {
        Error::Config(e.to_string())
    }
}

impl From<gaaf_dfdx::Error> for Error {
    fn from(e: gaaf_dfdx::Error) -> Self {
        Error::Config(e.to_string())
    }
}

impl From<gaaf_core::Error> for Error {
    fn from(e: gaaf_core::Error) -> Self {
        Error::Config(e.to_string())
    }
}
