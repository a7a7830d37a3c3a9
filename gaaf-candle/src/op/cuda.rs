//! The CUDA kernels: `gaaf.cu`, compiled once per process with NVRTC and
//! loaded through candle's `CudaDevice::get_or_load_custom_func`.
//!
//! Run-time compilation keeps the build free of `nvcc` and of a fixed GPU
//! architecture: the PTX is made for the driver's GPU on first use (a few
//! hundred milliseconds, once), and cached by candle per device afterwards.
//! Launching a kernel is `unsafe` in cudarc; the one `unsafe` block here
//! passes buffers whose lengths were checked against `n`.
#![allow(unsafe_code)]

use super::CudaKernel;
use candle_core::backend::BackendStorage;
use candle_core::cuda_backend::cudarc::driver::{
    CudaSlice, DeviceRepr, LaunchConfig, PushKernelArg, ValidAsZeroBits,
};
use candle_core::cuda_backend::cudarc::nvrtc::{compile_ptx_with_opts, CompileOptions};
use candle_core::cuda_backend::{CudaStorageSlice, WrapErr};
use candle_core::{CudaDevice, CudaStorage, Layout, Result};
use std::sync::OnceLock;

const SOURCE: &str = include_str!("gaaf.cu");
/// The name candle caches the loaded module under, per device.
const MODULE: &str = "gaaf_candle::gaaf";
/// Threads per block; the kernels loop over the grid, so any grid size works.
const BLOCK: u32 = 256;
/// Enough blocks to fill any current GPU several times over.
const MAX_GRID: usize = 65_535;

static PTX: OnceLock<std::result::Result<String, String>> = OnceLock::new();

fn ptx() -> Result<&'static str> {
    PTX.get_or_init(|| {
        // No fused multiply-add contraction: the CPU kernels round every
        // product and sum separately, and `x*K - floor(x*K)` in particular
        // must round `x*K` once, as gaaf-core does.
        let opts = CompileOptions {
            fmad: Some(false),
            ..Default::default()
        };
        compile_ptx_with_opts(SOURCE, opts)
            .map(|p| p.to_src())
            .map_err(|e| e.to_string())
    })
    .as_deref()
    .map_err(|e| candle_core::Error::Cuda(format!("gaaf: compiling gaaf.cu: {e}").into()))
}

/// The kernel, or the error for a [`Gaaf`](crate::Gaaf) without one.
pub(super) fn require_kernel(kernel: Option<CudaKernel>) -> Result<CudaKernel> {
    kernel.ok_or_else(|| {
        candle_core::Error::Cuda(
            "gaaf: this activation has no CUDA kernel (tanh with a Gaussian bump or the shoulder bump, and ReLU with a shifted sigmoid, whole or left of an edge, have one)".into(),
        )
    })
}

/// A float type the kernels are instantiated for.
trait KernelFloat: DeviceRepr + ValidAsZeroBits + Copy + 'static {
    const SUFFIX: &'static str;
    fn from_f64(v: f64) -> Self;
    fn storage_slice(s: &CudaStorage) -> Result<&CudaSlice<Self>>;
    fn wrap(s: CudaSlice<Self>, dev: CudaDevice) -> CudaStorage;
}

impl KernelFloat for f32 {
    const SUFFIX: &'static str = "f32";
    fn from_f64(v: f64) -> Self {
        v as f32
    }
    fn storage_slice(s: &CudaStorage) -> Result<&CudaSlice<Self>> {
        s.as_cuda_slice::<f32>()
    }
    fn wrap(s: CudaSlice<Self>, dev: CudaDevice) -> CudaStorage {
        CudaStorage::wrap_cuda_slice(s, dev)
    }
}

impl KernelFloat for f64 {
    const SUFFIX: &'static str = "f64";
    fn from_f64(v: f64) -> Self {
        v
    }
    fn storage_slice(s: &CudaStorage) -> Result<&CudaSlice<Self>> {
        s.as_cuda_slice::<f64>()
    }
    fn wrap(s: CudaSlice<Self>, dev: CudaDevice) -> CudaStorage {
        CudaStorage::wrap_cuda_slice(s, dev)
    }
}

/// Kernel family name, `K` and the three shape constants.
fn params(kernel: CudaKernel) -> (&'static str, f64, [f64; 3]) {
    match kernel {
        CudaKernel::Tanh {
            k,
            height,
            center,
            width,
        } => ("tanh", k, [height, center, width]),
        CudaKernel::Relu { k, slope, shift } => ("relu", k, [slope, shift, 0.0]),
        CudaKernel::TanhShoulder { k, height, width } => ("tanh_shoulder", k, [height, width, 0.0]),
        CudaKernel::ReluSaturation {
            k,
            slope,
            shift,
            edge,
        } => ("relu_saturation", k, [slope, shift, edge]),
    }
}

