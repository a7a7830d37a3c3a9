//! Training one convolutional run with candle, with per-epoch checkpoints and
//! exact resume, then its test and training accuracy.
//!
//! # What a run does
//!
//! - **Model**: [`ConvNet`] for the dataset and variant, `f32`.
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
//! - **Convergence**: as for MNIST, validation accuracy after every epoch;
//!   stop after `patience` epochs without a strictly better one or at
//!   `max_epochs`; report the test accuracy of the best epoch's weights.
//!
//! # Determinism and resume
//!
//! The initialisation, each epoch's shuffle and each epoch's augmentation are
//! drawn from streams of `(seed, purpose, epoch)`, and the checkpoint holds
//! the weights, the batch-norm running statistics and the momentum
//! velocities, so a resumed run continues as an uninterrupted one would.
//! On the CPU with one thread the same seed gives bit-identical results.

use super::model::{ConvNet, CHANNELS, SIDE};
use super::optim::MomentumSgd;
use super::{ConvConfig, ConvDataset, ConvEpoch, ConvRunResult};
use crate::checkpoint::{CheckpointDir, State};
use crate::error::{Error, Result};
use crate::sweep::Progress;
use crate::train::{machine, stream_seed, RunData, Split, Stream};
use candle_core::{DType, Device, Tensor, D};
use candle_nn::{VarBuilder, VarMap};
use rand_chacha::rand_core::{RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::collections::HashMap;
use std::path::Path;
use std::time::Instant;

/// Images per forward pass when evaluating (bounds memory, not results).
const EVAL_CHUNK: usize = 500;
/// The largest shift of the random-crop augmentation, in pixels.
const MAX_SHIFT: usize = 4;

type ConvState = State<ConvConfig, ConvEpoch>;

/// Trains `config` on `data` on `device` to convergence, checkpointing into
/// `checkpoint_dir` after every epoch and resuming from it.
///
/// # Errors
///
/// [`Error::ConfigMismatch`] when `checkpoint_dir` holds another
/// configuration's state; a configuration the model cannot take; I/O,
/// checkpoint and candle errors; [`Error::Diverged`].
pub fn train_conv(
    config: &ConvConfig,
    data: &RunData,
    device: &Device,
    checkpoint_dir: &Path,
    progress: &dyn Progress,
) -> Result<ConvRunResult> {
    let finished = train_conv_until(config, data, device, checkpoint_dir, progress, None)?;
    Ok(finished.expect("no stop was asked for"))
}

/// As [`train_conv`], but stops once `stop_after` epochs are done and
/// checkpointed (`None`: never), as an interrupted run would, and then
/// returns `None`.
///
/// # Errors
///
/// As [`train_conv`].
pub fn train_conv_until(
    config: &ConvConfig,
    data: &RunData,
    device: &Device,
    checkpoint_dir: &Path,
    progress: &dyn Progress,
    stop_after: Option<usize>,
) -> Result<Option<ConvRunResult>> {
    check(config, data)?;
    let started = Instant::now();
    let vars = VarMap::new();
    let vb = VarBuilder::from_varmap(&vars, DType::F32, device);
    let net = ConvNet::new(config, &vb)?;
    initialise(&vars, stream_seed(config.seed, Stream::Init, 0))?;
    let mut opt = ConvNet::optimizer(config, &vars)?;
    let ck = CheckpointDir::new(checkpoint_dir);
    let mut state = match ck.resume(config)? {
        Some(s) => {
            if s.epochs_done() > 0 {
                load(&ck, s.epochs_done(), &vars, Some(&mut opt), device)?;
            }
            s
        }
        None => ConvState::new(config.clone()),
    };
    let n_train = data.train.len();
    let batches = n_train.div_ceil(config.batch_size);
    while !state.converged(config.max_epochs, config.patience) {
        if stop_after.is_some_and(|s| state.epochs_done() >= s) {
            return Ok(None);
        }
        let epoch = state.epochs_done() + 1;
        let t0 = Instant::now();
        progress.epoch_started(epoch, batches);
        let order =
            gaaf_data::shuffled_indices(n_train, stream_seed(config.seed, Stream::Shuffle, epoch));
        let mut rng = ChaCha8Rng::seed_from_u64(stream_seed(config.seed, Stream::Augment, epoch));
        let (mut loss_sum, mut correct) = (0.0, 0usize);
        for chunk in order.chunks(config.batch_size) {
            let (mut x, y) = data.train.gather(chunk);
            if config.augment {
                augment(&mut x, config.dataset != ConvDataset::Svhn, &mut rng);
            }
            let (x, y) = batch(x, &y, device)?;
            let logits = net.forward_t(&x, true)?;
            let loss = candle_nn::loss::cross_entropy(&logits, &y)?;
            loss_sum += f64::from(loss.to_scalar::<f32>()?);
            correct += count_correct(&logits, &y)?;
            opt.backward_step(&loss)?;
            progress.batch_done();
        }
        let train_loss = Error::finite_loss(|| config.run_id(), epoch, loss_sum / batches as f64)?;
        let val_acc = accuracy(&net, &data.val, device)?;
        let seconds = t0.elapsed().as_secs_f64();
        let record = ConvEpoch {
            epoch,
            train_loss,
            train_acc: correct as f64 / n_train as f64,
            val_acc,
            seconds,
        };
        state.push(record, val_acc, seconds);
        ck.save(&encode(&vars, &opt)?, &state)?;
        progress.epoch_done(epoch, val_acc, state.best_epoch);
    }

    let analysis_started = Instant::now();
    load(&ck, state.best_epoch, &vars, None, device)?;
    let test_acc = accuracy(&net, &data.test, device)?;
    let train_acc = accuracy(&net, &data.train, device)?;
    Ok(Some(ConvRunResult {
        config: config.clone(),
        epochs: state.history.clone(),
        best_epoch: state.best_epoch,
        best_val_acc: state.best_val_acc,
        test_acc,
        train_acc,
        device: device_name(device),
        machine: machine(),
        seconds: state.run_seconds(started, analysis_started),
    }))
}

/// Refuses what would otherwise fail deep inside training.
fn check(config: &ConvConfig, data: &RunData) -> Result<()> {
    let bad = |what: String| Err(Error::Config(what));
    if config.batch_size == 0 {
        return bad("batch_size must be at least 1".into());
    }
    if !(config.lr.is_finite() && config.lr > 0.0) {
        return bad(format!("lr must be finite and positive, not {}", config.lr));
    }
    if !(0.0..1.0).contains(&config.momentum) {
        return bad(format!(
            "momentum must be in [0, 1), not {}",
            config.momentum
        ));
    }
    if !(config.weight_decay.is_finite() && config.weight_decay >= 0.0) {
        return bad(format!(
            "weight_decay must be >= 0, not {}",
            config.weight_decay
        ));
    }
    if data.train.dim() != CHANNELS * SIDE * SIDE {
        return bad(format!(
            "images of {} values; the models take 3 x 32 x 32",
            data.train.dim()
        ));
    }
    if data.train.is_empty() || data.val.is_empty() || data.test.is_empty() {
        return bad("training, validation and test splits must each hold images".into());
    }
    Ok(())
}

fn device_name(device: &Device) -> String {
    match device.location() {
        candle_core::DeviceLocation::Cpu => "cpu".to_string(),
        candle_core::DeviceLocation::Cuda { gpu_id } => format!("cuda:{gpu_id}"),
        candle_core::DeviceLocation::Metal { gpu_id } => format!("metal:{gpu_id}"),
    }
}

/// A batch of rows as `[n, 3, 32, 32]` images and `u32` labels.
fn batch(x: Vec<f32>, y: &[u8], device: &Device) -> Result<(Tensor, Tensor)> {
    let n = y.len();
    let x = Tensor::from_vec(x, (n, CHANNELS, SIDE, SIDE), device)?;
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
fn accuracy(net: &ConvNet, split: &Split, device: &Device) -> Result<f64> {
    let idx: Vec<usize> = (0..split.len()).collect();
    let mut correct = 0;
    for chunk in idx.chunks(EVAL_CHUNK) {
        let (x, y) = split.gather(chunk);
        let (x, y) = batch(x, &y, device)?;
        correct += count_correct(&net.forward_t(&x, false)?, &y)?;
    }
    Ok(correct as f64 / split.len().max(1) as f64)
}

/// Shifts each image of the batch `x` (rows of 3 x 32 x 32) by a random
/// offset in `[-MAX_SHIFT, MAX_SHIFT]` per axis, filling with zeros, and
/// mirrors it left-right with probability 1/2 when `flip`.
fn augment(x: &mut [f32], flip: bool, rng: &mut ChaCha8Rng) {
    let plane = SIDE * SIDE;
    let span = 2 * MAX_SHIFT as u32 + 1;
    let mut out = vec![0.0f32; CHANNELS * plane];
    for image in x.chunks_exact_mut(CHANNELS * plane) {
        let dy = (rng.next_u32() % span) as isize - MAX_SHIFT as isize;
        let dx = (rng.next_u32() % span) as isize - MAX_SHIFT as isize;
        let mirror = flip && rng.next_u32() & 1 == 1;
        out.fill(0.0);
        for c in 0..CHANNELS {
            for r in 0..SIDE {
                let sr = r as isize + dy;
                if !(0..SIDE as isize).contains(&sr) {
                    continue;
                }
                for col in 0..SIDE {
                    let src_col = if mirror { SIDE - 1 - col } else { col };
                    let sc = src_col as isize + dx;
                    if (0..SIDE as isize).contains(&sc) {
                        out[c * plane + r * SIDE + col] =
                            image[c * plane + sr as usize * SIDE + sc as usize];
                    }
                }
            }
        }
        image.copy_from_slice(&out);
    }
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

/// The checkpoint: every variable as `param/<name>` and every velocity as
/// `velocity/<name>`, in safetensors format.
fn encode(vars: &VarMap, opt: &MomentumSgd) -> Result<Vec<u8>> {
    let data = vars.data().lock().expect("no panics hold the lock");
    let mut tensors: Vec<(String, Tensor)> = data
        .iter()
        .map(|(name, var)| (format!("param/{name}"), var.as_tensor().clone()))
        .collect();
    tensors.extend(
        opt.velocities()
            .map(|(name, v)| (format!("velocity/{name}"), v.clone())),
    );
    safetensors::serialize(tensors, None).map_err(|e| Error::Config(format!("checkpoint: {e}")))
}

/// Loads the checkpoint of `epoch` into `vars` (and the velocities into
/// `opt`), refusing a file that does not hold exactly these tensors.
fn load(
    ck: &CheckpointDir,
    epoch: usize,
    vars: &VarMap,
    opt: Option<&mut MomentumSgd>,
    device: &Device,
) -> Result<()> {
    let path = ck.weights_path(epoch);
    let bad = |reason: String| Error::BadCheckpoint {
        path: path.clone(),
        reason,
    };
    let bytes = ck.weights(epoch)?;
    let mut tensors: HashMap<String, Tensor> =
        candle_core::safetensors::load_buffer(&bytes, device).map_err(|e| bad(e.to_string()))?;
    let data = vars.data().lock().expect("no panics hold the lock");
    for (name, var) in data.iter() {
        let t = tensors
            .remove(&format!("param/{name}"))
            .ok_or_else(|| bad(format!("no tensor {name}")))?;
        if t.shape() != var.shape() {
            return Err(bad(format!(
                "{name} has shape {:?}, expected {:?}",
                t.shape(),
                var.shape()
            )));
        }
        var.set(&t)?;
    }
    if let Some(opt) = opt {
        let expected = opt.len();
        let mut found = 0;
        for (key, t) in tensors.drain() {
            let Some(name) = key.strip_prefix("velocity/") else {
                return Err(bad(format!("unexpected tensor {key}")));
            };
            if !opt.set_velocity(name, t) {
                return Err(bad(format!("velocity {name} does not fit the model")));
            }
            found += 1;
        }
        if found != expected {
            return Err(bad(format!("{found} velocities, expected {expected}")));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn augmentation_shifts_within_bounds_and_keeps_values() {
        let mut x: Vec<f32> = (0..2 * CHANNELS * SIDE * SIDE)
            .map(|i| i as f32 + 1.0)
            .collect();
        let orig = x.clone();
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        augment(&mut x, true, &mut rng);
        assert_ne!(x, orig);
        // Every non-zero value comes from the same image and channel.
        let plane = SIDE * SIDE;
        for (i, &v) in x.iter().enumerate() {
            if v != 0.0 {
                let src = v as usize - 1;
                assert_eq!(src / plane, i / plane, "value moved across channels");
            }
        }
        let mut again: Vec<f32> = orig.clone();
        augment(&mut again, true, &mut ChaCha8Rng::seed_from_u64(1));
        assert_eq!(again, x, "the same stream gives the same augmentation");
    }

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
