//! The plain activations (`FastTanh`, `FastSigmoid`, `FastRelu`): values and
//! gradients bit-identical to `gaaf-shapes`' scalar functions in `f32` and
//! `f64`, and within rounding of candle's own ops.

use candle_core::{DType, Device, Module, Tensor, Var};
use gaaf_candle::{FastRelu, FastSigmoid, FastTanh};
use gaaf_shapes::Differentiable;

/// Inputs through the linear part, the saturation and the edges.
fn inputs() -> Vec<f64> {
    let mut xs: Vec<f64> = (-4000..=4000).map(|i| f64::from(i) * 0.0025).collect();
    xs.extend([
        0.0, -0.0, 1e-30, -1e-30, 20.0, -20.0, 90.0, -90.0, 1e4, -1e4,
    ]);
    xs
}

/// Values and gradients (of `sum(m(x))`) at `xs`, in `dtype`, as `f64`.
fn value_and_grad(
    m: &dyn Module,
    xs: &[f64],
    dtype: DType,
) -> candle_core::Result<(Vec<f64>, Vec<f64>)> {
    let x = Var::from_tensor(&Tensor::new(xs, &Device::Cpu)?.to_dtype(dtype)?)?;
    let y = m.forward(x.as_tensor())?;
    let grads = y.sum_all()?.backward()?;
    let dx = grads.get(x.as_tensor()).expect("x has a gradient");
    let f64s = |t: &Tensor| t.to_dtype(DType::F64)?.to_vec1::<f64>();
    Ok((f64s(&y)?, f64s(dx)?))
}

fn assert_bit_identical<F>(m: &dyn Module, f: F) -> candle_core::Result<()>
where
    F: Differentiable<f32> + Differentiable<f64>,
{
    let xs = inputs();
    let (y, g) = value_and_grad(m, &xs, DType::F64)?;
    for ((&x, y), g) in xs.iter().zip(y).zip(g) {
        assert_eq!(y.to_bits(), f.value(x).to_bits(), "f64 value at {x}");
        assert_eq!(g.to_bits(), f.derivative(x).to_bits(), "f64 slope at {x}");
    }
    let (y, g) = value_and_grad(m, &xs, DType::F32)?;
    for ((&x, y), g) in xs.iter().zip(y).zip(g) {
        let x = x as f32;
        assert_eq!(
            (y as f32).to_bits(),
            f.value(x).to_bits(),
            "f32 value at {x}"
        );
        assert_eq!(
            (g as f32).to_bits(),
            f.derivative(x).to_bits(),
            "f32 slope at {x}"
        );
    }
    Ok(())
}

#[test]
fn values_and_gradients_are_the_scalar_functions_bit_for_bit() -> candle_core::Result<()> {
    assert_bit_identical(&FastTanh::default(), gaaf_shapes::Tanh)?;
    assert_bit_identical(&FastSigmoid::default(), gaaf_shapes::Sigmoid)?;
    assert_bit_identical(&FastRelu::default(), gaaf_shapes::Relu)
}

#[test]
fn agree_with_candle_own_ops_within_rounding() -> candle_core::Result<()> {
    let xs = inputs();
    let x = Tensor::new(xs.as_slice(), &Device::Cpu)?.to_dtype(DType::F32)?;
    let gap = |a: Tensor, b: Tensor| -> candle_core::Result<f32> {
        (a - b)?.abs()?.max_all()?.to_scalar::<f32>()
    };
    let tanh = gap(FastTanh::default().forward(&x)?, x.tanh()?)?;
    let sigmoid = gap(
        FastSigmoid::default().forward(&x)?,
        candle_nn::ops::sigmoid(&x)?,
    )?;
    let relu = gap(FastRelu::default().forward(&x)?, x.relu()?)?;
    assert!(tanh <= 5e-7, "tanh: {tanh}");
    assert!(sigmoid <= 5e-7, "sigmoid: {sigmoid}");
    assert_eq!(relu, 0.0);
    Ok(())
}
