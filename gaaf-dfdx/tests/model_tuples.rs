//! GAAF modules inside model tuples with dfdx's Dropout and BatchNorm1D, built
//! with dfdx's builder types, trained with `forward_mut`.

use dfdx::optim::{Sgd, SgdConfig};
use dfdx::prelude::*;
use gaaf_dfdx::{Gaaf, GaafRelu, GaafReluPaper, GaafTanh};
use gaaf_shapes::{Constant, Sigmoid};

type Model = (
    (Linear<6, 16>, BatchNorm1D<16>, GaafTanh, DropoutOneIn<4>),
    (Linear<16, 16>, BatchNorm1D<16>, GaafRelu, Dropout),
    (Linear<16, 16>, Gaaf<Sigmoid, Constant<f64>>),
    Linear<16, 3>,
);

#[test]
fn trains_inside_tuples_with_dropout_and_batchnorm() {
    let dev = Cpu::seed_from_u64(11);
    let mut model = dev.build_module::<Model, f32>();
    let mut grads = model.alloc_grads();
    let mut opt = Sgd::new(
        &model,
        SgdConfig {
            lr: 1e-2,
            ..Default::default()
        },
    );
    let x: Tensor<Rank2<32, 6>, f32, _> = dev.sample_normal();
    let target: Tensor<Rank2<32, 3>, f32, _> = dev.sample_normal();
    for _ in 0..3 {
        let y = model.forward_mut(x.trace(grads));
        let loss = mse_loss(y, target.clone());
        assert!(loss.array().is_finite());
        grads = loss.backward();
        opt.update(&mut model, &grads).expect("all parameters used");
        model.zero_grads(&mut grads);
    }
    // Inference: no tape, dropout off, running statistics.
    let y = model.forward(x.clone());
    assert!(y.as_vec().iter().all(|v| v.is_finite()));
    // Batched and unbatched (rank 1) inputs, as dfdx's layers take both.
    let one: Tensor<Rank1<6>, f32, _> = dev.sample_normal();
    let inference = (Linear::<6, 4>::build_on_device(&dev), GaafTanh::default());
    assert_eq!(inference.forward(one).as_vec().len(), 4);
}

#[test]
fn f64_models_use_the_same_modules() {
    type M64 = (
        (Linear<3, 5>, GaafTanh),
        (Linear<5, 4>, GaafRelu),
        (Linear<4, 2>, GaafReluPaper),
    );
    let dev = Cpu::default();
    let model = dev.build_module::<M64, f64>();
    let x: Tensor<Rank2<4, 3>, f64, _> = dev.sample_normal();
    let y = model.forward(x.leaky_trace());
    let g = y.sum().backward();
    assert!(g.get(&model.0 .0.weight).as_vec().iter().any(|v| *v != 0.0));
}
