//! gaaf-core's slice kernels pinned to one instruction set, to compare with
//! the runtime dispatch that `gaaf_core::kernel` does itself (its `std`
//! feature: AVX-512, AVX2 + FMA or the build's baseline, whichever the CPU
//! runs best).
//!
//! - [`forward_sse2`], [`backward_sse2`]: the kernels' loops compiled for the
//!   build's own target only, as `gaaf_core::kernel` was before it dispatched
//!   (SSE2, four `f32` lanes, on a default x86-64 build).
//! - [`forward_dispatch`], [`backward_dispatch`]: the loops in a
//!   `#[target_feature(enable = "avx2,fma")]` function, chosen when the CPU has
//!   both, so that an AVX-512 machine can still measure the AVX2 build. (This
//!   was the experiment that led to gaaf-core's dispatch.)
//!
//! Both builds run the same loops (`forward_loop`, `backward_loop`, which
//! repeat `gaaf_core::kernel`'s): they are `#[inline(always)]`, so each
//! inlines into the function with the instruction set and is vectorised with
//! it (a call to `gaaf_core::kernel` would run gaaf-core's own dispatch
//! instead). The values are bit for bit those of the kernels (Rust does not
//! contract `a * b + c` into an FMA on its own; tested below).

use gaaf_core::{kernel, Differentiable, Error};

/// [`kernel::forward`] as it was before runtime dispatch: the loop built for
/// the compilation target only.
///
/// # Errors
///
/// As [`kernel::forward`]: [`Error::LengthMismatch`] when the lengths differ.
pub fn forward_sse2<A: Differentiable<f32>>(f: &A, x: &[f32], y: &mut [f32]) -> Result<(), Error> {
    forward_loop(f, x, y)
}

/// [`kernel::backward`] as it was before runtime dispatch: the loop built for
/// the compilation target only.
///
/// # Errors
///
/// As [`kernel::backward`]: [`Error::LengthMismatch`] when the lengths differ.
pub fn backward_sse2<A: Differentiable<f32>>(
    f: &A,
    x: &[f32],
    dy: &[f32],
    dx: &mut [f32],
) -> Result<(), Error> {
    backward_loop(f, x, dy, dx)
}

/// `y = f(x)`, gaaf-core's forward loop, inlined into each build.
#[inline(always)]
fn forward_loop<A: Differentiable<f32>>(f: &A, x: &[f32], y: &mut [f32]) -> Result<(), Error> {
    if x.len() != y.len() {
        // gaaf-core's kernel reports the mismatch.
        return kernel::forward(f, x, y);
    }
    for (y, &x) in y.iter_mut().zip(x) {
        *y = f.value(x);
    }
    Ok(())
}

/// `dx = dy * f'(x)`, gaaf-core's backward loop, inlined into each build.
#[inline(always)]
fn backward_loop<A: Differentiable<f32>>(
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
    use gaaf_core::{Differentiable, Error};

    /// # Safety
    ///
    /// The CPU must support AVX2 and FMA.
    #[target_feature(enable = "avx2,fma")]
    pub(super) unsafe fn forward<A: Differentiable<f32>>(
        f: &A,
        x: &[f32],
        y: &mut [f32],
    ) -> Result<(), Error> {
        super::forward_loop(f, x, y)
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
        super::backward_loop(f, x, dy, dx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use gaaf_shapes::{gaaf_tanh, Tanh};

    #[test]
    fn pinned_kernels_match_gaaf_core_bit_for_bit() {
        let x = crate::inputs(10_001, 3);
        let dy = crate::inputs(10_001, 4);
        let f = gaaf_tanh::<f32>();
        let same = |a: &[f32], b: &[f32]| a.iter().zip(b).all(|(a, b)| a.to_bits() == b.to_bits());
        let (mut a, mut b, mut c) = (vec![0.0; x.len()], vec![0.0; x.len()], vec![0.0; x.len()]);
        kernel::forward(&f, &x, &mut a).unwrap();
        forward_dispatch(&f, &x, &mut b).unwrap();
        forward_sse2(&f, &x, &mut c).unwrap();
        assert!(same(&a, &b) && same(&a, &c));
        kernel::backward(&f, &x, &dy, &mut a).unwrap();
        backward_dispatch(&f, &x, &dy, &mut b).unwrap();
        backward_sse2(&f, &x, &dy, &mut c).unwrap();
        assert!(same(&a, &b) && same(&a, &c));
        kernel::backward(&Tanh, &x, &dy, &mut a).unwrap();
        backward_dispatch(&Tanh, &x, &dy, &mut b).unwrap();
        backward_sse2(&Tanh, &x, &dy, &mut c).unwrap();
        assert!(same(&a, &b) && same(&a, &c));
        assert!(forward_dispatch(&f, &x, &mut b[1..]).is_err());
        assert!(forward_sse2(&f, &x, &mut c[1..]).is_err());
        assert!(backward_sse2(&f, &x, &dy[1..], &mut c).is_err());
    }
}
