//! The crate's one error type.

/// What can go wrong when configuring a GAAF module: a bad frequency constant
/// `K` or a bad shape parameter.
///
/// Errors *during* a forward or backward pass are the device's own error type
/// (`D::Err`, e.g. [`dfdx::tensor::CpuError`]), as for every dfdx module.
///
/// ```
/// use gaaf_dfdx::{Error, GaafTanh};
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
