//! Plain SGD (`w -= lr * dE/dw`, no momentum, no weight decay) in one
//! vectorised pass per tensor.
//!
//! dfdx 0.13's `Sgd` runs one scalar loop over parameter, gradient and a
//! velocity buffer it keeps even without momentum, with the momentum and
//! weight-decay branches inside the loop: 7.7 % of a base MNIST epoch
//! (`perf`, AVX2 + FMA). This update is dfdx's `axpy`, `w = w*1 + g*(-lr)`,
//! a two-stream loop the compiler vectorises; it is bit-identical to dfdx's
//! `w - g*lr` (multiplying by 1 is exact, negation is exact), which a test
//! checks.

use dfdx::nn::tensor_collection::{
    RecursiveWalker, TensorCollection, TensorOptions, TensorVisitor, ViewTensorMut,
};
use dfdx::shapes::Shape;
use dfdx::tensor::{Gradients, Tensor};
use dfdx::tensor_ops::Device;

/// `model -= lr * grads`, every parameter dfdx marks for update.
///
/// Every such parameter must have a gradient in `grads` (the MNIST model uses
/// all of its parameters in every forward pass).
///
/// # Errors
///
/// The device's (allocation).
pub(crate) fn sgd_step<M, D>(
    model: &mut M,
    grads: &Gradients<f32, D>,
    lr: f64,
) -> Result<(), D::Err>
where
    M: TensorCollection<f32, D>,
    D: Device<f32>,
{
    M::iter_tensors(&mut RecursiveWalker {
        m: model,
        f: &mut PlainSgd { lr, grads },
    })?;
    Ok(())
}

/// The visitor that updates each tensor.
struct PlainSgd<'a, D: Device<f32>> {
    lr: f64,
    grads: &'a Gradients<f32, D>,
}

impl<D: Device<f32>> TensorVisitor<f32, D> for PlainSgd<'_, D> {
    type Viewer = ViewTensorMut;
    type Err = D::Err;
    type E2 = f32;
    type D2 = D;

    fn visit<S: Shape>(
        &mut self,
        opts: TensorOptions<S, f32, D>,
        p: &mut Tensor<S, f32, D>,
    ) -> Result<Option<Tensor<S, f32, D>>, D::Err> {
        if opts.do_gradient_update {
            p.try_axpy(1.0, &self.grads.get(p), -self.lr)?;
        }
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::sgd_step;
    use dfdx::optim::{Sgd, SgdConfig};
    use dfdx::prelude::*;

    fn bits<S: Shape>(t: &Tensor<S, f32, Cpu>) -> Vec<u32> {
        t.as_vec().iter().map(|v| v.to_bits()).collect()
    }

    #[test]
    fn matches_dfdx_sgd_bit_for_bit() {
        type Mlp = ((Linear<7, 5>, Tanh), Linear<5, 3>);
        let dev = Cpu::seed_from_u64(3);
        let mut ours = dev.build_module::<Mlp, f32>();
        let mut theirs = ours.clone();
        let mut opt = Sgd::new(
            &theirs,
            SgdConfig {
                lr: 0.037,
                momentum: None,
                weight_decay: None,
            },
        );
        for _ in 0..3 {
            let x: Tensor<Rank2<4, 7>, f32, _> = dev.sample_normal();
            let y: Tensor<Rank2<4, 3>, f32, _> = dev.sample_normal();
            let g = mse_loss(ours.forward(x.trace(ours.alloc_grads())), y).backward();
            sgd_step(&mut ours, &g, 0.037).expect("CPU");
            opt.update(&mut theirs, &g)
                .expect("every parameter has a gradient");
        }
        assert_eq!(bits(&ours.0 .0.weight), bits(&theirs.0 .0.weight));
        assert_eq!(bits(&ours.0 .0.bias), bits(&theirs.0 .0.bias));
        assert_eq!(bits(&ours.1.weight), bits(&theirs.1.weight));
        assert_ne!(
            ours.1.weight.as_vec(),
            dev.build_module::<Mlp, f32>().1.weight.as_vec()
        );
    }
}
