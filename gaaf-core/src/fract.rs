//! The fractional part `t - floor(t)`, computed so that it vectorises.

use num_traits::Float;

/// The fractional part `t - floor(t)`, in `[0, 1]` for every finite `t`.
///
/// **Source**: the `x*K - floor(x*K)` term of Eq. 7 (Hahn & Choi).
///
/// **Method**: `|t|` is rounded to the nearest integer with the add-and-subtract
/// trick `(|t| + 2^p) - 2^p` (`p` the mantissa width: 23 for `f32`, 52 for `f64`),
/// the sign is restored, and one is subtracted where rounding went up. Unlike a
/// call to `floor`, which on the baseline x86-64 target (SSE2, no `roundps`) is a
/// library call per element, this is plain arithmetic and selects, so slice
/// kernels built on it vectorise. The subtraction `t - floor(t)` is exact, so the
/// result equals `t - t.floor()` for every finite `t` (tested; bit for bit but
/// for the sign of a zero result at `t = -0.0`).
///
/// **Special cases**:
/// - `|t| >= 2^p`: every such float is an integer, so the result is `0`;
/// - `±inf`: `0` (the limit of the above), never NaN;
/// - NaN: NaN;
/// - `-0.0`: `-0.0` (a zero, as `t - t.floor()` gives, up to its sign);
/// - a negative `t` within half an ulp of an integer (`-1e-30`, say): `1`, because
///   `t - floor(t)` rounds up, exactly as `t - t.floor()` does.
///
/// # Example
///
/// ```
/// use gaaf_core::floor_fract;
///
/// assert_eq!(floor_fract(2.25_f64), 0.25);
/// assert_eq!(floor_fract(-2.25_f64), 0.75);
/// assert_eq!(floor_fract(f32::INFINITY), 0.0);
/// assert!(floor_fract(f64::NAN).is_nan());
/// ```
#[inline(always)]
pub fn floor_fract<F: Float>(t: F) -> F {
    // 2^p: at and above it the float spacing is at least 1.
    let big = F::one() / F::epsilon();
    // |t| and the sign by compare-and-select, not `abs`/`copysign`: in `no_std`
    // those are `libm` calls, which would keep the loop from vectorising.
    let negative = t < F::zero();
    let a = if negative { -t } else { t };
    let rounded = (a + big) - big;
    let nearest = if negative { -rounded } else { rounded };
    let floor = if nearest > t {
        nearest - F::one()
    } else {
        nearest
    };
    // `>=` is false for NaN, so NaN flows through `t - floor`.
    if a >= big {
        F::zero()
    } else {
        t - floor
    }
}

#[cfg(test)]
mod tests {
    use super::floor_fract;
    use proptest::prelude::*;

    fn reference_f64(t: f64) -> f64 {
        if t.is_infinite() {
            0.0
        } else {
            t - t.floor()
        }
    }

    fn reference_f32(t: f32) -> f32 {
        if t.is_infinite() {
            0.0
        } else {
            t - t.floor()
        }
    }

    #[test]
    fn special_cases() {
        for t in [0.0_f64, -0.0, 1.0, -1.0, 0.5, -0.5, 2.5, -2.5, 3.5, -3.5] {
            assert_eq!(floor_fract(t), reference_f64(t), "t = {t}");
        }
        let big = 2f64.powi(52);
        for t in [big - 0.5, -(big - 0.5), big, -big, f64::MAX, f64::MIN] {
            assert_eq!(floor_fract(t), reference_f64(t), "t = {t}");
        }
        let big32 = 2f32.powi(23);
        for t in [big32 - 0.5, -(big32 - 0.5), big32, -big32, f32::MAX] {
            assert_eq!(floor_fract(t), reference_f32(t), "t = {t}");
        }
        assert_eq!(floor_fract(f64::NEG_INFINITY), 0.0);
        assert!(floor_fract(f32::NAN).is_nan());
        assert_eq!(floor_fract(f64::MIN_POSITIVE), f64::MIN_POSITIVE);
        assert_eq!(floor_fract(-f32::MIN_POSITIVE), 1.0);
    }

    proptest! {
        #[test]
        fn equals_std_floor_f64_bits(bits in any::<u64>()) {
            let t = f64::from_bits(bits);
            prop_assume!(!t.is_nan());
            prop_assert_eq!(floor_fract(t), reference_f64(t));
        }

        #[test]
        fn equals_std_floor_f32_bits(bits in any::<u32>()) {
            let t = f32::from_bits(bits);
            prop_assume!(!t.is_nan());
            prop_assert_eq!(floor_fract(t), reference_f32(t));
        }

        #[test]
        fn equals_std_floor_f32_moderate(t in -1.0e7_f32..1.0e7) {
            prop_assert_eq!(floor_fract(t), reference_f32(t));
        }
    }
}
