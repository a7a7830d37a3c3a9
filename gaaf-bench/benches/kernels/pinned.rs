//! gaaf-core's slice kernels pinned to one instruction set, for the `kernels`
//! benchmark's comparison rows: gaaf-core picks its build at run time
//! (AVX-512, AVX2 + FMA or the build's baseline, see `gaaf_core::dispatch`),
//! so its own kernels cannot show what each build is worth on one machine.
//!
//! - [`forward_baseline`], [`backward_baseline`]: the loops compiled for the
//!   build's own target only, as `gaaf_core::kernel` was before it dispatched
//!   (SSE2, four `f32` lanes, on a default x86-64 build): the `*-sse2` rows.
//! - [`forward_avx2_fma`], [`backward_avx2_fma`]: the loops in a
//!   `#[target_feature(enable = "avx2,fma")]` function, so that an AVX-512
//!   machine can still measure the AVX2 build: the `*-avx2` rows, run only
//!   where [`has_avx2_fma`] (elsewhere these run the baseline loops).
//!
//! Both run the same loops (`forward_loop`, `backward_loop`, which repeat
//! `gaaf_core::kernel`'s): they are `#[inline(always)]`, so each inlines into
//! the function with the instruction set and is vectorised with it (a call to
//! `gaaf_core::kernel` would run gaaf-core's own dispatch instead). The values
//! are bit for bit those of the kernels (Rust does not contract `a * b + c`
//! into an FMA on its own): `tests/pinned.rs` checks it, on this same file.
//!
//! Private to the benchmark (and its test) on purpose: it is a measuring
//! instrument, not an API, and the only `unsafe` in gaaf-bench.

use gaaf_core::{kernel, Differentiable, Error};

/// [`kernel::forward`] as it was before runtime dispatch: the loop built for
/// the compilation target only.
///
/// # Errors
///
/// As [`kernel::forward`]: [`Error::LengthMismatch`] when the lengths differ.
pub(crate) fn forward_baseline<A: Differentiable<f32>>(
    f: &A,
    x: &[f32],
    y: &mut [f32],
) -> Result<(), Error> {
    forward_loop(f, x, y)
}

/// [`kernel::backward`] as it was before runtime dispatch: the loop built for
/// the compilation target only.
///
/// # Errors
///
/// As [`kernel::backward`]: [`Error::LengthMismatch`] when the lengths differ.
pub(crate) fn backward_baseline<A: Differentiable<f32>>(
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
/// `*_avx2_fma` functions run the baseline loops.
pub(crate) fn has_avx2_fma() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        std::is_x86_feature_detected!("avx2") && std::is_x86_feature_detected!("fma")
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

/// [`kernel::forward`]'s loop built for AVX2 + FMA (the baseline loop where
/// the CPU lacks them).
///
/// # Errors
///
/// As [`kernel::forward`]: [`Error::LengthMismatch`] when the lengths differ.
pub(crate) fn forward_avx2_fma<A: Differentiable<f32>>(
    f: &A,
    x: &[f32],
    y: &mut [f32],
) -> Result<(), Error> {
    #[cfg(target_arch = "x86_64")]
    if has_avx2_fma() {
        // SAFETY: the CPU has AVX2 and FMA, checked just above.
        return unsafe { avx2::forward(f, x, y) };
    }
    forward_loop(f, x, y)
}

/// [`kernel::backward`]'s loop built for AVX2 + FMA (the baseline loop where
/// the CPU lacks them).
///
/// # Errors
///
/// As [`kernel::backward`]: [`Error::LengthMismatch`] when the lengths differ.
pub(crate) fn backward_avx2_fma<A: Differentiable<f32>>(
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
    backward_loop(f, x, dy, dx)
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
