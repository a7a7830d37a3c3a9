//! The CPU kernels: `gaaf-core`'s slice kernels on candle's CPU storage.
//!
//! Contiguous inputs (with any start offset) are borrowed as slices; other
//! layouts (transposed, broadcast, strided) are gathered into a contiguous
//! buffer first, so that the kernel itself is always the one fused,
//! vectorising pass over slices.

use super::Twins;
use crate::module::Fns;
use crate::Error;
use candle_core::backend::BackendStorage;
use candle_core::{CpuStorage, Layout, Result};
use gaaf_core::{kernel, Differentiable};
use gaaf_shapes::Twin;
use std::borrow::Cow;

/// `phi_new(x)` for every element of `s` as laid out by `l`.
pub(super) fn forward<T: Twins>(fns: &Fns<T>, s: &CpuStorage, l: &Layout) -> Result<CpuStorage> {
    let (f32_fn, f64_fn) = (Twin::<f32>::twin(&fns.twins), Twin::<f64>::twin(&fns.twins));
    match s {
        CpuStorage::F32(data) => Ok(CpuStorage::F32(forward_slice(f32_fn, data, l)?)),
        CpuStorage::F64(data) => Ok(CpuStorage::F64(forward_slice(f64_fn, data, l)?)),
        other => Err(candle_core::Error::UnsupportedDTypeForOp(other.dtype(), "gaaf").bt()),
    }
}

/// `dy * phi_new'(x)` for `x` in `s1` (layout `l1`) and `dy` in `s2` (`l2`).
pub(super) fn backward<T: Twins>(
    fns: &Fns<T>,
    s1: &CpuStorage,
    l1: &Layout,
    s2: &CpuStorage,
    l2: &Layout,
) -> Result<CpuStorage> {
    let (f32_fn, f64_fn) = (Twin::<f32>::twin(&fns.twins), Twin::<f64>::twin(&fns.twins));
    match (s1, s2) {
        (CpuStorage::F32(x), CpuStorage::F32(dy)) => {
            Ok(CpuStorage::F32(backward_slice(f32_fn, x, l1, dy, l2)?))
        }
        (CpuStorage::F64(x), CpuStorage::F64(dy)) => {
            Ok(CpuStorage::F64(backward_slice(f64_fn, x, l1, dy, l2)?))
        }
        (x, dy) if x.dtype() != dy.dtype() => Err(candle_core::Error::DTypeMismatchBinaryOp {
            lhs: x.dtype(),
            rhs: dy.dtype(),
            op: "gaaf-backward",
        }
        .bt()),
        (x, _) => Err(candle_core::Error::UnsupportedDTypeForOp(x.dtype(), "gaaf-backward").bt()),
    }
}

fn forward_slice<F: gaaf_core::Float, A: Differentiable<F>>(
    f: &A,
    data: &[F],
    l: &Layout,
) -> Result<Vec<F>> {
    let x = elements(data, l)?;
    let mut y = vec![F::zero(); x.len()];
    kernel::forward(f, &x, &mut y).map_err(core_err)?;
    Ok(y)
}

fn backward_slice<F: gaaf_core::Float, A: Differentiable<F>>(
    f: &A,
    x: &[F],
    lx: &Layout,
    dy: &[F],
    ldy: &Layout,
) -> Result<Vec<F>> {
    let x = elements(x, lx)?;
    // `dy` usually arrives contiguous and is then turned into `dx` in place,
    // saving an allocation; otherwise the gathered copy is the output buffer.
    let mut dx = elements(dy, ldy)?.into_owned();
    kernel::backward_in_place(f, &x, &mut dx).map_err(core_err)?;
    Ok(dx)
}

/// The elements of `data` in the logical (row-major) order of `l`.
pub(crate) fn elements<'a, T: Copy>(data: &'a [T], l: &Layout) -> Result<Cow<'a, [T]>> {
    if let Some((start, end)) = l.contiguous_offsets() {
        return data
            .get(start..end)
            .map(Cow::Borrowed)
            .ok_or_else(|| out_of_bounds(end, data.len()));
    }
    // candle keeps its strided iterator crate-private: walk the index like an
    // odometer, last dimension fastest.
    let (dims, stride) = (l.dims(), l.stride());
    let mut index = vec![0usize; dims.len()];
    let mut offset = l.start_offset();
    let mut out = Vec::with_capacity(l.shape().elem_count());
    for _ in 0..l.shape().elem_count() {
        out.push(
            *data
                .get(offset)
                .ok_or_else(|| out_of_bounds(offset, data.len()))?,
        );
        for d in (0..dims.len()).rev() {
            index[d] += 1;
            offset += stride[d];
            if index[d] < dims[d] {
                break;
            }
            offset -= stride[d] * dims[d];
            index[d] = 0;
        }
    }
    Ok(Cow::Owned(out))
}

fn out_of_bounds(index: usize, len: usize) -> candle_core::Error {
    candle_core::Error::Msg(format!(
        "layout reaches element {index} of a storage of {len} elements"
    ))
    .bt()
}

fn core_err(e: gaaf_core::Error) -> candle_core::Error {
    Error::Core(e).into()
}
