//! Slice kernels: any [`Differentiable`] function applied element-wise, forward
//! and backward, out of place and in place.
//!
//! Two ways to train: save the input and recompute in the backward
//! ([`forward`], then [`backward`] or [`backward_accumulate`]), or save the
//! slope in the forward ([`forward_saving_derivative`], then
//! [`backward_from_saved`] or [`backward_from_saved_accumulate`]). The second
//! keeps the same amount of memory (the slope in place of the input), does
//! the shared work of value and slope once, and leaves the backward a
//! multiplication that runs at memory speed. For GAAF-tanh on 16M `f32` on an
//! AVX-512 server, the saving pair ran at about 70 % of a streaming copy's
//! bandwidth against about 58 % for the recomputing pair (the workspace's
//! gaaf-bench `kernels`, `forward+backward-saved` and `forward+backward`
//! rows). For a function as cheap as a memory pass
//! (ReLU, this crate's `tanh`) saving costs a little more than recomputing:
//! it writes and reads one more buffer.
//!
//! Every kernel is one pass over its slices with no temporary buffer, generic
//! over the function so that it monomorphises; for the activations and shapes
//! of `gaaf-shapes` the loop body inlines and the compiler vectorises it where
//! the float operations allow. Each output element is computed by exactly the
//! scalar call `f.value(x[i])` (or `dy[i] * f.derivative(x[i])`), so the kernels
//! agree with the scalar functions bit for bit.
//!
//! # Instruction sets
//!
//! With the `std` feature (on by default) each kernel's loop exists in several
//! builds and the first call picks one for the running CPU, once per process
//! (`is_x86_feature_detected!`, remembered in an atomic):
//!
//! | CPU (`x86_64`)       | build used                                 | `f32` lanes |
//! |----------------------|--------------------------------------------|-------------|
//! | has `avx512f`        | AVX-512 (when built by Rust 1.89 or later) | 16          |
//! | has `avx2` and `fma` | AVX2 + FMA                                 | 8           |
//! | otherwise            | the build's own target (SSE2 by default)   | 4           |
//!
//! A build whose target features already include the best of these (say
//! `-C target-cpu=native` on an AVX-512 machine) calls it without a check.
//! Without `std`, and on other architectures, there is one build, for the
//! compilation target. Every build computes the same scalar expressions in
//! the same order (Rust does not fuse `a * b + c` into an FMA unless asked to,
//! and where [`crate::Real`] asks, `mul_add` rounds once in every build), so
//! the results do not depend on which one runs.
//!
//! Slices of different lengths are a [`Error::LengthMismatch`], checked before
//! any element is written.

use crate::dispatch::{self, Loop};
use crate::{Differentiable, Error};
use num_traits::Float;

fn check_len(name: &'static str, expected: usize, found: usize) -> Result<(), Error> {
    if expected == found {
        Ok(())
    } else {
        Err(Error::LengthMismatch {
            name,
            expected,
            found,
        })
    }
}

/// Forward: `y[i] = f(x[i])`.
///
/// # Errors
///
/// [`Error::LengthMismatch`] when `y` and `x` differ in length.
///
/// # Example
///
/// ```
/// use gaaf_core::{kernel, Differentiable, GradAccel};
///
/// let g = GradAccel::<f32>::paper();
/// let x = [0.1_f32, -2.0, 7.5];
/// let mut y = [0.0; 3];
/// kernel::forward(&g, &x, &mut y)?;
/// assert_eq!(y[2], g.value(7.5));
/// # Ok::<(), gaaf_core::Error>(())
/// ```
pub fn forward<F: Float, A: Differentiable<F>>(f: &A, x: &[F], y: &mut [F]) -> Result<(), Error> {
    check_len("y", x.len(), y.len())?;
    dispatch::run(Forward { f, x, y });
    Ok(())
}

struct Forward<'a, F, A> {
    f: &'a A,
    x: &'a [F],
    y: &'a mut [F],
}

impl<F: Float, A: Differentiable<F>> Loop for Forward<'_, F, A> {
    #[inline(always)]
    fn run(self) {
        for (y, &x) in self.y.iter_mut().zip(self.x) {
            *y = self.f.value(x);
        }
    }
}

