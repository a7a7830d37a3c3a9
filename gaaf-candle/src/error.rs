//! The crate's one error type.

/// What can go wrong when configuring a GAAF module or a convolution: a bad
/// frequency constant `K`, a bad shape parameter, a convolution setting the
/// im2col path does not support, or an error from candle itself.
///
/// Forward and backward passes report [`candle_core::Error`], as every candle
/// module does; ops of this crate that fail there wrap this type in it. The
/// `From` conversion below lets `?` turn this error into candle's, so the
/// constructors fit into model code that returns `candle_core::Result`.
///
/// ```
/// use gaaf_candle::{Error, GaafTanh};
///
/// let err = GaafTanh::default().with_k(-1.0).unwrap_err();
/// assert!(matches!(err, Error::Core(_)));
/// let candle_err: candle_core::Error = err.into();
/// assert!(candle_err.to_string().contains("frequency"));
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// From `gaaf-core`: an invalid `K`.
    #[error(transparent)]
    Core(#[from] gaaf_core::Error),
    /// From `gaaf-shapes`: an invalid shape parameter.
    #[error(transparent)]
    Shapes(gaaf_shapes::Error),
    /// A convolution setting the im2col path does not implement.
    #[error("unsupported convolution setting: {name} = {value} (only {supported} is supported)")]
    UnsupportedConv {
        /// The setting (`dilation`, `groups`, `stride`).
        name: &'static str,
        /// The value asked for.
        value: usize,
        /// What is supported instead.
        supported: &'static str,
    },
    /// From candle: creating or reading a tensor failed.
    #[error(transparent)]
    Candle(#[from] candle_core::Error),
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

impl From<Error> for candle_core::Error {
    fn from(e: Error) -> Self {
        match e {
            Error::Candle(e) => e,
            other => candle_core::Error::wrap(other),
        }
    }
}
