//! The crate's one error type.

/// What can go wrong when configuring a GAAF module or loading its
/// parameters: a bad frequency constant `K`, a bad shape parameter, or a
/// parameter list of the wrong length.
///
/// A forward or backward pass does not fail: burn's tensor ops have no error
/// channel, and nothing GAAF adds can go wrong once the module is built.
///
/// ```
/// use gaaf_burn::{Error, GaafTanh};
///
/// let err = GaafTanh::default().with_k(0.0).unwrap_err();
/// assert!(matches!(err, Error::Core(_)));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// From `gaaf-core`: an invalid `K`.
    #[error(transparent)]
    Core(#[from] gaaf_core::Error),
    /// From `gaaf-shapes`: an invalid shape parameter.
    #[error(transparent)]
    Shapes(gaaf_shapes::Error),
    /// A parameter list (from a record) of the wrong length for the function.
    #[error("{what} takes {expected} parameters, got {got}")]
    Params {
        /// The function whose parameters these were.
        what: &'static str,
        /// How many it takes.
        expected: usize,
        /// How many were given.
        got: usize,
    },
}

impl From<gaaf_shapes::Error> for Error {
    /// A bad `K` is [`Error::Core`] however it was found (`gaaf-shapes`
    /// wraps `gaaf-core`'s error when it derives a twin), so callers match
    /// one variant for it.
    fn from(e: gaaf_shapes::Error) -> Self {
        match e {
            gaaf_shapes::Error::Core(e) => Error::Core(e),
            other => Error::Shapes(other),
        }
    }
}