/// Forward in place: `xy[i] = f(xy[i])`.
///
/// ```
/// use gaaf_core::{kernel, GradAccel};
///
/// let mut xy = [0.25_f64, 1.0];
/// kernel::forward_in_place(&GradAccel::paper(), &mut xy);
/// assert!(xy.iter().all(|v| v.abs() <= 0.5e-4));
/// ```
pub fn forward_in_place<F: Float, A: Differentiable<F>>(f: &A, xy: &mut [F]) {
    dispatch::run(ForwardInPlace { f, xy });
}

struct ForwardInPlace<'a, F, A> {
    f: &'a A,
    xy: &'a mut [F],
}

impl<F: Float, A: Differentiable<F>> Loop for ForwardInPlace<'_, F, A> {
    #[inline(always)]
    fn run(self) {
        for v in self.xy.iter_mut() {
            *v = self.f.value(*v);
        }
    }
}

/// Backward from the saved input: `dx[i] = dy[i] * f'(x[i])`.
///
/// # Errors
///
/// [`Error::LengthMismatch`] when `dy` or `dx` differs in length from `x`.
///
/// # Example
///
/// ```
/// use gaaf_core::{kernel, GradAccel};
///
/// let x = [0.3_f32, 4.0];
/// let dy = [2.0_f32, -1.0];
/// let mut dx = [0.0; 2];
/// kernel::backward(&GradAccel::paper(), &x, &dy, &mut dx)?;
/// assert_eq!(dx, [2.0, -1.0]); // g' = 1
/// # Ok::<(), gaaf_core::Error>(())
/// ```
pub fn backward<F: Float, A: Differentiable<F>>(
    f: &A,
    x: &[F],
    dy: &[F],
    dx: &mut [F],
) -> Result<(), Error> {
    check_len("dy", x.len(), dy.len())?;
    check_len("dx", x.len(), dx.len())?;
    dispatch::run(Backward { f, x, dy, dx });
    Ok(())
}

// Each kernel writes its loop out in an `#[inline(always)]` method: routed
// through a shared helper taking a closure, the loop was sometimes left scalar
// (about 4x slower, seen in a gaaf-bench build), depending on what the
// compiler inlined; and a loop that is not inlined into the dispatched build
// misses its wider instructions.
struct Backward<'a, F, A> {
    f: &'a A,
    x: &'a [F],
    dy: &'a [F],
    dx: &'a mut [F],
}

impl<F: Float, A: Differentiable<F>> Loop for Backward<'_, F, A> {
    #[inline(always)]
    fn run(self) {
        for ((dx, &dy), &x) in self.dx.iter_mut().zip(self.dy).zip(self.x) {
            *dx = dy * self.f.derivative(x);
        }
    }
}

/// Backward in place: `grad[i] = grad[i] * f'(x[i])`, turning `dy` into `dx`.
///
/// # Errors
///
/// [`Error::LengthMismatch`] when `grad` differs in length from `x`.
///
/// ```
/// use gaaf_core::{kernel, GradAccel};
///
/// let mut grad = [3.0_f64, 5.0];
/// kernel::backward_in_place(&GradAccel::paper(), &[0.1, 0.2], &mut grad)?;
/// assert_eq!(grad, [3.0, 5.0]);
/// # Ok::<(), gaaf_core::Error>(())
/// ```
pub fn backward_in_place<F: Float, A: Differentiable<F>>(
    f: &A,
    x: &[F],
    grad: &mut [F],
) -> Result<(), Error> {
    check_len("grad", x.len(), grad.len())?;
    dispatch::run(BackwardInPlace { f, x, grad });
    Ok(())
}

struct BackwardInPlace<'a, F, A> {
    f: &'a A,
    x: &'a [F],
    grad: &'a mut [F],
}

impl<F: Float, A: Differentiable<F>> Loop for BackwardInPlace<'_, F, A> {
    #[inline(always)]
    fn run(self) {
        for (g, &x) in self.grad.iter_mut().zip(self.x) {
            *g = *g * self.f.derivative(x);
        }
    }
}

