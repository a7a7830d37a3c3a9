//! Training one MNIST run (paper section 5.1) with dfdx on the CPU, in `f32`,
//! with per-epoch checkpoints and exact resume, then the analyses of the
//! selected checkpoint.
//!
//! # What a run does
//!
//! - **Model**: 784-512-256-256-10, tanh, dfdx's default Linear
//!   initialisation (weights and biases uniform in
//!   `[-1/sqrt(fan_in), 1/sqrt(fan_in)]`). The dropout variant applies
//!   dfdx's (inverted) dropout at rate `dropout_p` to the outputs of the three
//!   hidden layers while training, not to the input pixels (Table 3: the input
//!   layer has no dropout variance). The GAAF variant uses GAAF-tanh with the
//!   shape `exp(-x^2 / shape_width)` and `K = gaaf_k`.
//! - **Dropout-matched variant**: GAAF-tanh whose shape is
//!   `DropoutMatched::new(Tanh, sigma_l)`, tabulated (1024 nodes, within 2e-5
//!   of the exact shape, `DropoutMatched::tabulated`). At the start of every epoch, on one
//!   fixed batch of `batch_size` training images and with the current
//!   weights, `S_l` is the mean over the layer's units `j` and the batch of
//!   `sum_i (W_ji x_i)^2`, where `x` is the layer's input (the previous hidden
//!   layer's output, without dropout), and
//!   `sigma_l = dropout_sigma(dropout_p, S_l, Inverted)` (Eq. 6 for inverted
//!   dropout, as the dropout variant uses). The first hidden layer's input is
//!   the pixels, which dropout does not touch, so `sigma_1 = 0` (no extra
//!   slope): the variant mirrors where the dropout variant's noise lands.
//! - **Loss and optimiser**: cross-entropy on the logits; plain SGD at `lr`,
//!   no momentum, no weight decay, so the weights are a complete checkpoint.
//! - **Convergence**: after each epoch the validation accuracy is measured;
//!   training stops when it has not improved (strictly) for `patience` epochs,
//!   or after `max_epochs`. The run reports `best_epoch`, `best_val_acc` and
//!   the test accuracy of the weights saved at `best_epoch`.
//! - **Gradient information** (Eq. 5, Table 2): at every iteration, per weight
//!   matrix, the mean of `|dE/dW|` of the gradients dfdx computed; each
//!   epoch's record holds the epoch mean, the run the mean over epochs
//!   `1..=best_epoch` (every epoch has the same number of iterations, so this
//!   is the mean over those iterations).
//! - **Analyses** on the selected checkpoint, test set, no dropout: per hidden
//!   layer the correlations of its outputs and the histogram of its nets; for
//!   the dropout variant, Table 3's net variances (see [`RunResult::net_variance`]):
//!   one batch of 128 training images, 20 dropout masks, per (image, unit)
//!   the population variance of the net over the 20 passes, averaged over
//!   images and units, for the nets of `[Layer1, Layer2, Layer3, Last]`.
//!
//! # Determinism and resume
//!
//! Every random stream is derived from `(seed, purpose, epoch)`: the
//! initialisation, each epoch's shuffle and each epoch's dropout masks (a dfdx
//! `Cpu` seeded for the epoch, on which that epoch's batches are built, so the
//! masks come from it), the fixed batch of the dropout-matched sigmas and the
//! Table 3 batch and masks. The validation split and subsets use `seed`
//! through `gaaf-data`. A run resumed from the checkpoint of epoch `k`
//! therefore continues exactly as an uninterrupted run would; on one machine
//! with one matmul thread count, the same seed gives bit-identical results.

mod checkpoint;
mod data;
mod model;

pub use data::{RunData, Split};

use crate::analysis::layer_correlation;
use crate::checkpoint::CheckpointDir;
use crate::error::{Error, Result};
use crate::{EpochRecord, Histogram, RunResult, TrainConfig, Variant, NET_BINS, NET_RANGE};
use checkpoint::MnistState;
use dfdx::optim::{Sgd, SgdConfig};
use dfdx::prelude::*;
use gaaf_shapes::{dropout_sigma, DropoutScaling};
use model::{rows, Act, Net, CLASSES, HIDDEN, INPUT};
use std::path::Path;
use std::time::Instant;

pub use crate::sweep::Progress;

