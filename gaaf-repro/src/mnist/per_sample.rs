//! Eq. 5 as the paper writes it: the gradient information of a weight matrix
//! `W` is the mean over samples `n` of the mean over its weights of
//! `|dE_n/dW|`, where `E_n` is the loss of sample `n` alone.
//!
//! **Why not the batch gradient**: the mean over weights of
//! `|(1/B) sum_n dE_n/dW|`, what a training step has at hand, is at most
//! Eq. 5 and averages away the per-sample noise that dropout adds (by about
//! `1/sqrt(B)`): it understates the very quantity the paper says dropout
//! raises. Both are recorded, under their own names.
//!
//! **How, cheaply**: for a dense layer `z = W x + b`,
//! `dE_n/dW_ji = d_nj x_ni` with `d_n = dE_n/dz_n`, so the mean over `(i, j)`
//! of `|dE_n/dW_ji|` is `mean_i |x_ni|` times `mean_j |d_nj|`, exactly. Under
//! the batch-mean loss `L = (1/B) sum_n E_n` the tape's gradient at the net is
//! `dL/dz_n = d_n / B`. So a step records, per layer, each row's mean `|x|`
//! of the layer's input (in the forward pass) and each row's mean `|dL/dz|`
//! (in the backward pass, through a backward op that only reads the net's
//! gradient once every later op has added to it), and Eq. 5 for the step is
//! `mean_n (mean_i |x_ni|) (B mean_j |dL/dz_nj|)`. A test checks it against
//! one backward pass per sample.

use super::device::MnistDevice;
use super::model::Rows;
use dfdx::prelude::*;
use std::sync::{Arc, Mutex};

/// Per-row means of `|t|` of one tensor, filled when it is computed (the
/// forward value, or the gradient in the backward pass).
#[derive(Debug, Clone, Default)]
struct RowMeans(Arc<Mutex<Vec<f32>>>);

impl RowMeans {
    fn set(&self, v: Vec<f32>) {
        // A poisoned lock means a panic elsewhere already ended the step.
        if let Ok(mut slot) = self.0.lock() {
            *slot = v;
        }
    }

    fn take(&self) -> Vec<f32> {
        self.0
            .lock()
            .map(|mut v| std::mem::take(&mut *v))
            .unwrap_or_default()
    }
}

/// `mean_j |t_nj|` for every row `n`.
fn row_mean_abs<const N: usize, D: MnistDevice>(t: Rows<N, D>) -> Vec<f32> {
    t.abs().mean::<(usize,), Axis<1>>().as_vec()
}

/// The probes of one training step for the four dense layers (`[W1, W2, W3,
/// W4]`, input to output): each layer's input (forward) and the gradient at
/// its net (backward).
#[derive(Debug, Clone, Default)]
pub(crate) struct StepProbes {
    inputs: [RowMeans; 4],
    net_grads: [RowMeans; 4],
}

impl StepProbes {
    /// Records `mean_i |x_ni|` of layer `layer`'s input `x`, and returns `x`.
    pub(crate) fn input<const N: usize, D: MnistDevice, T: Tape<f32, D>>(
        &self,
        layer: usize,
        x: Rows<N, D, T>,
    ) -> Rows<N, D, T> {
        self.inputs[layer].set(row_mean_abs(x.retaped::<NoneTape>()));
        x
    }

    /// Arranges for `mean_j |dL/dz_nj|` of layer `layer`'s net `z` to be
    /// recorded in the backward pass, and returns `z`. Without a tape there
    /// is nothing to record.
    pub(crate) fn net<const N: usize, D: MnistDevice, T: Tape<f32, D>>(
        &self,
        layer: usize,
        z: Rows<N, D, T>,
    ) -> Rows<N, D, T> {
        if !T::OWNS_TAPE {
            return z;
        }
        let (z, mut tape) = z.split_tape();
        let ghost = z.ghost();
        let slot = self.net_grads[layer].clone();
        // Backward ops run in the reverse order of their creation: this one,
        // created right after `z`, runs after every op that used `z` has
        // added to its gradient, and before the op that made `z` reads it.
        tape.add_backward_op(move |grads| {
            grads.try_alloc_for(&ghost)?;
            let g: Tensor<(usize, Const<N>), f32, D> = grads.get(&ghost);
            slot.set(g.try_abs()?.try_mean::<(usize,), Axis<1>>()?.as_vec());
            Ok(())
        });
        z.put_tape(tape)
    }

