//! Training one convolutional run with candle, with per-epoch checkpoints and
//! exact resume, then its test and training accuracy.
//!
//! # What a run does
//!
//! - **Model**: [`Net`] for the dataset and variant, `f32`.
//!   Initialisation: convolution and dense weights Kaiming normal
//!   (`std = sqrt(2 / fan_in)`), biases zero, batch-norm scale 1 and shift 0,
//!   drawn from a ChaCha8 stream of the seed (candle's own CPU sampler cannot
//!   be seeded).
//! - **Loss and optimiser**: cross-entropy on the logits; SGD with momentum
//!   and weight decay on convolution and dense weights ([`MomentumSgd`]).
//! - **Augmentation** (`augment`): each training image shifted by a random
//!   offset in `[-4, 4]` on each axis with zero fill (zero is the mean after
//!   normalisation), the random-crop-with-padding of the usual CIFAR recipe,
//!   and for CIFAR mirrored left-right with probability 1/2 (not for SVHN,
//!   whose digits are not mirror-symmetric).
//! - **Convergence**: the shared epoch loop ([`crate::sweep::train_until`]):
//!   validation accuracy after every epoch; stop after `patience` epochs
//!   without a strictly better one or at `max_epochs`; report the test
//!   accuracy of the best epoch's weights.
//!
//! # Determinism and resume
//!
//! The initialisation, each epoch's shuffle and each epoch's augmentation are
//! drawn from streams of `(seed, purpose, epoch)`, and the checkpoint holds
//! the weights, the batch-norm running statistics and the momentum
//! velocities, so a resumed run continues as an uninterrupted one would.
//! On the CPU with one thread the same seed gives bit-identical results.

use super::augment::augment;
use super::model::{Net, SIDE};
use super::optim::MomentumSgd;
use super::{Config, Epoch, Run};
use crate::error::Result;
use crate::sweep::{
    self, machine, stream_seed, NamedTensor, Outcome, Progress, RunData, RunState, Split, Stream,
};
use candle_core::{DType, Device, Tensor, D};
use candle_nn::{VarBuilder, VarMap};
use rand_chacha::rand_core::{RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::collections::HashMap;
use std::path::Path;
use std::time::Instant;

/// Images per forward pass when evaluating (bounds memory, not results).
const EVAL_CHUNK: usize = 500;
/// The prefix of the model's tensors in a checkpoint.
const PARAM: &str = "param/";
/// The prefix of the optimiser's velocities in a checkpoint.
const VELOCITY: &str = "velocity/";

/// Trains `config` on `data` on `device` to convergence, checkpointing into
/// `checkpoint_dir` after every epoch and resuming from it.
///
/// # Errors
///
/// [`crate::Error::ConfigMismatch`] when `checkpoint_dir` holds another
/// configuration's checkpoint; a configuration the model cannot take; I/O
/// and candle errors; [`crate::Error::Diverged`].
pub fn train(
    config: &Config,
    data: &RunData,
    device: &Device,
    checkpoint_dir: &Path,
    progress: &dyn Progress,
) -> Result<Run> {
    sweep::train(
        Trainer::new(config, data, device)?,
        checkpoint_dir,
        progress,
    )
}

/// As [`train`], but stops once `stop_after` epochs are done and
/// checkpointed (`None`: never), as an interrupted run would.
///
/// # Errors
///
/// As [`train`].
pub fn train_until(
    config: &Config,
    data: &RunData,
    device: &Device,
    checkpoint_dir: &Path,
    progress: &dyn Progress,
    stop_after: Option<usize>,
) -> Result<Outcome<Run>> {
    let mut trainer = Trainer::new(config, data, device)?;
    sweep::train_until(&mut trainer, checkpoint_dir, progress, stop_after)
}

/// One convolutional run as the shared epoch loop drives it.
pub struct Trainer<'a> {
    config: &'a Config,
    data: &'a RunData,
    device: &'a Device,
    vars: VarMap,
    net: Net,
    opt: MomentumSgd,
}