/// Images and dropout masks of Table 3's net variances.
pub const NET_VARIANCE_BATCH: usize = 128;
/// Dropout masks of Table 3's net variances.
pub const NET_VARIANCE_PASSES: usize = 20;
/// Rows per forward pass when evaluating (bounds memory, not results).
const EVAL_CHUNK: usize = 1000;

/// The purposes random streams are derived for.
#[derive(Clone, Copy)]
pub(crate) enum Stream {
    Init = 1,
    Shuffle = 2,
    Dropout = 3,
    SigmaBatch = 4,
    NetVariance = 5,
    Augment = 6,
}

/// A seed for `purpose` in `epoch` of the run seeded `seed` (SplitMix64 over
/// the three, so that nearby inputs give unrelated seeds).
pub(crate) fn stream_seed(seed: u64, purpose: Stream, epoch: usize) -> u64 {
    let mut z = seed
        .wrapping_mul(0x9E37_79B9_7F4A_7C15)
        .wrapping_add((purpose as u64) << 32)
        .wrapping_add(epoch as u64);
    for _ in 0..2 {
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
    }
    z
}

/// How [`train_until`] ended.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// The run converged (or reached `max_epochs`) and was analysed.
    Finished(Box<RunResult>),
    /// Stopped, as asked, with this many epochs done and checkpointed.
    Stopped(usize),
}

/// Trains `config` on `data` to convergence, checkpointing into
/// `checkpoint_dir` after every epoch and resuming from it, then analyses the
/// selected checkpoint.
///
/// # Errors
///
/// [`Error::ConfigMismatch`] when `checkpoint_dir` holds another
/// configuration's state; I/O and checkpoint errors; [`Error::Diverged`].
pub fn train(
    config: &TrainConfig,
    data: &RunData,
    checkpoint_dir: &Path,
    progress: &dyn Progress,
) -> Result<RunResult> {
    match train_until(config, data, checkpoint_dir, progress, None)? {
        Outcome::Finished(r) => Ok(*r),
        Outcome::Stopped(_) => unreachable!("no stop was asked for"),
    }
}

/// As [`train`], but stops once `stop_after` epochs are done and
/// checkpointed (`None`: never), as an interrupted run would.
///
/// # Errors
///
/// As [`train`].
pub fn train_until(
    config: &TrainConfig,
    data: &RunData,
    checkpoint_dir: &Path,
    progress: &dyn Progress,
    stop_after: Option<usize>,
) -> Result<Outcome> {
    let started = Instant::now();
    let dev = Cpu::seed_from_u64(stream_seed(config.seed, Stream::Init, 0));
    let mut net = Net::new(config, &dev)?;
    let ck = CheckpointDir::new(checkpoint_dir);
    let mut state = match ck.resume(config)? {
        Some(s) => {
            if s.epochs_done() > 0 {
                checkpoint::load(&ck, s.epochs_done(), &mut net.layers)?;
            }
            s
        }
        None => MnistState::new(config.clone()),
    };
    let mut opt = Sgd::new(
        &net.layers,
        SgdConfig {
            lr: config.lr,
            momentum: None,
            weight_decay: None,
        },
    );
    let mut grads = net.layers.alloc_grads();
    let n_train = data.train.len();
    let batches = n_train.div_ceil(config.batch_size.max(1));

    while !state.converged(config.max_epochs, config.patience) {
        if stop_after.is_some_and(|s| state.epochs_done() >= s) {
            return Ok(Outcome::Stopped(state.epochs_done()));
        }
        let epoch = state.epochs_done() + 1;
        let t0 = Instant::now();
        progress.epoch_started(epoch, batches);
        if config.variant == Variant::DropoutMatched {
            let sigmas = set_matched_sigmas(&mut net, config, data, &dev)?;
            state.sigmas.push(sigmas);
        }
        let edev = Cpu::seed_from_u64(stream_seed(config.seed, Stream::Dropout, epoch));
        let order =
            gaaf_data::shuffled_indices(n_train, stream_seed(config.seed, Stream::Shuffle, epoch));
        let mut loss_sum = 0.0;
        let mut grad_sum = [0.0f64; 4];
        for chunk in order.chunks(config.batch_size) {
            let (x, y) = data.train.gather(chunk);
            let x = rows::<INPUT>(&edev, x).traced(grads);
            let targets = one_hot(&edev, &y);
            let loss = cross_entropy_with_logits_loss(net.logits(x, true), targets);
            loss_sum += f64::from(loss.array());
            grads = loss.backward();
            let g = [
                grads.get(&net.layers.0.weight).as_vec(),
                grads.get(&net.layers.1.weight).as_vec(),
                grads.get(&net.layers.2.weight).as_vec(),
                grads.get(&net.layers.3.weight).as_vec(),
            ];
            for (sum, g) in grad_sum.iter_mut().zip(&g) {
                *sum += mean_abs(g);
            }
            opt.update(&mut net.layers, &grads)
                .map_err(|e| Error::Config(format!("optimiser: {e:?}")))?;
            net.layers.zero_grads(&mut grads);
            progress.batch_done();
        }
        let train_loss = Error::finite_loss(|| config.run_id(), epoch, loss_sum / batches as f64)?;
        let val_acc = accuracy(&net, &data.val, &dev);
        let record = EpochRecord {
            epoch,
            train_loss,
            val_acc,
            grad_info: grad_sum.iter().map(|s| s / batches as f64).collect(),
            seconds: t0.elapsed().as_secs_f64(),
        };
        let seconds = record.seconds;
        state.push(record, val_acc, seconds);
        checkpoint::save(&ck, &net.layers, &state)?;
        progress.epoch_done(epoch, val_acc, state.best_epoch);
    }

    let analysis_started = Instant::now();
    checkpoint::load(&ck, state.best_epoch, &mut net.layers)?;
    if config.variant == Variant::DropoutMatched {
        let sigmas = &state.sigmas[state.best_epoch - 1];
        for (act, &s) in net.acts.iter_mut().zip(sigmas) {
            *act = Act::matched(config, s)?;
        }
    }
    let mut result = analyse(&net, config, data, &dev, &state);
    result.seconds = state.run_seconds(started, analysis_started);
    Ok(Outcome::Finished(Box::new(result)))
}

