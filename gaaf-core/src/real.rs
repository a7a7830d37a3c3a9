//! The float types the kernels run on, with the elementary functions they need
//! written so that loops over them vectorise.

use num_traits::Float;

/// A float type with `exp` and `tanh` that slice kernels can vectorise.
///
/// The standard `exp` and `tanh` are library calls, one element at a time:
/// a loop that calls them cannot vectorise, and on this project's reference
/// machine glibc's `tanhf` alone took 15 ns an element (gaaf-bench,
/// `kernel/tanh`). The `f32` implementations here are branch-free polynomial
/// evaluations (range reduction, selects, integer exponent arithmetic) that the
/// compiler turns into SIMD code on any target; `f64` uses the standard
/// functions (through `num-traits`, so `libm` in `no_std`).
///
/// # Example
///
/// ```
/// use gaaf_core::Real;
///
/// let x = 0.7_f32;
/// assert!((x.fast_exp() - x.exp()).abs() <= 2.0 * f32::EPSILON * x.exp());
/// assert!((x.fast_tanh() - x.tanh()).abs() <= 2.0 * f32::EPSILON);
/// assert_eq!(0.7_f64.fast_tanh(), 0.7_f64.tanh());
/// ```
pub trait Real: Float {
    /// `e^x`.
    ///
    /// `f32`: Cody-Waite range reduction `x = n ln2 + r`, `|r| <= ln2/2`, a
    /// degree-6 minimax polynomial for `e^r` (`tools/fit_exp.py`), evaluated
    /// with fused multiply-adds, and `2^n` built from exponent bits in two
    /// halves so that subnormal results stay right. Within 2 ulp of the
    /// correctly rounded result (tested against `f64`; the worst over every
    /// `f32` was 0.75 ulp, in the subnormal range, against 0.50 for glibc's
    /// `expf`); `exp(x) = inf` for `x > 88.72284`, `0` for `x < -103.97208`,
    /// NaN for NaN.
    fn fast_exp(self) -> Self;

    /// `tanh(x)`.
    ///
    /// `f32`: a rational function `x P(x^2) / Q(x^2)` of degrees 13 and 6,
    /// fitted for minimax relative error by this crate's `tools/fit_tanh.py` and
    /// evaluated with fused multiply-adds: one division and no exponential,
    /// so it costs about half of `1 - 2 / (e^{2|x|} + 1)`. Within 3 ulp of the
    /// correctly rounded result (tested against `f64`; the worst over every
    /// `f32` in `(0, 9.5]` was 2.83 ulp, against 1.38 for glibc's `tanhf`);
    /// never above 1 in magnitude; exactly `±1` for `|x| >= 9`, `±0` kept,
    /// NaN for NaN.
    fn fast_tanh(self) -> Self;
}

impl Real for f64 {
    #[inline(always)]
    fn fast_exp(self) -> Self {
        Float::exp(self)
    }

    #[inline(always)]
    fn fast_tanh(self) -> Self {
        Float::tanh(self)
    }
}

impl Real for f32 {
    #[inline(always)]
    fn fast_exp(self) -> Self {
        exp_f32(self)
    }

    #[inline(always)]
    fn fast_tanh(self) -> Self {
        tanh_f32(self)
    }
}

/// `a * b + c` rounded once: the same result in every build and on every
/// target, where `a * b + c` in two steps would round twice. With `std` this is
/// the compiler's `fma` intrinsic (one instruction on CPUs with FMA, which every
/// dispatched `x86_64` build and every `aarch64` target has; a C library call
/// per element on the SSE2 baseline); without it, `libm`'s `fmaf` through
/// `num-traits`.
#[inline(always)]
fn fma(a: f32, b: f32, c: f32) -> f32 {
    #[cfg(feature = "std")]
    {
        a.mul_add(b, c)
    }
    #[cfg(not(feature = "std"))]
    {
        Float::mul_add(a, b, c)
    }
}