/// Backward, accumulating: `dx[i] += dy[i] * f'(x[i])`, as autodiff frameworks
/// that sum gradients into an existing buffer need (dfdx's tape does).
///
/// # Errors
///
/// [`Error::LengthMismatch`] when `dy` or `dx` differs in length from `x`.
///
/// ```
/// use gaaf_core::{kernel, GradAccel};
///
/// let mut dx = [1.0_f32, 1.0];
/// kernel::backward_accumulate(&GradAccel::paper(), &[0.1, 0.2], &[0.5, 2.0], &mut dx)?;
/// assert_eq!(dx, [1.5, 3.0]);
/// # Ok::<(), gaaf_core::Error>(())
/// ```
pub fn backward_accumulate<F: Float, A: Differentiable<F>>(
    f: &A,
    x: &[F],
    dy: &[F],
    dx: &mut [F],
) -> Result<(), Error> {
    check_len("dy", x.len(), dy.len())?;
    check_len("dx", x.len(), dx.len())?;
    dispatch::run(BackwardAccumulate { f, x, dy, dx });
    Ok(())
}

struct BackwardAccumulate<'a, F, A> {
    f: &'a A,
    x: &'a [F],
    dy: &'a [F],
    dx: &'a mut [F],
}

impl<F: Float, A: Differentiable<F>> Loop for BackwardAccumulate<'_, F, A> {
    #[inline(always)]
    fn run(self) {
        for ((dx, &dy), &x) in self.dx.iter_mut().zip(self.dy).zip(self.x) {
            *dx = *dx + dy * self.f.derivative(x);
        }
    }
}

/// Forward that also saves the slope: `y[i] = f(x[i])` and `d[i] = f'(x[i])`
/// in one pass, for training, where the backward then needs only
/// [`backward_from_saved`] (a multiplication, no function evaluation).
///
/// For GAAF most of the derivative's work (`tanh`, the shape's exponential,
/// `g`) is shared with the value, so this costs little more than [`forward`],
/// and saving `d` in place of the input `x` takes no more memory. Each element
/// is exactly `f.value(x[i])` and `f.derivative(x[i])`.
///
/// # Errors
///
/// [`Error::LengthMismatch`] when `y` or `d` differs in length from `x`.
///
/// # Example
///
/// ```
/// use gaaf_core::{kernel, Differentiable, GradAccel};
///
/// let g = GradAccel::<f32>::paper();
/// let x = [0.1_f32, -2.0];
/// let (mut y, mut d) = ([0.0; 2], [0.0; 2]);
/// kernel::forward_saving_derivative(&g, &x, &mut y, &mut d)?;
/// assert_eq!((y[1], d[1]), (g.value(-2.0), 1.0));
/// # Ok::<(), gaaf_core::Error>(())
/// ```
pub fn forward_saving_derivative<F: Float, A: Differentiable<F>>(
    f: &A,
    x: &[F],
    y: &mut [F],
    d: &mut [F],
) -> Result<(), Error> {
    check_len("y", x.len(), y.len())?;
    check_len("d", x.len(), d.len())?;
    dispatch::run(ForwardSavingDerivative { f, x, y, d });
    Ok(())
}

struct ForwardSavingDerivative<'a, F, A> {
    f: &'a A,
    x: &'a [F],
    y: &'a mut [F],
    d: &'a mut [F],
}

impl<F: Float, A: Differentiable<F>> Loop for ForwardSavingDerivative<'_, F, A> {
    #[inline(always)]
    fn run(self) {
        for ((y, d), &x) in self.y.iter_mut().zip(self.d.iter_mut()).zip(self.x) {
            (*y, *d) = self.f.value_and_derivative(x);
        }
    }
}

/// [`forward_saving_derivative`] with the input's buffer reused for the
/// slope: reads `x` from `xd`, writes `y`, and leaves `f'(x)` in `xd`. A
/// framework that copies the input anyway (gaaf-dfdx does) saves the
/// derivative with no extra buffer.
///
/// # Errors
///
/// [`Error::LengthMismatch`] when `y` differs in length from `xd`.
///
/// ```
/// use gaaf_core::{kernel, GradAccel};
///
/// let mut xd = [0.1_f64, 0.2];
/// let mut y = [0.0; 2];
/// kernel::forward_saving_derivative_in_place(&GradAccel::paper(), &mut xd, &mut y)?;
/// assert_eq!(xd, [1.0, 1.0]); // g' = 1
/// # Ok::<(), gaaf_core::Error>(())
/// ```
pub fn forward_saving_derivative_in_place<F: Float, A: Differentiable<F>>(
    f: &A,
    xd: &mut [F],
    y: &mut [F],
) -> Result<(), Error> {
    check_len("y", xd.len(), y.len())?;
    dispatch::run(ForwardSavingDerivativeInPlace { f, xd, y });
    Ok(())
}

