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
            let g = if p.decay && self.weight_decay != 0.0 {
                (g + (p.var.as_tensor() * self.weight_decay)?)?
            } else {
                g.clone()
            };
            p.velocity = ((&p.velocity * self.momentum)? + g)?;
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

    /// How many parameters it updates.
    pub(crate) fn len(&self) -> usize {
        self.params.len()
    }
}
