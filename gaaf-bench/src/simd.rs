//! An experiment: gaaf-core's slice kernels compiled for AVX2 + FMA and chosen
//! at run time, to measure what wider vectors would buy over the baseline
//! x86-64 build (SSE2, four `f32` lanes).
//!
//! The wrappers repeat `gaaf_core::kernel`'s loops inside a
//! `#[target_feature(enable = "avx2,fma")]` function, where the activation
//! inlines and LLVM vectorises the same loop eight lanes wide. (Calling
//! `kernel::forward` there does not work: LLVM reuses the baseline
//! instantiation and the wrapper becomes a jump to SSE2 code.) Calling
//! such a function is `unsafe` (the CPU must have the features), which
//! `gaaf-core` forbids, so the experiment lives here until the results say
//! whether it belongs in a crate that allows `unsafe` (`gaaf-dfdx`'s CPU op,
//! say). The results are the same as the baseline kernels' up to rounding:
//! the code is the same, only the instruction selection differs (Rust does not
//! contract `a * b + c` into an FMA on its own, so the values are bit for bit
//! the same; tested below).

use gaaf_core::{kernel, Differentiable, Error};

/// Whether this CPU runs the AVX2 + FMA builds; when it does not, the
/// `*_dispatch` functions fall back to the baseline kernels.
pub fn has_avx2_fma() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        std::is_x86_feature_detected!("avx2") && std::is_x86_feature_detected!("fma")
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

/// [`kernel::forward`], built for AVX2 + FMA where the CPU has them.
///
/// # Errors
///
/// As [`kernel::forward`]: [`Error::LengthMismatch`] when the lengths differ.
pub fn forward_dispatch<A: Differentiable<f32>>(
    f: &A,
    x: &[f32],
    y: &mut [f32],
) -> Result<(), Error> {
    #[cfg(target_arch = "x86_64")]
    if has_avx2_fma() {
        // SAFETY: the CPU has AVX2 and FMA, checked just above.
        return unsafe { avx2::forward(f, x, y) };
    }
    kernel::forward(f, x, y)
}

/// [`kernel::backward`], built for AVX2 + FMA where the CPU has them.
///
/// # Errors
///
/// As [`kernel::backward`]: [`Error::LengthMismatch`] when the lengths differ.
pub fn backward_dispatch<A: Differentiable<f32>>(
    f: &A,
    x: &[f32],
    dy: &[f32],
    dx: &mut [f32],
) -> Result<(), Error> {
    #[cfg(target_arch = "x86_64")]
    if has_avx2_fma() {
        // SAFETY: the CPU has AVX2 and FMA, checked just above.
        return unsafe { avx2::backward(f, x, dy, dx) };
    }
    kernel::backward(f, x, dy, dx)
}

#[cfg(target_arch = "x86_64")]
mod avx2 {
    use gaaf_core::{kernel, Differentiable, Error};

    /// # Safety
    ///
    /// The CPU must support AVX2 and FMA.
    #[target_feature(enable = "avx2,fma")]
    pub(super) unsafe fn forward<A: Differentiable<f32>>(
        f: &A,
        x: &[f32],
        y: &mut [f32],
    ) -> Result<(), Error> {
        if x.len() != y.len() {
            // gaaf-core's kernel reports the mismatch.
            return kernel::forward(f, x, y);
        }
        // gaaf-core's loop, repeated here: a call to `kernel::forward` would
        // reuse its baseline (SSE2) instantiation instead of inlining.
        for (y, &x) in y.iter_mut().zip(x) {
            *y = f.value(x);
        }
        Ok(())
    }

    /// # Safety
    ///
    /// The CPU must support AVX2 and FMA.
    #[target_feature(enable = "avx2,fma")]
    pub(super) unsafe fn backward<A: Differentiable<f32>>(
        f: &A,
        x: &[f32],
        dy: &[f32],
        dx: &mut [f32],
    ) -> Result<(), Error> {
        if x.len() != dy.len() || x.len() != dx.len() {
            return kernel::backward(f, x, dy, dx);
        }
        for ((dx, &dy), &x) in dx.iter_mut().zip(dy).zip(x) {
            *dx = dy * f.derivative(x);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use gaaf_shapes::{gaaf_tanh, Tanh};

    #[test]
    fn dispatched_kernels_match_the_baseline_bit_for_bit() {
        let x = crate::inputs(10_001, 3);
        let dy = crate::inputs(10_001, 4);
        let f = gaaf_tanh::<f32>();
        let (mut a, mut b) = (vec![0.0; x.len()], vec![0.0; x.len()]);
        kernel::forward(&f, &x, &mut a).unwrap();
        forward_dispatch(&f, &x, &mut b).unwrap();
        assert!(a.iter().zip(&b).all(|(a, b)| a.to_bits() == b.to_bits()));
        kernel::backward(&Tanh, &x, &dy, &mut a).unwrap();
        backward_dispatch(&Tanh, &x, &dy, &mut b).unwrap();
        assert!(a.iter().zip(&b).all(|(a, b)| a.to_bits() == b.to_bits()));
        assert!(forward_dispatch(&f, &x, &mut b[1..]).is_err());
    }
}