    /// Eq. 5 for the step just run backward, per layer: the mean over the
    /// batch's samples of `(mean_i |x_ni|) (B mean_j |dL/dz_nj|)`. A layer
    /// whose probes were not both filled (no backward pass) gives NaN.
    pub(crate) fn take_per_sample(&self) -> [f64; 4] {
        let mut out = [f64::NAN; 4];
        for (l, g) in out.iter_mut().enumerate() {
            let xs = self.inputs[l].take();
            let ds = self.net_grads[l].take();
            if xs.is_empty() || xs.len() != ds.len() {
                continue;
            }
            let b = xs.len() as f64;
            let sum: f64 = xs
                .iter()
                .zip(&ds)
                .map(|(&x, &d)| f64::from(x) * b * f64::from(d))
                .sum();
            *g = sum / b;
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::StepProbes;
    use crate::mnist::device::MnistDevice;
    use crate::mnist::model::{rows, Net, CLASSES, INPUT};
    use crate::mnist::{Config, Variant};
    use dfdx::prelude::*;

    const BATCH: usize = 6;

    /// A small batch: pixels in [0, 1), one-hot labels.
    fn batch() -> (Vec<f32>, Vec<f32>) {
        let mut state = 12_345_u64;
        let mut next = || {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (state >> 40) as f32 / (1u64 << 24) as f32
        };
        let x: Vec<f32> = (0..BATCH * INPUT).map(|_| next()).collect();
        let mut y = vec![0.0; BATCH * CLASSES];
        for n in 0..BATCH {
            y[n * CLASSES + (n * 7) % CLASSES] = 1.0;
        }
        (x, y)
    }

    fn mean_abs(v: &[f32]) -> f64 {
        v.iter().map(|g| f64::from(g.abs())).sum::<f64>() / v.len() as f64
    }

    /// The mean |dE/dW| of each weight matrix after one backward pass.
    fn weight_grads(net: &Net<Cpu>, grads: &Gradients<f32, Cpu>) -> [f64; 4] {
        let l = &net.layers;
        [
            mean_abs(&grads.get(&l.0.weight).as_vec()),
            mean_abs(&grads.get(&l.1.weight).as_vec()),
            mean_abs(&grads.get(&l.2.weight).as_vec()),
            mean_abs(&grads.get(&l.3.weight).as_vec()),
        ]
    }

    /// Eq. 5 by brute force: for each sample `n`, the loss of `n` alone (the
    /// whole batch run forward with the same dropout masks, every other
    /// row's loss weighted 0), one backward pass, the mean `|dE_n/dW|` of each
    /// `W`; averaged over `n`.
    fn brute_force(net: &Net<Cpu>, dev: &Cpu, x: &[f32], y: &[f32]) -> [f64; 4] {
        let mut sum = [0.0; 4];
        for n in 0..BATCH {
            let masks = Cpu::seed_from_u64(5);
            let grads = net.layers.alloc_grads();
            let xs = rows::<INPUT, Cpu>(dev, x.to_vec()).traced(grads);
            let targets = rows::<CLASSES, Cpu>(dev, y.to_vec());
            let logits = net.logits(xs, Some(&masks), None);
            let log_p = logits.log_softmax::<Axis<1>>();
            let per_row = (log_p * targets).sum::<(usize,), Axis<1>>();
            let mut pick = vec![0.0_f32; BATCH];
            pick[n] = -1.0;
            let pick = dev.tensor_from_vec(pick, (BATCH,));
            let loss_n = (per_row * pick).sum::<Rank0, _>();
            let grads = loss_n.backward();
            for (s, g) in sum.iter_mut().zip(weight_grads(net, &grads)) {
                *s += g / BATCH as f64;
            }
        }
        sum
    }

    #[test]
    fn per_sample_gradient_information_matches_brute_force() {
        let (x, y) = batch();
        for variant in [Variant::Base, Variant::Dropout, Variant::Gaaf] {
            let config = Config::new(variant, 3);
            let (dev, layers) = Cpu::default().init(3);
            let net = Net::new(&config, layers).unwrap();
            let want = brute_force(&net, &dev, &x, &y);

            let probes = StepProbes::default();
            let masks = Cpu::seed_from_u64(5);
            let xs = rows::<INPUT, Cpu>(&dev, x.clone()).traced(net.layers.alloc_grads());
            let targets = rows::<CLASSES, Cpu>(&dev, y.clone());
            let logits = net.logits(xs, Some(&masks), Some(&probes));
            let grads = cross_entropy_with_logits_loss(logits, targets).backward();
            let got = probes.take_per_sample();
            let batch_mean = weight_grads(&net, &grads);
            for l in 0..4 {
                let rel = (got[l] - want[l]).abs() / want[l];
                assert!(
                    rel < 1e-4,
                    "{variant:?} W{}: {} vs {}",
                    l + 1,
                    got[l],
                    want[l]
                );
                // The batch-mean gradient is at most Eq. 5 (triangle
                // inequality), and here clearly below it.
                assert!(batch_mean[l] < got[l], "{variant:?} W{}", l + 1);
            }
            // Taken once: the probes are empty until the next step.
            assert!(probes.take_per_sample().iter().all(|g| g.is_nan()));
        }
    }

    #[test]
    fn without_a_tape_nothing_is_recorded() {
        let (x, _) = batch();
        let config = Config::new(Variant::Base, 1);
        let (dev, layers) = Cpu::default().init(1);
        let net = Net::new(&config, layers).unwrap();
        let probes = StepProbes::default();
        let _ = net.logits(rows::<INPUT, Cpu>(&dev, x), None, Some(&probes));
        assert!(probes.take_per_sample().iter().all(|g| g.is_nan()));
    }
}