fn launch_config(n: usize) -> LaunchConfig {
    // Bounded by MAX_GRID, so the cast cannot truncate.
    let blocks = n.div_ceil(BLOCK as usize).clamp(1, MAX_GRID) as u32;
    LaunchConfig {
        grid_dim: (blocks, 1, 1),
        block_dim: (BLOCK, 1, 1),
        shared_mem_bytes: 0,
    }
}

fn offsets(l: &Layout) -> Result<(usize, usize)> {
    l.contiguous_offsets()
        .ok_or_else(|| candle_core::Error::RequiresContiguous { op: "gaaf" }.bt())
}

/// `y = phi_new(x)` on the GPU.
pub(super) fn forward(kernel: CudaKernel, s: &CudaStorage, l: &Layout) -> Result<CudaStorage> {
    match &s.slice {
        CudaStorageSlice::F32(_) => forward_typed::<f32>(kernel, s, l),
        CudaStorageSlice::F64(_) => forward_typed::<f64>(kernel, s, l),
        _ => Err(candle_core::Error::UnsupportedDTypeForOp(s.dtype(), "gaaf").bt()),
    }
}

/// `dx = dy * phi_new'(x)` on the GPU.
pub(super) fn backward(
    kernel: CudaKernel,
    x: &CudaStorage,
    lx: &Layout,
    dy: &CudaStorage,
    ldy: &Layout,
) -> Result<CudaStorage> {
    if x.dtype() != dy.dtype() {
        return Err(candle_core::Error::DTypeMismatchBinaryOp {
            lhs: x.dtype(),
            rhs: dy.dtype(),
            op: "gaaf-backward",
        }
        .bt());
    }
    match &x.slice {
        CudaStorageSlice::F32(_) => backward_typed::<f32>(kernel, x, lx, dy, ldy),
        CudaStorageSlice::F64(_) => backward_typed::<f64>(kernel, x, lx, dy, ldy),
        _ => Err(candle_core::Error::UnsupportedDTypeForOp(x.dtype(), "gaaf-backward").bt()),
    }
}

fn forward_typed<T: KernelFloat>(
    kernel: CudaKernel,
    s: &CudaStorage,
    l: &Layout,
) -> Result<CudaStorage> {
    let dev = &s.device;
    let (start, end) = offsets(l)?;
    let x = T::storage_slice(s)?.slice(start..end);
    let n = end - start;
    let mut y = dev.alloc_zeros::<T>(n)?;
    if n > 0 {
        let (family, k, p) = params(kernel);
        let name = format!("gaaf_{family}_fwd_{}", T::SUFFIX);
        let func = dev.get_or_load_custom_func(&name, MODULE, ptx()?)?;
        let (n64, k) = (n as u64, T::from_f64(k));
        let [p0, p1, p2] = p.map(T::from_f64);
        let mut b = func.builder();
        b.arg(&x).arg(&mut y).arg(&n64).arg(&k);
        b.arg(&p0).arg(&p1).arg(&p2);
        // SAFETY: the signature in gaaf.cu is (const T*, T*, u64, T, T, T, T);
        // `x` and `y` both hold `n` elements and the kernel reads and writes
        // indices below `n` only.
        unsafe { b.launch(launch_config(n)) }.w()?;
    }
    Ok(T::wrap(y, dev.clone()))
}

fn backward_typed<T: KernelFloat>(
    kernel: CudaKernel,
    xs: &CudaStorage,
    lx: &Layout,
    dys: &CudaStorage,
    ldy: &Layout,
) -> Result<CudaStorage> {
    let dev = &xs.device;
    let (xa, xb) = offsets(lx)?;
    let (da, db) = offsets(ldy)?;
    let x = T::storage_slice(xs)?.slice(xa..xb);
    let dy = T::storage_slice(dys)?.slice(da..db);
    let n = xb - xa;
    if db - da != n {
        return Err(candle_core::Error::Msg(format!(
            "gaaf-backward: {n} inputs but {} gradients",
            db - da
        ))
        .bt());
    }
    let mut dx = dev.alloc_zeros::<T>(n)?;
    if n > 0 {
        let (family, k, p) = params(kernel);
        let name = format!("gaaf_{family}_bwd_{}", T::SUFFIX);
        let func = dev.get_or_load_custom_func(&name, MODULE, ptx()?)?;
        let (n64, k) = (n as u64, T::from_f64(k));
        let [p0, p1, p2] = p.map(T::from_f64);
        let mut b = func.builder();
        b.arg(&x).arg(&dy).arg(&mut dx).arg(&n64).arg(&k);
        b.arg(&p0).arg(&p1).arg(&p2);
        // SAFETY: the signature in gaaf.cu is (const T*, const T*, T*, u64,
        // T, T, T, T); `x`, `dy` and `dx` all hold `n` elements and the
        // kernel touches indices below `n` only.
        unsafe { b.launch(launch_config(n)) }.w()?;
    }
    Ok(T::wrap(dx, dev.clone()))
}
