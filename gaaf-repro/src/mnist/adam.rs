//! Adam for the MNIST model, with its moments as tensors the checkpoint
//! saves (dfdx 0.13's `Adam` keeps them private, so a resumed run would lose
//! them).
//!
//! The step is PyTorch's `torch.optim.Adam` without weight decay: `m = b1 m +
//! (1 - b1) g`, `v = b2 v + (1 - b2) g^2`, `w -= lr / (1 - b1^t) * m /
//! (sqrt(v) / sqrt(1 - b2^t) + eps)`, written as `w -= a m / (sqrt(v) + e)`
//! with `a = lr sqrt(1 - b2^t) / (1 - b1^t)` and `e = eps sqrt(1 - b2^t)`
//! (the same value; a test checks it against the formula).

use super::model::Layers;
use dfdx::prelude::*;

/// Adam's `beta1`.
pub(crate) const BETA1: f64 = 0.9;
/// Adam's `beta2`.
pub(crate) const BETA2: f64 = 0.999;
/// Adam's `eps`.
pub(crate) const EPS: f64 = 1e-8;

/// The two moment estimates, shaped as the model's layers.
#[derive(Debug, Clone)]
pub(crate) struct AdamState<D: Device<f32>> {
    /// First moments.
    pub(crate) m: Layers<D>,
    /// Second moments.
    pub(crate) v: Layers<D>,
}

/// Zeros shaped as `layers`.
fn zeros_like<D: Device<f32>>(layers: &Layers<D>) -> Layers<D> {
    let mut z = layers.clone();
    z.0.weight.fill_with_zeros();
    z.0.bias.fill_with_zeros();
    z.1.weight.fill_with_zeros();
    z.1.bias.fill_with_zeros();
    z.2.weight.fill_with_zeros();
    z.2.bias.fill_with_zeros();
    z.3.weight.fill_with_zeros();
    z.3.bias.fill_with_zeros();
    z
}

impl<D: Device<f32>> AdamState<D> {
    /// Zero moments for `layers`.
    pub(crate) fn new(layers: &Layers<D>) -> Self {
        Self {
            m: zeros_like(layers),
            v: zeros_like(layers),
        }
    }

    /// Step `t` (1-based) of Adam at rate `lr` on every weight and bias.
    ///
    /// # Errors
    ///
    /// The device's (allocation).
    pub(crate) fn step(
        &mut self,
        layers: &mut Layers<D>,
        grads: &Gradients<f32, D>,
        lr: f64,
        t: u64,
    ) -> Result<(), D::Err> {
        let t = i32::try_from(t).unwrap_or(i32::MAX);
        let bc1 = 1.0 - BETA1.powi(t);
        let bc2 = (1.0 - BETA2.powi(t)).sqrt();
        let (a, e) = (lr * bc2 / bc1, EPS * bc2);
        let (m, v) = (&mut self.m, &mut self.v);
        update(
            &mut layers.0.weight,
            grads,
            &mut m.0.weight,
            &mut v.0.weight,
            a,
            e,
        )?;
        update(
            &mut layers.0.bias,
            grads,
            &mut m.0.bias,
            &mut v.0.bias,
            a,
            e,
        )?;
        update(
            &mut layers.1.weight,
            grads,
            &mut m.1.weight,
            &mut v.1.weight,
            a,
            e,
        )?;
        update(
            &mut layers.1.bias,
            grads,
            &mut m.1.bias,
            &mut v.1.bias,
            a,
            e,
        )?;
        update(
            &mut layers.2.weight,
            grads,
            &mut m.2.weight,
            &mut v.2.weight,
            a,
            e,
        )?;
        update(
            &mut layers.2.bias,
            grads,
            &mut m.2.bias,
            &mut v.2.bias,
            a,
            e,
        )?;
        update(
            &mut layers.3.weight,
            grads,
            &mut m.3.weight,
            &mut v.3.weight,
            a,
            e,
        )?;
        update(
            &mut layers.3.bias,
            grads,
            &mut m.3.bias,
            &mut v.3.bias,
            a,
            e,
        )
    }
}

/// One tensor's Adam update (module docs).
fn update<S: Shape, D: Device<f32>>(
    w: &mut Tensor<S, f32, D>,
    grads: &Gradients<f32, D>,
    m: &mut Tensor<S, f32, D>,
    v: &mut Tensor<S, f32, D>,
    a: f64,
    e: f64,
) -> Result<(), D::Err> {
    let g = grads.get(w);
    m.try_axpy(BETA1, &g, 1.0 - BETA1)?;
    v.try_axpy(BETA2, &g.try_square()?, 1.0 - BETA2)?;
    let denom = v.clone().try_sqrt()?.try_add(e as f32)?;
    let step = m.clone().try_div(denom)?;
    w.try_axpy(1.0, &step, -a)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mnist::model::Arch;

    #[test]
    fn three_steps_follow_the_formula() {
        let dev = Cpu::seed_from_u64(1);
        let mut layers: Layers = dev.build_module::<Arch, f32>();
        let mut adam = AdamState::new(&layers);
        let lr = 0.01;
        let w0: Vec<f64> = layers
            .3
            .bias
            .as_vec()
            .iter()
            .map(|&x| f64::from(x))
            .collect();
        let (mut w, mut m, mut v) = (w0.clone(), vec![0.0; w0.len()], vec![0.0; w0.len()]);
        for t in 1..=3u64 {
            // A gradient that changes with the step: bias gradient = step * (i - 4.5) / 7.
            let mut grads = layers.alloc_grads();
            let g: Vec<f32> = (0..10).map(|i| t as f32 * (i as f32 - 4.5) / 7.0).collect();
            grads
                .get_or_alloc_mut(&layers.3.bias)
                .unwrap()
                .copy_from_slice(&g);
            adam.step(&mut layers, &grads, lr, t).unwrap();
            let ti = i32::try_from(t).unwrap();
            for i in 0..w.len() {
                let gi = f64::from(g[i]);
                m[i] = BETA1 * m[i] + (1.0 - BETA1) * gi;
                v[i] = BETA2 * v[i] + (1.0 - BETA2) * gi * gi;
                let mh = m[i] / (1.0 - BETA1.powi(ti));
                let vh = v[i] / (1.0 - BETA2.powi(ti));
                w[i] -= lr * mh / (vh.sqrt() + EPS);
            }
        }
        for (got, want) in layers.3.bias.as_vec().iter().zip(&w) {
            assert!((f64::from(*got) - want).abs() < 1e-6, "{got} vs {want}");
        }
        // A weight with zero gradient does not move (its moments stay 0).
        assert_eq!(layers.0.bias.as_vec(), {
            let fresh: Layers = Cpu::seed_from_u64(1).build_module::<Arch, f32>();
            fresh.0.bias.as_vec()
        });
    }
}
