//! Slice kernels: any [`Differentiable`] function applied element-wise, forward
//! and backward, out of place and in place.
//!
//! Every kernel is one pass over its slices with no temporary buffer, generic
//! over the function so that it monomorphises; for the activations and shapes
//! of `gaaf-shapes` the loop body inlines and the compiler vectorises it where
//! the float operations allow. Each output element is computed by exactly the
//! scalar call `f.value(x[i])` (or `dy[i] * f.derivative(x[i])`), so the kernels
//! agree with the scalar functions bit for bit.
//!
//! Slices of different lengths are a [`Error::LengthMismatch`], checked before
//! any element is written.

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
    for (y, &x) in y.iter_mut().zip(x) {
        *y = f.value(x);
    }
    Ok(())
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
    for v in xy.iter_mut() {
        *v = f.value(*v);
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
    // Each kernel writes its loop out: routed through a shared helper taking
    // a closure, the loop was sometimes left scalar (about 4x slower, seen in
    // a gaaf-bench build), depending on what the compiler inlined.
    for ((dx, &dy), &x) in dx.iter_mut().zip(dy).zip(x) {
        *dx = dy * f.derivative(x);
    }
    Ok(())
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
    for (g, &x) in grad.iter_mut().zip(x) {
        *g = *g * f.derivative(x);
    }
    Ok(())
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
    for ((dx, &dy), &x) in dx.iter_mut().zip(dy).zip(x) {
        *dx = *dx + dy * f.derivative(x);
    }
    Ok(())
}