#[inline(always)]
fn exp_f32(x: f32) -> f32 {
    const LOG2E: f32 = core::f32::consts::LOG2_E;
    // ln 2 split so that `n * LN2_HI` is exact for the n that occur.
    const LN2_HI: f32 = 0.693_359_4;
    const LN2_LO: f32 = -2.121_944_4e-4;
    // Adding 1.5 * 2^23 rounds a float of magnitude < 2^22 to an integer.
    const ROUND: f32 = 12_582_912.0;
    // `clamp` passes NaN through. The limits keep `n` within [-151, 128] so
    // the exponent arithmetic cannot wrap, and they need no select at the end:
    // e^89 overflows to inf and e^-104 rounds to 0 on their own (every f32
    // above 88.72284 gives inf and every one below -103.97208 gives 0; checked
    // for all of them by the ignored test `exp_every_f32_within_2_ulp`).
    let xc = x.clamp(-104.0, 89.0);
    let t = fma(xc, LOG2E, ROUND);
    let n = t - ROUND;
    let r = fma(n, -LN2_LO, fma(n, -LN2_HI, xc));
    // e^r = 1 + r + r^2 C(r), C of degree 4 from tools/fit_exp.py (minimax
    // relative error 0.05 ulp before f32 evaluation).
    let c = fma(
        fma(
            fma(fma(1.381_461_3e-3, r, 8.368_71e-3), r, 4.166_839e-2),
            r,
            1.666_652_1e-1,
        ),
        r,
        4.999_999_4e-1,
    );
    let p = fma(c, r * r, r) + 1.0;
    // `t` holds n in its low mantissa bits (its exponent is that of ROUND), so
    // integer subtraction of the bit patterns gives n without a float-to-int
    // conversion, which would not vectorise (Rust's `as` saturates).
    let n = (t.to_bits() as i32).wrapping_sub(ROUND.to_bits() as i32);
    // 2^n as two factors 2^n1 * 2^n2, each a normal float for every n here,
    // so that a subnormal result is rounded once, by the second product.
    let n1 = n >> 1;
    let n2 = n - n1;
    let s1 = f32::from_bits(((n1 + 127) as u32) << 23);
    let s2 = f32::from_bits(((n2 + 127) as u32) << 23);
    p * s1 * s2
}

/// At and above this `|x|` the rational below is at least 1 (and `tanh(x)`
/// within an ulp of 1): the argument is clamped here and the result to 1.
const TANH_ONE: f32 = 9.0;

#[inline(always)]
fn tanh_f32(x: f32) -> f32 {
    // tanh is odd: work on |x| and restore the sign last, which also keeps -0.
    // Clamping the argument keeps `z` finite for large |x|; clamping the result
    // keeps |tanh| <= 1, which the rational alone overshoots by an ulp near 8-9
    // (and so would make `1 - t^2`, tanh's slope, negative). Each clamp is a
    // select that keeps its first operand when that is NaN: one `min`
    // instruction, and NaN flows through to the result.
    let a = x.abs();
    let a = if a > TANH_ONE { TANH_ONE } else { a };
    let z = a * a;
    // a P(z) / Q(z): one division and ten multiply-adds, where `1 - 2 /
    // (e^2a + 1)` needs an exponential as well and, for small `a`, a second
    // polynomial against its cancellation. Coefficients from
    // tools/fit_tanh.py (minimax relative error on (0, 9], 0.37 ulp before
    // f32 rounding and evaluation). P(0) = Q(0) = 1, so tiny and subnormal `x`
    // come back unchanged.
    let p = fma(
        fma(
            fma(
                fma(
                    fma(
                        fma(-8.863_576_4e-14, z, 5.461_112_5e-11),
                        z,
                        -2.068_221_5e-8,
                    ),
                    z,
                    1.128_277_7e-5,
                ),
                z,
                3.117_162_5e-3,
            ),
            z,
            1.309_61e-1,
        ),
        z,
        1.0,
    );
    let q = fma(
        fma(fma(2.564_828e-4, z, 2.454_862e-2), z, 4.642_943_4e-1),
        z,
        1.0,
    );
    let t = a * p / q;
    let t = if t > 1.0 { 1.0 } else { t };
    t.copysign(x)
}

#[cfg(test)]
mod tests {
    use super::Real;
    use proptest::prelude::*;

    /// Distance in ulps between `got` and the `f64` reference rounded to `f32`
    /// (counting the reference's rounding as up to half an ulp).
    fn ulps(got: f32, reference: f64) -> f64 {
        let r = reference as f32;
        if got == r {
            return 0.0;
        }
        let spacing = f64::from(r.abs().max(f32::MIN_POSITIVE)) * f64::from(f32::EPSILON);
        (f64::from(got) - reference).abs() / spacing
    }

    #[test]
    fn exp_special_values() {
        assert_eq!(0.0_f32.fast_exp(), 1.0);
        assert_eq!(f32::INFINITY.fast_exp(), f32::INFINITY);
        assert_eq!(f32::NEG_INFINITY.fast_exp(), 0.0);
        assert!(f32::NAN.fast_exp().is_nan());
        assert_eq!(88.8_f32.fast_exp(), f32::INFINITY);
        assert_eq!((-104.0_f32).fast_exp(), 0.0);
        assert!(88.72_f32.fast_exp().is_finite());
        assert!((-100.0_f32).fast_exp() > 0.0, "subnormal results survive");
    }

    #[test]
    fn tanh_special_values() {
        assert_eq!(0.0_f32.fast_tanh().to_bits(), 0.0_f32.to_bits());
        assert_eq!((-0.0_f32).fast_tanh().to_bits(), (-0.0_f32).to_bits());
        assert_eq!(f32::INFINITY.fast_tanh(), 1.0);
        assert_eq!(f32::NEG_INFINITY.fast_tanh(), -1.0);
        assert_eq!(9.1_f32.fast_tanh(), 1.0);
        // Every |x| above TANH_ONE is clamped to it, and it gives 1.
        assert_eq!(super::TANH_ONE.fast_tanh(), 1.0);
        assert_eq!(f32::MAX.fast_tanh(), 1.0);
        assert_eq!((-9.005_f32).fast_tanh(), -1.0);
        assert!(f32::NAN.fast_tanh().is_nan());
        assert_eq!(1e-30_f32.fast_tanh(), 1e-30);
    }

