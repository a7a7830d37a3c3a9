//! The crate's one error type.

/// What can go wrong when configuring a GAAF module: a bad frequency constant
/// `K` or a bad shape parameter.
///
/// Errors *during* a forward or backward pass are the device's own error type
/// (`D::Err`, e.g. [`dfdx::tensor::CpuError`]), as for every dfdx module.
#[derive(Debug, Clone, Copy, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// From `gaaf-core`: an invalid `K`.
    #[error(transparent)]
    Core(#[from] gaaf_core::Error),
    /// From `gaaf-shapes`: an invalid shape parameter.
    #[error(transparent)]
    Shapes(#[from] gaaf_shapes::Error),
}
