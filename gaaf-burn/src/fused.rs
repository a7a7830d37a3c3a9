//! GAAF as one fused op each way on burn's ndarray backend: `gaaf-core`'s
//! slice kernels on ndarray's buffers, routed with burn's backend-extension
//! API, with a hand-written backward under autodiff.
//!
//! burn 0.22 lets an outside crate add an op as an extension trait
//! ([`GaafBackend`]) implemented per backend; `#[backend_extension]` writes
//! the routing from burn's runtime `Dispatch` backend, and the backward under
//! `Autodiff` is ours (burn-autodiff's `Backward` trait). An outside crate
//! cannot replace burn's own kernels, and an extension called on a backend
//! it does not list panics, so [`crate::Gaaf::forward`] calls this only on
//! ndarray devices and composes GAAF from burn's ops elsewhere.
//!
//! burn 0.22 marks burn-ndarray deprecated in favour of burn-flex, whose
//! tensors also give slice access: the same extension would serve it; not
//! done yet.
// burn-ndarray's types carry burn 0.22's deprecation notice (see above).
#![allow(deprecated)]

use burn::backend::autodiff::checkpoint::base::Checkpointer;
use burn::backend::autodiff::checkpoint::strategy::CheckpointStrategy;
use burn::backend::autodiff::grads::Gradients;
use burn::backend::autodiff::ops::{Backward, Ops, OpsKind};
use burn::backend::ndarray::{NdArrayTensor, SharedArray};
use burn::backend::tensor::FloatTensor;
use burn::backend::TensorMetadata;
use burn::backend::{backend_extension, Autodiff, DispatchDevice, NdArray};
use burn::tensor::{DType, Device, Tensor};
use gaaf_core::{kernel, Float};
use gaaf_shapes::{GaafTwins, Recast, Twin};
use std::fmt;
use std::sync::Arc;

/// The slice kernels of one GAAF function, for both float types: what the
/// fused op carries through burn's dispatch to the backend.
pub(crate) trait SliceKernels: Send + Sync {
    /// `y = phi_new(x)`.
    fn forward_f32(&self, x: &[f32], y: &mut [f32]);
    /// `y = phi_new(x)`.
    fn forward_f64(&self, x: &[f64], y: &mut [f64]);
    /// `dx = dy * phi_new'(x)`, `dy` overwritten with `dx`.
    fn backward_f32(&self, x: &[f32], dy: &mut [f32]);
    /// `dx = dy * phi_new'(x)`, `dy` overwritten with `dx`.
    fn backward_f64(&self, x: &[f64], dy: &mut [f64]);
}

// The slices come in pairs of equal length (the kernels' only error), made so
// below: a mismatch is a bug here, not bad input.
const SAME_LENGTH: &str = "gaaf-burn passes slices of equal length";

impl<P, S> SliceKernels for GaafTwins<P, S>
where
    P: Recast<f32>,
    S: Recast<f32>,
    GaafTwins<P, S>: Twin<f32> + Twin<f64> + Send + Sync,
{
    fn forward_f32(&self, x: &[f32], y: &mut [f32]) {
        kernel::forward(Twin::<f32>::twin(self), x, y).expect(SAME_LENGTH);
    }
    fn forward_f64(&self, x: &[f64], y: &mut [f64]) {
        kernel::forward(Twin::<f64>::twin(self), x, y).expect(SAME_LENGTH);
    }
    fn backward_f32(&self, x: &[f32], dy: &mut [f32]) {
        kernel::backward_in_place(Twin::<f32>::twin(self), x, dy).expect(SAME_LENGTH);
    }
    fn backward_f64(&self, x: &[f64], dy: &mut [f64]) {
        kernel::backward_in_place(Twin::<f64>::twin(self), x, dy).expect(SAME_LENGTH);
    }
}

/// A GAAF function as the fused op's argument: the module's kernels behind
/// an `Arc`, cheap to clone into the backward's state.
#[derive(Clone)]
pub struct FusedFn(pub(crate) Arc<dyn SliceKernels>);

impl fmt::Debug for FusedFn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("FusedFn")
    }
}

/// GAAF as a burn backend extension: one fused pass forward and one
/// backward, on the backends that implement it (ndarray, plain and under
/// autodiff).
#[backend_extension(NdArray, Autodiff)]
pub trait GaafBackend: burn::backend::Backend {
    /// `phi(x) + g(x) * s(x)` for every element of `x`, of dtype `f32` or
    /// `f64`.
    fn gaaf_fused(x: FloatTensor<Self>, f: FusedFn) -> FloatTensor<Self>;
}

impl GaafBackend for NdArray {
    fn gaaf_fused(x: FloatTensor<Self>, f: FusedFn) -> FloatTensor<Self> {
        forward(&f, x)
    }
}

