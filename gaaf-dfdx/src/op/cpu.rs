//! The fused CPU op.
//!
//! dfdx 0.13 keeps a tensor's buffer private and its kernel traits
//! crate-private, so the op uses only the public API:
//!
//! - **forward**: [`Tensor::copy_into`] copies the (contiguous) input once
//!   into a `Vec`, the only copy the public API forces (the `activation`
//!   benchmark measures it). Without a tape, `gaaf-core`'s
//!   `kernel::forward_in_place` turns that copy into the output. With a tape,
//!   `kernel::forward_saving_derivative_in_place` writes the output and
//!   overwrites the input copy with the slope `f'(x)`, in one pass that
//!   computes what value and slope share (for GAAF-tanh: `tanh`, the shape,
//!   `g`) once; both `Vec`s move into a tensor or the backward closure without
//!   further copies, so saving the slope costs no more memory than saving the
//!   input would.
//! - **backward**: [`Gradients::get_or_alloc_mut`] hands out one gradient at a
//!   time, so the output's gradient `dy` is *moved* out of its buffer
//!   (`std::mem::take` on the `Vec` behind it, no copy),
//!   `kernel::backward_from_saved_accumulate` computes `dx += dy * f'(x)`
//!   from the saved slope in one pass (a multiply-add, nothing evaluated),
//!   and `dy` is moved back.
//!
//! Both passes are `gaaf-core`'s slice kernels, so values and gradients are
//! bit-identical to the scalar `value` and `derivative`.
//!
//! [`Gradients::get_or_alloc_mut`]: dfdx::tensor::Gradients::get_or_alloc_mut

use super::GaafDevice;
use dfdx::shapes::{Dtype, HasShape, Shape};
use dfdx::tensor::{Cpu, CpuError, PutTape, SplitTape, Storage, Tape, Tensor, TensorFromVec};
use dfdx::tensor_ops::{Device, ReshapeTo};
use gaaf_core::{kernel, Differentiable, Float};
use std::ops::DerefMut;

impl<E, F> GaafDevice<E, F> for Cpu
where
    E: Dtype + Float,
    F: Differentiable<E>,
    Cpu: Device<E>,
    // dfdx's CPU buffer (`CachableVec`) is not nameable, only its `Vec`.
    <Cpu as Storage<E>>::Vec: DerefMut<Target = Vec<E>>,
{
    fn try_gaaf<Sh: Shape, T: Tape<E, Self>>(
        f: &F,
        x: Tensor<Sh, E, Self, T>,
    ) -> Result<Tensor<Sh, E, Self, T>, CpuError> {
        // Free for a contiguous tensor (same id, same buffer); a broadcast or
        // permuted one is copied by dfdx, with its own backward.
        let x = x.try_contiguous()?;
        let (x, mut tape) = x.split_tape();
        let shape = *x.shape();
        let dev = x.device().clone();
        let mut xs = vec![E::zero(); shape.num_elements()];
        x.copy_into(&mut xs);
        if !T::OWNS_TAPE {
            kernel::forward_in_place(f, &mut xs);
            return Ok(dev.try_tensor_from_vec(xs, shape)?.put_tape(tape));
        }
        let mut ys = vec![E::zero(); xs.len()];
        // `xs` becomes the slope `ds`.
        kernel::forward_saving_derivative_in_place(f, &mut xs, &mut ys)
            .map_err(|_| CpuError::WrongNumElements)?;
        let ds = xs;
        let y = dev.try_tensor_from_vec(ys, shape)?;
        let x_ghost = x.ghost();
        let y_ghost = y.ghost();
        // The input buffer itself is no longer needed: `ds` is all the
        // backward reads.
        drop(x);
        tape.add_backward_op(move |grads| {
            grads.try_alloc_for(&x_ghost)?;
            let dy: Vec<E> = std::mem::take(&mut **grads.get_or_alloc_mut(&y_ghost)?);
            let dx = grads.get_or_alloc_mut(&x_ghost)?;
            // The kernel checks the lengths (they match by construction).
            let result = kernel::backward_from_saved_accumulate(&ds, &dy, dx);
            **grads.get_or_alloc_mut(&y_ghost)? = dy;
            result.map_err(|_| CpuError::WrongNumElements)
        });
        Ok(y.put_tape(tape))
    }
}