    /// Exhaustive over a dense grid: the accuracy the docs state.
    #[test]
    fn exp_within_2_ulp_on_a_dense_grid() {
        let mut worst = 0.0_f64;
        let mut x = -103.9_f32;
        while x < 88.7 {
            worst = worst.max(ulps(x.fast_exp(), f64::from(x).exp()));
            x += 0.000_37;
        }
        assert!(worst <= 2.0, "worst {worst} ulp");
    }

    #[test]
    fn tanh_within_3_ulp_on_a_dense_grid() {
        let mut worst = 0.0_f64;
        let mut x = -10.0_f32;
        while x < 10.0 {
            worst = worst.max(ulps(x.fast_tanh(), f64::from(x).tanh()));
            x += 0.000_031;
        }
        assert!(worst <= 3.0, "worst {worst} ulp");
    }

    /// The rational overshoots 1 near |x| = 8..9; the result is clamped.
    #[test]
    fn tanh_never_above_one() {
        let mut x = 7.5_f32;
        while x <= 9.5 {
            assert!(x.fast_tanh() <= 1.0, "tanh({x:e}) = {}", x.fast_tanh());
            x = f32::from_bits(x.to_bits() + 1);
        }
    }

    /// Every `f32` from the underflow to the overflow limit (about 2.2 billion
    /// inputs, a minute in release), and the limits themselves: nothing below
    /// -103.97208 but 0, nothing above 88.72284 but inf, which the clamp in
    /// `exp_f32` relies on.
    #[test]
    #[ignore]
    fn exp_every_f32_within_2_ulp() {
        let (mut worst, mut at) = (0.0_f64, 0.0_f32);
        let mut bits = (-110.0_f32).to_bits();
        loop {
            let x = f32::from_bits(bits);
            let y = x.fast_exp();
            if x < -103.972_08 {
                assert_eq!(y, 0.0, "x = {x:e}");
            } else if x > 88.722_84 {
                assert_eq!(y, f32::INFINITY, "x = {x:e}");
            } else {
                let e = ulps(y, f64::from(x).exp());
                if e > worst {
                    (worst, at) = (e, x);
                }
            }
            if x >= 95.0 {
                break;
            }
            // Walk the bit patterns from -110 up through -0, +0 and on to 95.
            bits = if bits == 0x8000_0000 {
                0
            } else if bits > 0x8000_0000 {
                bits - 1
            } else {
                bits + 1
            };
        }
        std::println!("exp: worst {worst:.3} ulp at x = {at:e}");
        assert!(worst <= 2.0, "worst {worst} ulp at {at:e}");
    }

    /// Every positive `f32` up to 9.5, past where tanh rounds to 1 (about 1.09e9
    /// inputs; the figure in `fast_tanh`'s docs). About 40 s in release:
    /// `cargo test -p gaaf-core --release --lib -- --ignored tanh_every_f32`.
    #[test]
    #[ignore]
    fn tanh_every_f32_within_3_ulp() {
        let (mut worst, mut at) = (0.0_f64, 0.0_f32);
        let mut x = f32::from_bits(1);
        while x <= 9.5 {
            let t = x.fast_tanh();
            assert!(t <= 1.0, "tanh({x:e}) = {t} > 1");
            let e = ulps(t, f64::from(x).tanh());
            if e > worst {
                (worst, at) = (e, x);
            }
            x = f32::from_bits(x.to_bits() + 1);
        }
        std::println!("tanh: worst {worst:.3} ulp at x = {at:e}");
        assert!(worst <= 3.0, "worst {worst} ulp at {at:e}");
    }

    proptest! {
        #[test]
        fn exp_within_2_ulp_everywhere(bits in any::<u32>()) {
            let x = f32::from_bits(bits);
            prop_assume!(x.is_finite() && x > -103.9 && x < 88.7);
            let e = ulps(x.fast_exp(), f64::from(x).exp());
            prop_assert!(e <= 2.0, "x = {}: {} ulp", x, e);
        }

        #[test]
        fn tanh_within_3_ulp_everywhere(bits in any::<u32>()) {
            let x = f32::from_bits(bits);
            prop_assume!(x.is_finite());
            let t = x.fast_tanh();
            prop_assert!(t.abs() <= 1.0, "x = {}: tanh = {}", x, t);
            let e = ulps(t, f64::from(x).tanh());
            prop_assert!(e <= 3.0, "x = {}: {} ulp", x, e);
        }
    }
}