impl<'a> Trainer<'a> {
    /// A freshly initialised model for `config` on `data`, on `device`.
    ///
    /// # Errors
    ///
    /// A configuration out of range, images that are not 3 x 32 x 32, an
    /// empty split, candle's.
    pub fn new(config: &'a Config, data: &'a RunData, device: &'a Device) -> Result<Self> {
        config.validate()?;
        let channels = config.dataset.channels();
        if data.train.dim() != channels * SIDE * SIDE {
            return Err(crate::Error::ImageSize {
                found: data.train.dim(),
                expected: channels * SIDE * SIDE,
                model: "convolutional model",
            });
        }
        if data.train.is_empty() || data.val.is_empty() || data.test.is_empty() {
            return Err(crate::Error::EmptySplit);
        }
        let vars = VarMap::new();
        let vb = VarBuilder::from_varmap(&vars, DType::F32, device);
        let net = Net::new(config, &vb)?;
        initialise(&vars, stream_seed(config.seed, Stream::Init, 0))?;
        let opt = Net::optimizer(config, &vars)?;
        Ok(Self {
            config,
            data,
            device,
            vars,
            net,
            opt,
        })
    }

    /// Every variable and (with `optimiser`) every velocity, by checkpoint
    /// name, sorted.
    fn named(&self, optimiser: bool) -> Vec<(String, Tensor)> {
        let data = self.vars.data().lock().expect("no panics hold the lock");
        let mut all: Vec<(String, Tensor)> = data
            .iter()
            .map(|(name, var)| (format!("{PARAM}{name}"), var.as_tensor().clone()))
            .collect();
        if optimiser {
            all.extend(
                self.opt
                    .velocities()
                    .map(|(name, v)| (format!("{VELOCITY}{name}"), v.clone())),
            );
        }
        all.sort_by(|a, b| a.0.cmp(&b.0));
        all
    }
}

impl sweep::Trainer for Trainer<'_> {
    type Config = Config;
    type Record = Epoch;
    type Extra = ();
    type Output = Run;

    fn config(&self) -> &Config {
        self.config
    }

    fn batches(&self) -> usize {
        self.data.train.len().div_ceil(self.config.batch_size)
    }

    fn layout(&self, optimiser: bool) -> Vec<(String, Vec<usize>)> {
        self.named(optimiser)
            .into_iter()
            .map(|(name, t)| (name, t.dims().to_vec()))
            .collect()
    }

    fn tensors(&self) -> Result<Vec<NamedTensor>> {
        self.named(true)
            .into_iter()
            .map(|(name, t)| {
                Ok(NamedTensor {
                    shape: t.dims().to_vec(),
                    values: t.flatten_all()?.to_vec1::<f32>()?,
                    name,
                })
            })
            .collect()
    }

    fn load(&mut self, tensors: HashMap<String, NamedTensor>, optimiser: bool) -> Result<()> {
        let tensor = |t: NamedTensor| Tensor::from_vec(t.values, t.shape, self.device);
        let mut velocities = Vec::new();
        {
            let data = self.vars.data().lock().expect("no panics hold the lock");
            for (key, t) in tensors {
                if let Some(name) = key.strip_prefix(PARAM) {
                    if let Some(var) = data.get(name) {
                        var.set(&tensor(t)?)?;
                    }
                } else if let Some(name) = key.strip_prefix(VELOCITY) {
                    velocities.push((name.to_string(), t));
                }
            }
        }
        if optimiser {
            for (name, t) in velocities {
                // The layout was checked, so every velocity fits.
                let fits = self.opt.set_velocity(&name, tensor(t)?);
                debug_assert!(fits, "velocity {name}");
            }
        }
        Ok(())
    }

    fn train_epoch(&mut self, epoch: usize, _: &mut (), progress: &dyn Progress) -> Result<Epoch> {
        let (config, data, device) = (self.config, self.data, self.device);
        let t0 = Instant::now();
        let n_train = data.train.len();
        let order =
            gaaf_data::shuffled_indices(n_train, stream_seed(config.seed, Stream::Shuffle, epoch));
        let mut rng = ChaCha8Rng::seed_from_u64(stream_seed(config.seed, Stream::Augment, epoch));
        let (mut loss_sum, mut correct) = (0.0, 0usize);
        for chunk in order.chunks(config.batch_size) {
            let (mut x, y) = data.train.gather(chunk);
            if config.augment {
                augment(
                    &mut x,
                    config.dataset.channels(),
                    config.dataset.mirrors(),
                    &mut rng,
                );
            }
            let (x, y) = batch(x, &y, config.dataset.channels(), device)?;
            let logits = self.net.forward_t(&x, true)?;
            let loss = candle_nn::loss::cross_entropy(&logits, &y)?;
            loss_sum += f64::from(loss.to_scalar::<f32>()?);
            correct += count_correct(&logits, &y)?;
            self.opt.backward_step(&loss)?;
            progress.batch_done();
        }
        let val_acc = accuracy(&self.net, &data.val, device)?;
        Ok(Epoch {
            epoch,
            train_loss: loss_sum / self.batches() as f64,
            train_acc: correct as f64 / n_train as f64,
            val_acc,
            seconds: t0.elapsed().as_secs_f64(),
        })
    }

    fn finish(&mut self, state: &RunState<Self>, run_seconds: &dyn Fn() -> f64) -> Result<Run> {
        let test_acc = accuracy(&self.net, &self.data.test, self.device)?;
        let train_acc = accuracy(&self.net, &self.data.train, self.device)?;
        Ok(Run {
            config: self.config.clone(),
            epochs: state.history.clone(),
            best_epoch: state.best_epoch,
            best_val_acc: state.best_val_acc,
            test_acc,
            train_acc,
            device: device_name(self.device),
            machine: machine(),
            seconds: run_seconds(),
        })
    }
}