fn mean_abs(g: &[f32]) -> f64 {
    g.iter().map(|v| f64::from(v.abs())).sum::<f64>() / g.len().max(1) as f64
}

fn one_hot(dev: &Cpu, labels: &[u8]) -> model::Rows<CLASSES> {
    let mut t = vec![0.0f32; labels.len() * CLASSES];
    for (row, &l) in labels.iter().enumerate() {
        t[row * CLASSES + usize::from(l)] = 1.0;
    }
    rows(dev, t)
}

/// Fraction of `split` classified correctly (no dropout).
fn accuracy(net: &Net, split: &Split, dev: &Cpu) -> f64 {
    let mut correct = 0usize;
    let idx: Vec<usize> = (0..split.len()).collect();
    for chunk in idx.chunks(EVAL_CHUNK) {
        let (x, y) = split.gather(chunk);
        let logits = net.logits(rows::<INPUT>(dev, x), false).as_vec();
        for (row, &label) in logits.chunks_exact(CLASSES).zip(&y) {
            let mut arg = 0;
            for (k, v) in row.iter().enumerate() {
                if *v > row[arg] {
                    arg = k;
                }
            }
            correct += usize::from(arg == usize::from(label));
        }
    }
    correct as f64 / split.len().max(1) as f64
}

/// Sets the dropout-matched activations from the current weights (see the
/// module docs) and returns the three sigmas.
fn set_matched_sigmas(
    net: &mut Net,
    config: &TrainConfig,
    data: &RunData,
    dev: &Cpu,
) -> Result<Vec<f64>> {
    let order = gaaf_data::shuffled_indices(
        data.train.len(),
        stream_seed(config.seed, Stream::SigmaBatch, 0),
    );
    let take = config.batch_size.min(order.len());
    let (x, _) = data.train.gather(&order[..take]);
    let x = rows::<INPUT>(dev, x);
    let p = config.dropout_p;
    net.acts[0] = Act::matched(config, 0.0)?;
    let h1 = net.acts[0].apply(net.layers.0.forward(x));
    let s2 = dropout_sigma(
        p,
        mean_sum_sq(h1.clone(), &net.layers.1.weight),
        DropoutScaling::Inverted,
    )?;
    net.acts[1] = Act::matched(config, s2)?;
    let h2 = net.acts[1].apply(net.layers.1.forward(h1));
    let s3 = dropout_sigma(
        p,
        mean_sum_sq(h2, &net.layers.2.weight),
        DropoutScaling::Inverted,
    )?;
    net.acts[2] = Act::matched(config, s3)?;
    Ok(vec![0.0, s2, s3])
}