struct ForwardSavingDerivativeInPlace<'a, F, A> {
    f: &'a A,
    xd: &'a mut [F],
    y: &'a mut [F],
}

impl<F: Float, A: Differentiable<F>> Loop for ForwardSavingDerivativeInPlace<'_, F, A> {
    #[inline(always)]
    fn run(self) {
        for (xd, y) in self.xd.iter_mut().zip(self.y.iter_mut()) {
            (*y, *xd) = self.f.value_and_derivative(*xd);
        }
    }
}

/// Backward from a saved slope: `dx[i] = dy[i] * d[i]`, with `d` from
/// [`forward_saving_derivative`]. The same product as [`backward`] computes,
/// bit for bit, without evaluating anything.
///
/// # Errors
///
/// [`Error::LengthMismatch`] when `dy` or `dx` differs in length from `d`.
///
/// ```
/// use gaaf_core::kernel;
///
/// let mut dx = [0.0_f32; 2];
/// kernel::backward_from_saved(&[0.5, 2.0], &[3.0, -1.0], &mut dx)?;
/// assert_eq!(dx, [1.5, -2.0]);
/// # Ok::<(), gaaf_core::Error>(())
/// ```
pub fn backward_from_saved<F: Float>(d: &[F], dy: &[F], dx: &mut [F]) -> Result<(), Error> {
    check_len("dy", d.len(), dy.len())?;
    check_len("dx", d.len(), dx.len())?;
    dispatch::run(BackwardFromSaved { d, dy, dx });
    Ok(())
}

struct BackwardFromSaved<'a, F> {
    d: &'a [F],
    dy: &'a [F],
    dx: &'a mut [F],
}

impl<F: Float> Loop for BackwardFromSaved<'_, F> {
    #[inline(always)]
    fn run(self) {
        for ((dx, &dy), &d) in self.dx.iter_mut().zip(self.dy).zip(self.d) {
            *dx = dy * d;
        }
    }
}

/// Backward from a saved slope, accumulating: `dx[i] += dy[i] * d[i]`, as
/// [`backward_accumulate`] computes it.
///
/// # Errors
///
/// [`Error::LengthMismatch`] when `dy` or `dx` differs in length from `d`.
///
/// ```
/// use gaaf_core::kernel;
///
/// let mut dx = [1.0_f32; 2];
/// kernel::backward_from_saved_accumulate(&[0.5, 2.0], &[3.0, -1.0], &mut dx)?;
/// assert_eq!(dx, [2.5, -1.0]);
/// # Ok::<(), gaaf_core::Error>(())
/// ```
pub fn backward_from_saved_accumulate<F: Float>(
    d: &[F],
    dy: &[F],
    dx: &mut [F],
) -> Result<(), Error> {
    check_len("dy", d.len(), dy.len())?;
    check_len("dx", d.len(), dx.len())?;
    dispatch::run(BackwardFromSavedAccumulate { d, dy, dx });
    Ok(())
}

struct BackwardFromSavedAccumulate<'a, F> {
    d: &'a [F],
    dy: &'a [F],
    dx: &'a mut [F],
}