impl<C: CheckpointStrategy> GaafBackend for Autodiff<NdArray, C> {
    fn gaaf_fused(x: FloatTensor<Self>, f: FusedFn) -> FloatTensor<Self> {
        match GaafBackward
            .prepare::<C>([x.node()])
            .compute_bound()
            .stateful()
        {
            OpsKind::Tracked(prep) => {
                let input = x.primitive().clone();
                let output = forward(&f, input.clone());
                prep.finish((input, f), output)
            }
            OpsKind::UnTracked(prep) => prep.finish(forward(&f, x.into_primitive())),
        }
    }
}

/// The backward of the fused op: `dx = dy * phi_new'(x)` from the saved
/// input, one pass.
#[derive(Debug)]
struct GaafBackward;

impl Backward<NdArray, 1> for GaafBackward {
    type State = (NdArrayTensor, FusedFn);

    fn backward(
        self,
        ops: Ops<Self::State, 1>,
        grads: &mut Gradients,
        _checkpointer: &mut Checkpointer,
    ) {
        let [parent] = ops.parents;
        let dy = grads.consume::<NdArray>(&ops.node);
        if let Some(parent) = parent {
            let (x, f) = ops.state;
            grads.register::<NdArray>(parent.id, backward(&f, x, dy));
        }
    }
}

/// Whether [`GaafBackend::gaaf_fused`] runs for tensors on `device` with
/// dtype `dtype`: ndarray devices, with or without autodiff, `f32` and `f64`.
pub(crate) fn runs_on(device: &Device, dtype: DType) -> bool {
    let plain = device.clone().without_autodiff();
    matches!(plain.as_dispatch(), DispatchDevice::NdArray(_))
        && matches!(dtype, DType::F32 | DType::F64)
}

/// The fused op on a burn tensor of an ndarray device: see [`runs_on`].
pub(crate) fn gaaf_fused<const D: usize>(x: Tensor<D>, f: &FusedFn) -> Tensor<D> {
    use burn::backend::Dispatch;
    Tensor::from_dispatch(<Dispatch as GaafBackend>::gaaf_fused(
        x.into_dispatch(),
        f.clone(),
    ))
}

fn forward(f: &FusedFn, x: NdArrayTensor) -> NdArrayTensor {
    match x {
        NdArrayTensor::F32(x) => map(&x.into_shared(), |x, y| f.0.forward_f32(x, y)).into(),
        NdArrayTensor::F64(x) => map(&x.into_shared(), |x, y| f.0.forward_f64(x, y)).into(),
        other => unsupported(other.dtype()),
    }
}

fn backward(f: &FusedFn, x: NdArrayTensor, dy: NdArrayTensor) -> NdArrayTensor {
    match (x, dy) {
        (NdArrayTensor::F32(x), NdArrayTensor::F32(dy)) => {
            zip_into(&x.into_shared(), dy.into_shared(), |x, d| {
                f.0.backward_f32(x, d)
            })
            .into()
        }
        (NdArrayTensor::F64(x), NdArrayTensor::F64(dy)) => {
            zip_into(&x.into_shared(), dy.into_shared(), |x, d| {
                f.0.backward_f64(x, d)
            })
            .into()
        }
        (x, _) => unsupported(x.dtype()),
    }
}

/// `runs_on` admits only `f32` and `f64` tensors, and burn's gradients have
/// their input's dtype.
fn unsupported(dtype: DType) -> ! {
    unreachable!("gaaf-burn routes only f32 and f64 tensors to the fused op, got {dtype:?}")
}

/// `kernel(x, y)` into a new array shaped like `x`: one pass over `x`'s
/// memory when it is contiguous (in any order), else over a standard-layout
/// copy.
fn map<E: Float + Default>(
    x: &SharedArray<E>,
    kernel: impl FnOnce(&[E], &mut [E]),
) -> SharedArray<E> {
    let x = x.as_standard_layout();
    let src = x.as_slice().expect("a standard-layout array is one slice");
    let mut out = vec![E::default(); src.len()];
    kernel(src, &mut out);
    SharedArray::from_shape_vec(x.raw_dim(), out).expect("the shape of `x` holds its elements")
}

/// `kernel(x, dy)` with `dy` turned into `dx` in place where burn handed
/// over the only reference to it (the usual case), else in a copy.
fn zip_into<E: Float + Default>(
    x: &SharedArray<E>,
    dy: SharedArray<E>,
    kernel: impl FnOnce(&[E], &mut [E]),
) -> SharedArray<E> {
    let x = x.as_standard_layout();
    let src = x.as_slice().expect("a standard-layout array is one slice");
    let mut dx = if dy.is_standard_layout() {
        dy.into_owned()
    } else {
        dy.as_standard_layout().into_owned()
    };
    kernel(
        src,
        dx.as_slice_mut()
            .expect("a standard-layout array is one slice"),
    );
    dx.into_shared()
}