/// The mean over rows `n` and units `j` of `sum_i (W_ji x_ni)^2`, that is
/// the mean of `x^2 (W^2)^T`.
fn mean_sum_sq<const I: usize, const O: usize>(
    x: model::Rows<I>,
    w: &Tensor<Rank2<O, I>, f32, Cpu>,
) -> f64 {
    let wt: Tensor<Rank2<I, O>, f32, Cpu> = w.clone().square().permute();
    let mean: Tensor<Rank0, f32, Cpu> = x.square().matmul(wt).mean();
    f64::from(mean.array())
}

/// The analyses of the selected checkpoint (module docs).
fn analyse(
    net: &Net,
    config: &TrainConfig,
    data: &RunData,
    dev: &Cpu,
    state: &MnistState,
) -> RunResult {
    let test_acc = accuracy(net, &data.test, dev);
    let n = data.test.len();
    let mut nets: [Vec<f32>; 3] = Default::default();
    let mut outs: [Vec<f32>; 3] = Default::default();
    let idx: Vec<usize> = (0..n).collect();
    for chunk in idx.chunks(EVAL_CHUNK) {
        let (x, _) = data.test.gather(chunk);
        let probe = net.probe(rows::<INPUT>(dev, x), None);
        for l in 0..3 {
            nets[l].extend_from_slice(&probe.nets[l]);
            outs[l].extend_from_slice(&probe.outputs[l]);
        }
    }
    let correlations = (0..3)
        .map(|l| layer_correlation(&outs[l], n, HIDDEN[l]))
        .collect();
    let net_hists = nets
        .iter()
        .map(|z| {
            Histogram::of(
                z.iter().map(|&v| f64::from(v)),
                NET_RANGE.0,
                NET_RANGE.1,
                NET_BINS,
            )
        })
        .collect();
    let net_variance =
        (config.variant == Variant::Dropout).then(|| net_variance(net, config, data));
    let best = state.best_epoch;
    let grad_info = (0..4)
        .map(|k| {
            state.history[..best]
                .iter()
                .map(|r| r.grad_info[k])
                .sum::<f64>()
                / best as f64
        })
        .collect();
    RunResult {
        config: config.clone(),
        epochs: state.history.clone(),
        best_epoch: best,
        best_val_acc: state.best_val_acc,
        test_acc,
        grad_info,
        correlations,
        nets: net_hists,
        net_variance,
        machine: machine(),
        seconds: 0.0,
    }
}

/// Table 3 (module docs).
fn net_variance(net: &Net, config: &TrainConfig, data: &RunData) -> Vec<f64> {
    let order = gaaf_data::shuffled_indices(
        data.train.len(),
        stream_seed(config.seed, Stream::NetVariance, 0),
    );
    let take = NET_VARIANCE_BATCH.min(order.len());
    let (x, _) = data.train.gather(&order[..take]);
    let mdev = Cpu::seed_from_u64(stream_seed(config.seed, Stream::NetVariance, 1));
    let x = rows::<INPUT>(&mdev, x);
    let mut sums: Vec<Vec<(f64, f64)>> = Vec::new();
    for _ in 0..NET_VARIANCE_PASSES {
        let probe = net.probe(x.clone(), Some(config.dropout_p));
        if sums.is_empty() {
            sums = probe
                .nets
                .iter()
                .map(|z| vec![(0.0, 0.0); z.len()])
                .collect();
        }
        for (acc, z) in sums.iter_mut().zip(&probe.nets) {
            for (a, &v) in acc.iter_mut().zip(z) {
                a.0 += f64::from(v);
                a.1 += f64::from(v) * f64::from(v);
            }
        }
    }
    let k = NET_VARIANCE_PASSES as f64;
    sums.iter()
        .map(|acc| {
            acc.iter()
                .map(|(s, sq)| (sq / k - (s / k) * (s / k)).max(0.0))
                .sum::<f64>()
                / acc.len().max(1) as f64
        })
        .collect()
}

/// The CPU model, its logical cores, and the matmul threads this process uses.
pub fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|m| m.trim().to_string())
        })
        .unwrap_or_else(|| std::env::consts::ARCH.to_string());
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let threads = std::env::var("RAYON_NUM_THREADS").unwrap_or_else(|_| cores.to_string());
    format!("{cpu}, {cores} logical cores, {threads} matmul thread(s) per run")
}
