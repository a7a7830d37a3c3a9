//! The crate's one error type.

/// What can go wrong when building an activation or a shape.
///
/// ```
/// use gaaf_shapes::{Error, GaussianBump};
///
/// let err = GaussianBump::new(1.0_f32, 0.0, 0.0).unwrap_err();
/// assert!(matches!(err, Error::InvalidParameter { name: "width", .. }));
/// assert_eq!(
///     err.to_string(),
///     "parameter `width` must be finite, greater than 0 and not subnormal, got 0"
/// );
/// ```
#[derive(Debug, Clone, Copy, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A shape or noise parameter was out of its domain.
    #[error("parameter `{name}` must be {expected}, got {value}")]
    InvalidParameter {
        /// The parameter's name, as in the constructor's signature.
        name: &'static str,
        /// The value given (converted to `f64`).
        value: f64,
        /// What the parameter must be.
        expected: &'static str,
    },
    /// An error from `gaaf-core` (an invalid frequency constant, say).
    #[error(transparent)]
    Core(#[from] gaaf_core::Error),
}

/// Checks `value` with `ok`, naming the parameter and its domain on failure.
pub(crate) fn check<F: num_traits::Float>(
    name: &'static str,
    value: F,
    expected: &'static str,
    ok: impl FnOnce(F) -> bool,
) -> Result<F, Error> {
    if ok(value) {
        Ok(value)
    } else {
        Err(Error::InvalidParameter {
            name,
            value: value.to_f64().unwrap_or(f64::NAN),
            expected,
        })
    }
}

/// `check` for the most common domain: any finite number.
pub(crate) fn finite<F: num_traits::Float>(name: &'static str, value: F) -> Result<F, Error> {
    check(name, value, "finite", |v| v.is_finite())
}

/// `check` for widths that are divided by: finite, strictly positive, and
/// with a finite reciprocal (not subnormal), since the kernels multiply by it.
pub(crate) fn positive<F: num_traits::Float>(name: &'static str, value: F) -> Result<F, Error> {
    check(
        name,
        value,
        "finite, greater than 0 and not subnormal",
        |v| v.is_finite() && v > F::zero() && v.recip().is_finite(),
    )
}

/// Converts an `f64` constant into `F`; every constant used here is exact or
/// correctly rounded in `f32` and `f64`.
pub(crate) fn cast<F: num_traits::Float>(v: f64) -> F {
    F::from(v).unwrap_or_else(F::nan)
}
