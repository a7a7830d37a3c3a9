//! The crate's one error type.

/// What can go wrong in `gaaf-core`: a bad frequency constant at construction, or
/// slices of different lengths handed to a kernel.
///
/// ```
/// use gaaf_core::{Error, GradAccel};
///
/// let err = GradAccel::new(-1.0_f32).unwrap_err();
/// assert_eq!(err, Error::InvalidFrequency(-1.0));
/// assert_eq!(
///     err.to_string(),
///     "frequency constant k must be finite, greater than 0 and not subnormal, got -1"
/// );
/// ```
#[derive(Debug, Clone, Copy, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The frequency constant `K` of Eq. 7 was zero, negative, infinite, NaN or
    /// so small (subnormal) that `1/K` overflows.
    #[error("frequency constant k must be finite, greater than 0 and not subnormal, got {0}")]
    InvalidFrequency(f64),
    /// A kernel was given slices whose lengths differ.
    #[error("slice `{name}` has {found} elements, expected {expected}")]
    LengthMismatch {
        /// Which argument had the wrong length.
        name: &'static str,
        /// The length of the kernel's input `x`.
        expected: usize,
        /// The length that argument had.
        found: usize,
    },
}
