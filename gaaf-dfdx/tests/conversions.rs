//! A module's `K` and shape survive every conversion dfdx 0.13 offers, and
//! one module type serves `f32` and `f64` tensors.

use dfdx::optim::{Sgd, SgdConfig};
use dfdx::prelude::*;
use gaaf_dfdx::{Gaaf, GaafRelu, GaafReluPaper, GaafTanh};
use gaaf_shapes::{
    Constant, Differentiable, GaussianBump, GradAccel, LeftOf, ShiftedSigmoid, Sigmoid,
};

type Mlp = (
    (Linear<3, 4>, GaafTanh),
    (Linear<4, 4>, GaafReluPaper),
    (Linear<4, 4>, GaafRelu),
    (Linear<4, 2>, Gaaf<Sigmoid, Constant<f64>>),
);

fn custom_tanh() -> GaafTanh {
    GaafTanh::new(
        gaaf_shapes::Tanh,
        GaussianBump::new(0.5, 0.25, 2.0).unwrap(),
        GradAccel::new(123.0).unwrap(),
    )
    .unwrap()
}

fn custom_relu_paper() -> GaafReluPaper {
    GaafReluPaper::default()
        .with_k(77.0)
        .unwrap()
        .with_shape(ShiftedSigmoid::new(3.0, 1.5).unwrap())
        .unwrap()
}

fn custom_relu() -> GaafRelu {
    let shape = LeftOf::new(ShiftedSigmoid::new(4.0, 0.25).unwrap(), -0.5).unwrap();
    GaafRelu::default()
        .with_k(55.0)
        .unwrap()
        .with_shape(shape)
        .unwrap()
}

fn custom_sigmoid() -> Gaaf<Sigmoid, Constant<f64>> {
    Gaaf::new(
        Sigmoid,
        Constant::new(0.3).unwrap(),
        GradAccel::new(9.0).unwrap(),
    )
    .unwrap()
}

/// `Mlp` as built, on any dtype and device.
type Built<E, D> = (
    (modules::Linear<3, 4, E, D>, GaafTanh),
    (modules::Linear<4, 4, E, D>, GaafReluPaper),
    (modules::Linear<4, 4, E, D>, GaafRelu),
    (modules::Linear<4, 2, E, D>, Gaaf<Sigmoid, Constant<f64>>),
);

/// Asserts that each GAAF layer of `m` carries the custom values.
fn assert_custom<E: Dtype, D: Device<E>>(m: &Built<E, D>, after: &str) {
    assert_eq!(m.0 .1, custom_tanh(), "{after}");
    assert_eq!(m.1 .1, custom_relu_paper(), "{after}");
    assert_eq!(m.2 .1, custom_relu(), "{after}");
    assert_eq!(m.3 .1, custom_sigmoid(), "{after}");
    assert_eq!(m.0 .1.k(), 123.0, "{after}");
    assert_eq!(m.1 .1.shape().shift(), 1.5, "{after}");
    assert_eq!(m.2 .1.shape().edge(), -0.5, "{after}");
}

#[test]
fn k_and_shape_survive_every_conversion() {
    let dev = Cpu::seed_from_u64(2);
    let mut model = dev.build_module::<Mlp, f32>();
    // Built from the type alone: the defaults.
    assert_eq!(model.0 .1, GaafTanh::default());
    assert_eq!(model.2 .1, GaafRelu::default());
    model.0 .1 = custom_tanh();
    model.1 .1 = custom_relu_paper();
    model.2 .1 = custom_relu();
    model.3 .1 = custom_sigmoid();

    assert_custom(&model.clone(), "clone");
    assert_custom(&model.to_device(&dev), "to_device");
    let model64 = model.to_dtype::<f64>();
    assert_custom(&model64, "to_dtype::<f64>");
    assert_custom(&model64.to_dtype::<f32>(), "to_dtype::<f32>");

    model.reset_params();
    assert_custom(&model, "reset_params");

    let mut grads = model.alloc_grads();
    let mut opt = Sgd::new(&model, SgdConfig::default());
    let x: Tensor<Rank2<5, 3>, f32, _> = dev.sample_normal();
    let loss = model.forward_mut(x.trace(grads)).square().mean();
    grads = loss.backward();
    opt.update(&mut model, &grads).expect("all parameters used");
    model.zero_grads(&mut grads);
    assert_custom(&model, "an optimiser step");
    assert!(model.num_trainable_params() > 0);
}

#[test]
fn one_module_type_serves_f32_and_f64_with_the_same_function() {
    let dev = Cpu::default();
    let m = custom_tanh();
    let x32 = dev.tensor([-3.0_f32, 0.5, 2.25]);
    let x64 = dev.tensor([-3.0_f64, 0.5, 2.25]);
    let grads32 = m.forward(x32.leaky_trace()).sum().backward();
    let grads64 = m.forward(x64.leaky_trace()).sum().backward();
    let (g32, g64) = (grads32.get(&x32).array(), grads64.get(&x64).array());
    for (i, x) in [-3.0, 0.5, 2.25].into_iter().enumerate() {
        assert_eq!(g32[i], m.function::<f32>().derivative(x as f32));
        assert_eq!(g64[i], m.function::<f64>().derivative(x));
        assert!((f64::from(g32[i]) - g64[i]).abs() < 1e-5, "x = {x}");
    }
    assert_eq!(m.function::<f32>().accel().k(), 123.0);
    assert_eq!(m.function::<f32>().shape().center(), 0.25);
}
