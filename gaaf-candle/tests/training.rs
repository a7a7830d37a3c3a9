//! A tiny candle-nn model with GAAF trains: SGD lowers its loss.
//!
//! candle's CPU device cannot be seeded, so the data and the initial weights
//! are deterministic functions of the index instead, and the test repeats
//! exactly.

use candle_core::{DType, Device, Module, Tensor, Var};
use candle_nn::{loss, Linear, Optimizer, SGD};
use gaaf_candle::{GaafRelu, GaafReluPaper, GaafTanh};

/// `(rows, cols)` values spread like a uniform draw, scaled by `scale`.
fn pseudo_random(rows: usize, cols: usize, seed: f64, scale: f64) -> candle_core::Result<Tensor> {
    let v: Vec<f32> = (0..rows * cols)
        .map(|i| ((i as f64 * 12.9898 + seed).sin() * 43_758.545).fract() * scale)
        .map(|v| v as f32)
        .collect();
    Tensor::from_vec(v, (rows, cols), &Device::Cpu)
}

/// A linear layer with deterministic weights, and its variables.
fn linear(inp: usize, out: usize, seed: f64, vars: &mut Vec<Var>) -> candle_core::Result<Linear> {
    let w = Var::from_tensor(&pseudo_random(out, inp, seed, 2.0 / (inp as f64).sqrt())?)?;
    let b = Var::from_tensor(&Tensor::zeros(out, DType::F32, &Device::Cpu)?)?;
    let layer = Linear::new(w.as_tensor().clone(), Some(b.as_tensor().clone()));
    vars.extend([w, b]);
    Ok(layer)
}

fn train<A: Module + Clone + 'static>(act: A) -> candle_core::Result<(f32, f32)> {
    let mut vars = Vec::new();
    let model = candle_nn::seq()
        .add(linear(6, 32, 1.0, &mut vars)?)
        .add(act.clone())
        .add(linear(32, 32, 2.0, &mut vars)?)
        .add(act)
        .add(linear(32, 1, 3.0, &mut vars)?);
    let x = pseudo_random(128, 6, 4.0, 2.0)?;
    let y = (x.sin()?.sum_keepdim(1)? + x.sqr()?.mean_keepdim(1)?)?;
    let mut opt = SGD::new(vars, 0.02)?;
    let first = loss::mse(&model.forward(&x)?, &y)?.to_scalar::<f32>()?;
    for _ in 0..200 {
        let l = loss::mse(&model.forward(&x)?, &y)?;
        opt.backward_step(&l)?;
    }
    let last = loss::mse(&model.forward(&x)?, &y)?.to_scalar::<f32>()?;
    Ok((first, last))
}

#[test]
fn linear_gaaf_relu_model_trains_with_sgd() -> candle_core::Result<()> {
    let (first, last) = train(GaafRelu::default())?;
    eprintln!("GAAF-ReLU: loss {first} -> {last}");
    assert!(
        last.is_finite() && last < 0.3 * first,
        "loss {first} -> {last}"
    );
    Ok(())
}

#[test]
fn linear_gaaf_relu_paper_model_trains_with_sgd() -> candle_core::Result<()> {
    let (first, last) = train(GaafReluPaper::default())?;
    eprintln!("GAAF-ReLU, paper's shape: loss {first} -> {last}");
    assert!(
        last.is_finite() && last < 0.3 * first,
        "loss {first} -> {last}"
    );
    Ok(())
}

#[test]
fn linear_gaaf_tanh_model_trains_with_sgd() -> candle_core::Result<()> {
    let (first, last) = train(GaafTanh::default())?;
    eprintln!("GAAF-tanh: loss {first} -> {last}");
    assert!(
        last.is_finite() && last < 0.3 * first,
        "loss {first} -> {last}"
    );
    Ok(())
}
