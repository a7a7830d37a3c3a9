//! The GAAF op and the convolution layer on candle's CUDA device against the
//! CPU, values and gradients on the same inputs, `f32` and `f64`.
//!
//! Runs on a GPU machine only (the crate docs give the toolkit set-up):
//! `LD_LIBRARY_PATH=$CUDA_ROOT/lib64 cargo test -p gaaf-candle --features cuda
//! --test cuda -- --ignored --nocapture`. Without `--ignored` it is skipped;
//! with it but without a CUDA device it prints a message and passes.
#![cfg(feature = "cuda")]

use candle_core::{DType, Device, Module, Tensor, Var};
use candle_nn::{Conv2dConfig, VarBuilder, VarMap};
use gaaf_candle::{Gaaf, GaafRelu, GaafReluPaper, GaafTanh, GaafTanhShoulder};

fn cuda() -> Option<Device> {
    match std::panic::catch_unwind(|| Device::new_cuda(0)) {
        Ok(Ok(dev)) => Some(dev),
        Ok(Err(e)) => {
            eprintln!("skipped: no CUDA device ({e})");
            None
        }
        Err(_) => {
            eprintln!("skipped: no CUDA device (panic while opening it)");
            None
        }
    }
}

fn max_abs_diff(a: &Tensor, b: &Tensor) -> candle_core::Result<f64> {
    let d = (a.to_device(&Device::Cpu)?.to_dtype(DType::F64)?
        - b.to_device(&Device::Cpu)?.to_dtype(DType::F64)?)?;
    d.abs()?.max_all()?.to_scalar::<f64>()
}

/// `(y, dx)` for `sum(w * act(x))` on `x`'s device.
fn value_and_grad<M: Module>(
    act: &M,
    x: &Tensor,
    w: &Tensor,
) -> candle_core::Result<(Tensor, Tensor)> {
    let x = Var::from_tensor(x)?;
    let y = act.forward(x.as_tensor())?;
    let grads = (&y * w)?.sum_all()?.backward()?;
    let dx = grads.get(x.as_tensor()).cloned();
    Ok((
        y,
        dx.ok_or_else(|| candle_core::Error::Msg("no gradient".into()))?,
    ))
}

fn compare<M: Module>(act: &M, name: &str, gpu: &Device) -> candle_core::Result<()> {
    let cpu = Device::Cpu;
    for (dtype, tol) in [(DType::F32, 1e-5), (DType::F64, 1e-12)] {
        // Spread through the saturation areas: |x| up to about 16; a
        // transposed view exercises the made-contiguous path.
        let x = (Tensor::randn(0f64, 4.0, (256, 512), &cpu)?).to_dtype(dtype)?;
        let w = Tensor::randn(0f64, 1.0, (512, 256), &cpu)?.to_dtype(dtype)?;
        let xt = x.t()?;
        let (y, dx) = value_and_grad(act, &xt, &w)?;
        let (yg, dxg) = value_and_grad(act, &xt.to_device(gpu)?, &w.to_device(gpu)?)?;
        let (dy, dg) = (max_abs_diff(&y, &yg)?, max_abs_diff(&dx, &dxg)?);
        eprintln!(
            "{name} {dtype:?}: max |y_cuda - y_cpu| = {dy:e}, max |dx_cuda - dx_cpu| = {dg:e}"
        );
        assert!(dy < tol, "{name} {dtype:?} values");
        assert!(dg < tol, "{name} {dtype:?} gradients");
    }
    Ok(())
}

#[test]
#[ignore = "needs an NVIDIA GPU"]
fn gaaf_on_cuda_matches_cpu() -> candle_core::Result<()> {
    let Some(gpu) = cuda() else { return Ok(()) };
    compare(&GaafTanh::default(), "GAAF-tanh", &gpu)?;
    compare(&GaafReluPaper::default(), "GAAF-ReLU, paper's shape", &gpu)?;
    compare(&GaafTanh::default().with_k(100.0)?, "GAAF-tanh K=100", &gpu)?;
    compare(
        &GaafTanhShoulder::default(),
        "GAAF-tanh, shoulder shape",
        &gpu,
    )?;
    compare(&GaafRelu::default(), "GAAF-ReLU, saturation-only", &gpu)?;
    // Without a CUDA kernel the op is an error, not a panic.
    let custom = Gaaf::new(
        gaaf_shapes::Tanh,
        gaaf_shapes::Constant::<f64>::one(),
        gaaf_shapes::GradAccel::paper(),
    )?;
    assert!(custom
        .forward(&Tensor::zeros(4, DType::F32, &gpu)?)
        .is_err());
    Ok(())
}

#[test]
#[ignore = "needs an NVIDIA GPU"]
fn conv_layer_on_cuda_matches_cpu_im2col() -> Result<(), Box<dyn std::error::Error>> {
    let Some(gpu) = cuda() else { return Ok(()) };
    let vars = VarMap::new();
    let vb = VarBuilder::from_varmap(&vars, DType::F32, &Device::Cpu);
    let cfg = Conv2dConfig {
        padding: 1,
        stride: 2,
        ..Default::default()
    };
    let conv = gaaf_candle::conv::conv2d(8, 16, 3, cfg, vb)?;
    let on_gpu = gaaf_candle::conv::Conv2d::new(
        conv.weight().to_device(&gpu)?,
        conv.bias().map(|b| b.to_device(&gpu)).transpose()?,
        cfg,
    )?;
    let x = Tensor::randn(0f32, 1.0, (4, 8, 16, 16), &Device::Cpu)?;
    let d = max_abs_diff(&conv.forward(&x)?, &on_gpu.forward(&x.to_device(&gpu)?)?)?;
    eprintln!("conv2d: max |y_cuda - y_cpu| = {d:e}");
    assert!(d < 1e-4);
    Ok(())
}
