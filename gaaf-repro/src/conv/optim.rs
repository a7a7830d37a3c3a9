//! SGD with momentum and weight decay, as PyTorch's `SGD` computes it
//! (`v = mu v + (g + wd w)`, `w -= lr v`). candle-nn's `SGD` has neither
//! momentum nor weight decay, and its `AdamW` keeps its moments private, so a
//! checkpoint could not hold them; here the velocities are tensors the
//! checkpoint saves, and a resumed run continues exactly.

use candle_core::{Tensor, Var};
use candle_nn::VarMap;

/// One parameter the optimiser updates.
struct Param {
    name: String,
    var: Var,
    velocity: Tensor,
    decay: bool,
}

/// The optimiser's parameters and their velocities.
pub struct MomentumSgd {
    params: Vec<Param>,
    lr: f64,
    momentum: f64,
    weight_decay: f64,
}

impl MomentumSgd {
    /// Every variable of `vars` for which `trainable(name)`, with zero
    /// velocity; weight decay applies where `decay(name)`.
    ///
    /// # Errors
    ///
    /// candle's (allocating the velocities).
    pub fn new(
        vars: &VarMap,
        lr: f64,
        momentum: f64,
        weight_decay: f64,
        trainable: impl Fn(&str) -> bool,
        decay: impl Fn(&str) -> bool,
    ) -> candle_core::Result<Self> {
        let data = vars.data().lock().expect("no panics hold the lock");
        let mut names: Vec<&String> = data.keys().filter(|n| trainable(n)).collect();
        names.sort();
        let params = names
            .into_iter()
            .map(|name| {
                let var = data[name].clone();
                Ok(Param {
                    name: name.clone(),
                    velocity: var.as_tensor().zeros_like()?,
                    var,
                    decay: decay(name),
                })
            })
            .collect::<candle_core::Result<_>>()?;
        Ok(Self {
            params,
            lr,
            momentum,
            weight_decay,
        })
    }

    /// One step from the gradients of `loss`.
    ///
    /// # Errors
    ///
    /// candle's.
    pub fn backward_step(&mut self, loss: &Tensor) -> candle_core::Result<()> {
        let grads = loss.backward()?;
        for p in &mut self.params {
            let Some(g) = grads.get(p.var.as_tensor()) else {
                continue;
            };
            // `detach`: the weight-decay term is computed from the variable,
            // so the new velocity would record an op on it and on the old
            // velocity, and every step's velocity, gradient and temporaries
            // would stay reachable through that chain. Full-width VGG on an
            // H200 ran out of its 141 GB within the first CIFAR-10-sized
            // epoch that way.
            let w = p.var.as_tensor().detach();
            let g = if p.decay && self.weight_decay != 0.0 {
                (g + (w * self.weight_decay)?)?
            } else {
                g.clone()
            };
            p.velocity = ((&p.velocity * self.momentum)? + g)?.detach();
            p.var
                .set(&(p.var.as_tensor() - (&p.velocity * self.lr)?)?)?;
        }
        Ok(())
    }

    /// The velocities by parameter name, for a checkpoint.
    pub(crate) fn velocities(&self) -> impl Iterator<Item = (&str, &Tensor)> {
        self.params.iter().map(|p| (p.name.as_str(), &p.velocity))
    }

    /// Sets the velocity of `name` (from a checkpoint); `false` when there is
    /// no such parameter or the shape differs.
    pub(crate) fn set_velocity(&mut self, name: &str, v: Tensor) -> bool {
        match self.params.iter_mut().find(|p| p.name == name) {
            Some(p) if p.velocity.shape() == v.shape() => {
                p.velocity = v;
                true
            }
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use candle_core::{DType, Device};

    /// A step leaves velocities that record no op: a velocity that did would
    /// keep every earlier step's tensors alive (the memory leak this guards).
    #[test]
    fn velocities_record_no_graph_after_steps() -> candle_core::Result<()> {
        let (vars, cpu) = (VarMap::new(), Device::Cpu);
        let w = vars.get((3, 2), "w", candle_nn::Init::Const(0.5), DType::F32, &cpu)?;
        let mut opt = MomentumSgd::new(&vars, 0.1, 0.9, 5e-4, |_| true, |_| true)?;
        let x = Tensor::ones((4, 3), DType::F32, &cpu)?;
        for _ in 0..3 {
            opt.backward_step(&x.matmul(&w)?.sqr()?.sum_all()?)?;
        }
        for (name, v) in opt.velocities() {
            assert!(!v.track_op(), "velocity of {name} records an op");
            assert!(
                v.abs()?.sum_all()?.to_scalar::<f32>()? > 0.0,
                "{name} moved"
            );
        }
        Ok(())
    }
}