fn device_name(device: &Device) -> String {
    match device.location() {
        candle_core::DeviceLocation::Cpu => "cpu".to_string(),
        candle_core::DeviceLocation::Cuda { gpu_id } => format!("cuda:{gpu_id}"),
        candle_core::DeviceLocation::Metal { gpu_id } => format!("metal:{gpu_id}"),
    }
}

/// A batch of rows as `[n, channels, 32, 32]` images and `u32` labels.
fn batch(x: Vec<f32>, y: &[u8], channels: usize, device: &Device) -> Result<(Tensor, Tensor)> {
    let n = y.len();
    let x = Tensor::from_vec(x, (n, channels, SIDE, SIDE), device)?;
    let y = Tensor::from_vec(
        y.iter().map(|&l| u32::from(l)).collect::<Vec<u32>>(),
        n,
        device,
    )?;
    Ok((x, y))
}

fn count_correct(logits: &Tensor, y: &Tensor) -> Result<usize> {
    let hits = logits.argmax(D::Minus1)?.eq(y)?.to_dtype(DType::U32)?;
    Ok(hits.sum_all()?.to_scalar::<u32>()? as usize)
}

/// Fraction of `split` the model classifies correctly (inference mode).
fn accuracy(net: &Net, split: &Split, device: &Device) -> Result<f64> {
    let idx: Vec<usize> = (0..split.len()).collect();
    let mut correct = 0;
    for chunk in idx.chunks(EVAL_CHUNK) {
        let (x, y) = split.gather(chunk);
        let (x, y) = batch(x, &y, split.dim() / (SIDE * SIDE), device)?;
        correct += count_correct(&net.forward_t(&x, false)?, &y)?;
    }
    Ok(correct as f64 / split.len().max(1) as f64)
}

/// Kaiming-normal convolution and dense weights, zero biases, from a ChaCha8
/// stream seeded `seed`, in the order of the variables' names.
fn initialise(vars: &VarMap, seed: u64) -> Result<()> {
    let data = vars.data().lock().expect("no panics hold the lock");
    let mut names: Vec<&String> = data.keys().collect();
    names.sort();
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    for name in names {
        let var = &data[name];
        let is_layer =
            name.starts_with("conv") || name.starts_with("fc") || name.starts_with("out");
        if !is_layer {
            continue; // Batch norm keeps candle-nn's 1, 0 and running statistics.
        }
        let t = var.as_tensor();
        let values: Vec<f32> = if name.ends_with(".weight") {
            let fan_in: usize = t.dims()[1..].iter().product();
            let std = (2.0 / fan_in as f64).sqrt();
            (0..t.elem_count())
                .map(|_| (std * standard_normal(&mut rng)) as f32)
                .collect()
        } else {
            vec![0.0; t.elem_count()]
        };
        var.set(&Tensor::from_vec(values, t.shape(), t.device())?)?;
    }
    Ok(())
}

/// A standard normal draw (Box-Muller on two uniforms in (0, 1]).
fn standard_normal(rng: &mut ChaCha8Rng) -> f64 {
    let uniform = |rng: &mut ChaCha8Rng| ((rng.next_u64() >> 11) + 1) as f64 / (1u64 << 53) as f64;
    let (u1, u2) = (uniform(rng), uniform(rng));
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normal_draws_have_unit_variance() {
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        let n = 20_000;
        let xs: Vec<f64> = (0..n).map(|_| standard_normal(&mut rng)).collect();
        let mean = xs.iter().sum::<f64>() / n as f64;
        let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n as f64;
        assert!(mean.abs() < 0.03, "{mean}");
        assert!((var - 1.0).abs() < 0.05, "{var}");
    }
}