impl<F: Float> Loop for BackwardFromSavedAccumulate<'_, F> {
    #[inline(always)]
    fn run(self) {
        for ((dx, &dy), &d) in self.dx.iter_mut().zip(self.dy).zip(self.d) {
            *dx = *dx + dy * d;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Gaaf, GradAccel, Real};

    /// `tanh` through [`Real::fast_tanh`], the vectorisable kind of body the
    /// dispatch exists for.
    struct FastTanh;
    impl<F: Real> Differentiable<F> for FastTanh {
        #[inline]
        fn value(&self, x: F) -> F {
            x.fast_tanh()
        }
        #[inline]
        fn derivative(&self, x: F) -> F {
            let t = x.fast_tanh();
            F::one() - t * t
        }
    }

    /// `exp(-x^2)` through [`Real::fast_exp`].
    struct Bell;
    impl<F: Real> Differentiable<F> for Bell {
        #[inline]
        fn value(&self, x: F) -> F {
            (-x * x).fast_exp()
        }
        #[inline]
        fn derivative(&self, x: F) -> F {
            -(x + x) * (-x * x).fast_exp()
        }
    }

    /// Bit for bit, except that any NaN matches any NaN (Rust leaves the NaN
    /// bit pattern of arithmetic unspecified).
    fn identical(a: f32, b: f32) -> bool {
        a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan())
    }

    /// Elements per test slice: an odd length, so that the vector loops leave
    /// a remainder.
    const N: usize = 4099;

    /// Random `f32` bit patterns (an LCG's top bits): every class of float.
    fn random_f32(seed: u64) -> [f32; N] {
        let mut state = seed;
        let mut out = [0.0; N];
        for v in out.iter_mut() {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            *v = f32::from_bits((state >> 32) as u32);
        }
        out
    }

    /// The kernels, in the build the runtime dispatch picks on this CPU,
    /// against one scalar call per element.
    #[test]
    fn dispatched_kernels_match_scalar_bit_for_bit() {
        let f = Gaaf::new(FastTanh, Bell, GradAccel::paper());
        for seed in 0..64 {
            let x = random_f32(seed);
            let dy = random_f32(seed + 1000);
            let mut y = [0.0; N];
            forward(&f, &x, &mut y).unwrap();
            let mut y_in_place = x;
            forward_in_place(&f, &mut y_in_place);
            let mut dx = [0.0; N];
            backward(&f, &x, &dy, &mut dx).unwrap();
            let mut dx_in_place = dy;
            backward_in_place(&f, &x, &mut dx_in_place).unwrap();
            let mut dx_acc = dy;
            backward_accumulate(&f, &x, &dy, &mut dx_acc).unwrap();
            let (mut y_saving, mut d) = ([0.0; N], [0.0; N]);
            forward_saving_derivative(&f, &x, &mut y_saving, &mut d).unwrap();
            let (mut d_in_place, mut y_in_place_saving) = (x, [0.0; N]);
            forward_saving_derivative_in_place(&f, &mut d_in_place, &mut y_in_place_saving)
                .unwrap();
            let mut dx_saved = [0.0; N];
            backward_from_saved(&d, &dy, &mut dx_saved).unwrap();
            let mut dx_saved_acc = dy;
            backward_from_saved_accumulate(&d, &dy, &mut dx_saved_acc).unwrap();
            for i in 0..x.len() {
                let xi = core::hint::black_box(x[i]);
                let v = f.value(xi);
                let d = f.derivative(xi);
                assert!(identical(y[i], v), "forward at {xi:e}");
                assert!(identical(y_in_place[i], v), "forward_in_place at {xi:e}");
                assert!(identical(dx[i], dy[i] * d), "backward at {xi:e}");
                assert!(identical(dx_in_place[i], dy[i] * d), "backward_in_place");
                assert!(identical(dx_acc[i], dy[i] + dy[i] * d), "accumulate");
                assert!(identical(y_saving[i], v), "forward_saving_derivative");
                assert!(identical(y_in_place_saving[i], v), "saving, in place: y");
                assert!(identical(d_in_place[i], d), "saving, in place: d");
                assert!(identical(dx_saved[i], dy[i] * d), "backward_from_saved");
                assert!(
                    identical(dx_saved_acc[i], dy[i] + dy[i] * d),
                    "saved, accumulate"
                );
            }
        }
    }

    #[test]
    fn length_mismatch_writes_nothing() {
        let f = GradAccel::<f32>::paper();
        let mut y = [7.0_f32; 2];
        assert!(forward(&f, &[1.0; 3], &mut y).is_err());
        assert!(backward(&f, &[1.0; 2], &[1.0; 3], &mut y).is_err());
        assert!(backward_accumulate(&f, &[1.0; 2], &[1.0; 2], &mut y[..1]).is_err());
        let mut d = [7.0_f32; 3];
        assert!(forward_saving_derivative(&f, &[1.0; 2], &mut y, &mut d).is_err());
        assert!(forward_saving_derivative_in_place(&f, &mut d, &mut y).is_err());
        assert!(backward_from_saved(&[1.0; 2], &[1.0; 2], &mut d).is_err());
        assert!(backward_from_saved_accumulate(&[1.0; 3], &[1.0; 2], &mut d).is_err());
        assert_eq!(d, [7.0; 3]);
        assert_eq!(y, [7.0; 2]);
    }
}
