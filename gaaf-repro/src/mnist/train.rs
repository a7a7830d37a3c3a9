//! Training one MNIST run (paper section 5.1) with dfdx on the CPU or (feature
//! `cuda`) a GPU ([`MnistDevice`]), in `f32`, with per-epoch checkpoints and
//! exact resume, then the analyses of the selected checkpoint.
//!
//! # What a run does
//!
//! - **Model**: 784-512-256-256-10, tanh, dfdx's default Linear
//!   initialisation (weights and biases uniform in
//!   `[-1/sqrt(fan_in), 1/sqrt(fan_in)]`). The dropout variant applies
//!   inverted dropout at rate `dropout_p` to the outputs of the three
//!   hidden layers while training, not to the input pixels (Table 3: the input
//!   layer has no dropout variance). The GAAF variant uses GAAF-tanh with the
//!   shape `exp(-x^2 / shape_width)` and `K = gaaf_k`.
//! - **Dropout-matched variant**: GAAF-tanh whose shape is
//!   `DropoutMatched::new(Tanh, sigma_l)`, fitted (`DropoutMatchedTanh`, 32
//!   Chebyshev terms, within 1e-7 of the exact shape for `sigma_l <= 1.4`;
//!   until 2026-12-03 a 1024-node table, within 2e-5). At the start of every epoch, on one
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
//!   training stops when the mean of the last 20 epochs beats that of the 20
//!   before by at most 0.02 points ([`crate::sweep::Plateau::DEFAULT`]; runs
//!   made before 2026-12-03 evening used patience 20), or after `max_epochs`
//!   (the shared epoch loop, [`crate::sweep::train_until`]). The run reports `best_epoch`, `best_val_acc` and
//!   the test accuracy of the weights saved at `best_epoch`.
//! - **Gradient information** (Eq. 5, Table 2): at every iteration, per weight
//!   matrix, the mean of `|dE/dW|` of the gradients dfdx computed; each
//!   epoch's record holds the epoch mean, the run the mean over epochs
//!   `1..=best_epoch` (every epoch has the same number of iterations, so this
//!   is the mean over those iterations).
//! - **Analyses** on the selected checkpoint, test set, no dropout: per hidden
//!   layer the correlations of its outputs and the histogram of its nets; for
//!   the dropout variant, Table 3's net variances (see [`Run::net_variance`]):
//!   one batch of 128 training images, 20 dropout masks, per (image, unit)
//!   the population variance of the net over the 20 passes, averaged over
//!   images and units, for the nets of `[Layer1, Layer2, Layer3, Last]`.
//!
//! # Determinism and resume
//!
//! Every random stream is derived from `(seed, purpose, epoch)`: the
//! initialisation, each epoch's shuffle and each epoch's dropout masks (drawn
//! from a dfdx `Cpu` seeded for the epoch on every device, see
//! [`MnistDevice`]), the fixed batch of the dropout-matched sigmas and the
//! Table 3 batch and masks. The validation split and subsets use `seed`
//! through `gaaf-data`. A run resumed from the checkpoint of epoch `k`
//! therefore continues exactly as an uninterrupted run would; on one machine
//! with one matmul thread count, the same seed gives bit-identical results on
//! the CPU. On CUDA a run draws the same weights and masks, but cuBLAS and
//! the GPU's arithmetic differ from the CPU's, so results are close, not
//! equal; whether they repeat bit for bit on one GPU is untested.
//! Plain SGD keeps no optimiser state, so the weights are a complete
//! checkpoint (with, for the dropout-matched variant, each epoch's sigmas in
//! the checkpoint state); an Adam run's checkpoint adds both moments, and
//! its step count follows from the epoch.

use super::adam::AdamState;
use super::analysis::layer_correlation;
use super::device::{DfdxDevice, MnistDevice};
use super::model::{rows, Act, Layers, Net, Rows, CLASSES, HIDDEN, INPUT};
use super::per_sample::StepProbes;
use super::sgd::sgd_step;
use super::{Config, Epoch, Histogram, Optimiser, Run, Variant, NET_BINS, NET_RANGE};
use crate::error::Result;
use crate::sweep::{
    self, machine, stream_seed, NamedTensor, Outcome, Progress, RunData, RunState, Split, Stream,
};
use dfdx::prelude::*;
use gaaf_shapes::{dropout_sigma, DropoutScaling};
use std::collections::HashMap;
use std::path::Path;
use std::time::Instant;

/// Images and dropout masks of Table 3's net variances.
pub const NET_VARIANCE_BATCH: usize = 128;
/// Dropout masks of Table 3's net variances.
pub const NET_VARIANCE_PASSES: usize = 20;
/// Rows per forward pass when evaluating (bounds memory, not results).
const EVAL_CHUNK: usize = 1000;

/// `splits` prepared for an MNIST run of `config`: its validation split and
/// subsets, normalised (see [`RunData::split`]).
///
/// # Errors
///
/// When the images are not 784 pixels, or a split or subset is larger than
/// the data.
pub fn prepare(splits: &gaaf_data::Splits, config: &Config) -> Result<RunData> {
    RunData::split(splits, &config.sizes, config.seed)?.expect_image_size(INPUT, "MNIST model")
}

/// Trains `config` on `data` to convergence, checkpointing into
/// `checkpoint_dir` after every epoch and resuming from it, then analyses the
/// selected checkpoint.
///
/// # Errors
///
/// [`crate::Error::ConfigMismatch`] when `checkpoint_dir` holds another
/// configuration's checkpoint; I/O errors; [`crate::Error::Diverged`].
pub fn train(
    config: &Config,
    data: &RunData,
    checkpoint_dir: &Path,
    progress: &dyn Progress,
) -> Result<Run> {
    sweep::train(Trainer::new(config, data)?, checkpoint_dir, progress)
}

/// As [`train`], on `device`.
///
/// # Errors
///
/// As [`train`], and [`crate::Error::Unsupported`] (before any training) for
/// a variant `device` cannot run.
pub fn train_on(
    config: &Config,
    data: &RunData,
    device: &DfdxDevice,
    checkpoint_dir: &Path,
    progress: &dyn Progress,
) -> Result<Run> {
    match device {
        DfdxDevice::Cpu => train(config, data, checkpoint_dir, progress),
        #[cfg(feature = "cuda")]
        DfdxDevice::Cuda { ordinal } => {
            let dev = super::device::open_cuda(*ordinal)?;
            let trainer = Trainer::on(config, data, &dev, device.machine_note())?;
            sweep::train(trainer, checkpoint_dir, progress)
        }
    }
}

/// As [`train`], but stops once `stop_after` epochs are done and
/// checkpointed (`None`: never), as an interrupted run would.
///
/// # Errors
///
/// As [`train`], and [`crate::Error::InvalidConfig`] for a configuration out
/// of range.
pub fn train_until(
    config: &Config,
    data: &RunData,
    checkpoint_dir: &Path,
    progress: &dyn Progress,
    stop_after: Option<usize>,
) -> Result<Outcome<Run>> {
    let mut trainer = Trainer::new(config, data)?;
    sweep::train_until(&mut trainer, checkpoint_dir, progress, stop_after)
}

/// One MNIST run as the shared epoch loop drives it, on dfdx device `D`.
pub struct Trainer<'a, D: MnistDevice = Cpu> {
    config: &'a Config,
    data: &'a RunData,
    dev: D,
    net: Net<D>,
    /// Allocated once and reused by every batch (dfdx moves them into the
    /// tape and hands them back from `backward`).
    grads: Option<Gradients<f32, D>>,
    /// Appended to the run's machine line (the device, off the CPU).
    machine_note: Option<String>,
    /// Adam's moments (Adam runs only).
    adam: Option<AdamState<D>>,
    /// Per-layer learning-rate multipliers (`base-lr-scaled` only): GAAF's
    /// gradient gain at initialisation over base, per weight matrix.
    lr_scales: Option<[f64; 4]>,
}

impl<'a> Trainer<'a> {
    /// A freshly initialised model for `config` on `data`, on the CPU.
    ///
    /// # Errors
    ///
    /// [`crate::Error::InvalidConfig`] for a configuration out of range; the
    /// activation's for a shape it refuses.
    pub fn new(config: &'a Config, data: &'a RunData) -> Result<Self> {
        Self::on(config, data, &Cpu::default(), None)
    }
}

impl<'a, D: MnistDevice> Trainer<'a, D> {
    /// A freshly initialised model for `config` on `data`, on `dev` (see
    /// [`MnistDevice::init`]); `machine_note` is appended to the run's machine
    /// line.
    ///
    /// # Errors
    ///
    /// As [`Trainer::new`], and [`crate::Error::Unsupported`] for the
    /// dropout-matched variant on a device without it.
    pub fn on(
        config: &'a Config,
        data: &'a RunData,
        dev: &D,
        machine_note: Option<String>,
    ) -> Result<Self> {
        config.validate()?;
        let (dev, layers) = dev.init(stream_seed(config.seed, Stream::Init, 0));
        let net = Net::new(config, layers)?;
        let grads = Some(net.layers.alloc_grads());
        let adam = (config.optimiser == Optimiser::Adam).then(|| AdamState::new(&net.layers));
        let lr_scales = if config.variant == Variant::BaseLrScaled {
            Some(gaaf_gain_at_init(config, data, &dev)?)
        } else {
            None
        };
        Ok(Self {
            config,
            data,
            dev,
            net,
            grads,
            machine_note,
            adam,
            lr_scales,
        })
    }
}

/// The checkpoint's tensor names, in the model's order.
const TENSOR_NAMES: [&str; 8] = [
    "layer1.weight",
    "layer1.bias",
    "layer2.weight",
    "layer2.bias",
    "layer3.weight",
    "layer3.bias",
    "layer4.weight",
    "layer4.bias",
];

/// A tensor's shape and values.
type ShapedValues = (Vec<usize>, Vec<f32>);

/// Name prefixes of Adam's moments in a checkpoint.
const ADAM_M: &str = "adam.m.";
const ADAM_V: &str = "adam.v.";

/// Sets `layers` from the tensors named `prefix` + [`TENSOR_NAMES`].
fn load_layers<D: MnistDevice>(
    layers: &mut Layers<D>,
    tensors: &mut HashMap<String, NamedTensor>,
    prefix: &str,
) {
    // The epoch loop checked every name and shape against `layout`, so each
    // tensor is there; an empty one would fail `copy_from`'s length check.
    let mut take = |i: usize| {
        tensors
            .remove(&format!("{prefix}{}", TENSOR_NAMES[i]))
            .map(|t| t.values)
            .unwrap_or_default()
    };
    layers.0.weight.copy_from(&take(0));
    layers.0.bias.copy_from(&take(1));
    layers.1.weight.copy_from(&take(2));
    layers.1.bias.copy_from(&take(3));
    layers.2.weight.copy_from(&take(4));
    layers.2.bias.copy_from(&take(5));
    layers.3.weight.copy_from(&take(6));
    layers.3.bias.copy_from(&take(7));
}

impl<D: MnistDevice> Trainer<'_, D> {
    /// The checkpoint's tensors, named: the model's, and with `optimiser`
    /// Adam's moments too (SGD keeps no state).
    fn named(&self, optimiser: bool) -> Vec<(String, ShapedValues)> {
        let of = |layers: &Layers<D>, prefix: &str| {
            TENSOR_NAMES
                .iter()
                .zip(layer_tensors(layers))
                .map(|(name, t)| (format!("{prefix}{name}"), t))
                .collect::<Vec<_>>()
        };
        let mut named = of(&self.net.layers, "");
        if let (true, Some(adam)) = (optimiser, &self.adam) {
            named.extend(of(&adam.m, ADAM_M));
            named.extend(of(&adam.v, ADAM_V));
        }
        named
    }
}

/// The values of the four layers' weights and biases, in [`TENSOR_NAMES`]'
/// order, with their shapes.
fn layer_tensors<D: MnistDevice>(layers: &Layers<D>) -> [ShapedValues; 8] {
    fn w<const O: usize, const I: usize, D: MnistDevice>(
        t: &Tensor<Rank2<O, I>, f32, D>,
    ) -> (Vec<usize>, Vec<f32>) {
        (vec![O, I], t.as_vec())
    }
    fn b<const O: usize, D: MnistDevice>(t: &Tensor<Rank1<O>, f32, D>) -> (Vec<usize>, Vec<f32>) {
        (vec![O], t.as_vec())
    }
    [
        w(&layers.0.weight),
        b(&layers.0.bias),
        w(&layers.1.weight),
        b(&layers.1.bias),
        w(&layers.2.weight),
        b(&layers.2.bias),
        w(&layers.3.weight),
        b(&layers.3.bias),
    ]
}

impl<D: MnistDevice> sweep::Trainer for Trainer<'_, D> {
    type Config = Config;
    type Record = Epoch;
    /// Per epoch done, the sigma of each hidden layer's dropout-matched shape
    /// (the dropout-matched variant only; empty otherwise).
    type Extra = Vec<Vec<f64>>;
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
            .map(|(name, (shape, _))| (name, shape))
            .collect()
    }

    fn tensors(&self) -> Result<Vec<NamedTensor>> {
        Ok(self
            .named(true)
            .into_iter()
            .map(|(name, (shape, values))| NamedTensor {
                name,
                shape,
                values,
            })
            .collect())
    }

    fn load(&mut self, mut tensors: HashMap<String, NamedTensor>, optimiser: bool) -> Result<()> {
        load_layers(&mut self.net.layers, &mut tensors, "");
        if let (true, Some(adam)) = (optimiser, &mut self.adam) {
            load_layers(&mut adam.m, &mut tensors, ADAM_M);
            load_layers(&mut adam.v, &mut tensors, ADAM_V);
        }
        Ok(())
    }

    fn train_epoch(
        &mut self,
        epoch: usize,
        sigmas: &mut Vec<Vec<f64>>,
        progress: &dyn Progress,
    ) -> Result<Epoch> {
        let (config, data) = (self.config, self.data);
        let t0 = Instant::now();
        let matched_sigmas = if config.variant == Variant::DropoutMatched {
            let s = set_matched_sigmas(&mut self.net, config, data, &self.dev)?;
            sigmas.push(s.clone());
            Some(s)
        } else {
            None
        };
        // The epoch's dropout masks (see `MnistDevice`).
        let masks = Cpu::seed_from_u64(stream_seed(config.seed, Stream::Dropout, epoch));
        let n_train = data.train.len();
        let order =
            gaaf_data::shuffled_indices(n_train, stream_seed(config.seed, Stream::Shuffle, epoch));
        let mut loss_sum = 0.0;
        let mut grad_sum = [0.0f64; 4];
        let mut per_sample_sum = [0.0f64; 4];
        let probes = StepProbes::default();
        // Adam's step count: every batch of the epochs before, then this
        // epoch's (so a resumed run continues the count).
        let mut step = ((epoch - 1) * self.batches()) as u64;
        let mut grads = self
            .grads
            .take()
            .unwrap_or_else(|| self.net.layers.alloc_grads());
        for chunk in order.chunks(config.batch_size) {
            let (x, y) = data.train.gather(chunk);
            let x = rows::<INPUT, D>(&self.dev, x).traced(grads);
            let targets = rows::<CLASSES, D>(&self.dev, one_hot(&y));
            let logits = self.net.logits(x, Some(&masks), Some(&probes));
            let loss = cross_entropy_with_logits_loss(logits, targets);
            loss_sum += f64::from(loss.array());
            grads = loss.backward();
            for (sum, g) in per_sample_sum.iter_mut().zip(probes.take_per_sample()) {
                *sum += g;
            }
            let layers = &self.net.layers;
            grad_sum[0] += D::grad_mean_abs(&mut grads, &layers.0.weight)?;
            grad_sum[1] += D::grad_mean_abs(&mut grads, &layers.1.weight)?;
            grad_sum[2] += D::grad_mean_abs(&mut grads, &layers.2.weight)?;
            grad_sum[3] += D::grad_mean_abs(&mut grads, &layers.3.weight)?;
            step += 1;
            self.update(&grads, step).map_err(D::device_error)?;
            self.net.layers.zero_grads(&mut grads);
            progress.batch_done();
        }
        self.grads = Some(grads);
        let batches = self.batches() as f64;
        let val_acc = accuracy(&self.net, &data.val, &self.dev);
        Ok(Epoch {
            epoch,
            train_loss: loss_sum / batches,
            val_acc,
            grad_info: grad_sum.iter().map(|s| s / batches).collect(),
            grad_info_per_sample: per_sample_sum.iter().map(|s| s / batches).collect(),
            matched_sigmas,
            seconds: t0.elapsed().as_secs_f64(),
        })
    }

    fn finish(&mut self, state: &RunState<Self>, run_seconds: &dyn Fn() -> f64) -> Result<Run> {
        let config = self.config;
        if config.variant == Variant::DropoutMatched {
            let sigmas = &state.extra[state.best_epoch - 1];
            for (act, &s) in self.net.acts.iter_mut().zip(sigmas) {
                *act = Act::matched(config, s)?;
            }
        }
        let mut result = analyse(&self.net, config, self.data, &self.dev, state);
        result.init_grad_info = init_grad_info(config, self.data, &self.dev)?;
        result.lr_scales = self.lr_scales.map(Vec::from);
        if let Some(note) = &self.machine_note {
            result.machine = format!("{}; {note}", result.machine);
        }
        result.seconds = run_seconds();
        Ok(result)
    }
}

/// `labels` one-hot, row-major `(labels, CLASSES)`.
fn one_hot(labels: &[u8]) -> Vec<f32> {
    let mut t = vec![0.0f32; labels.len() * CLASSES];
    for (row, &l) in labels.iter().enumerate() {
        t[row * CLASSES + usize::from(l)] = 1.0;
    }
    t
}

/// Fraction of `split` classified correctly (no dropout).
fn accuracy<D: MnistDevice>(net: &Net<D>, split: &Split, dev: &D) -> f64 {
    let mut correct = 0usize;
    let idx: Vec<usize> = (0..split.len()).collect();
    for chunk in idx.chunks(EVAL_CHUNK) {
        let (x, y) = split.gather(chunk);
        let logits = net.logits(rows::<INPUT, D>(dev, x), None, None).as_vec();
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
fn set_matched_sigmas<D: MnistDevice>(
    net: &mut Net<D>,
    config: &Config,
    data: &RunData,
    dev: &D,
) -> Result<Vec<f64>> {
    let order = gaaf_data::shuffled_indices(
        data.train.len(),
        stream_seed(config.seed, Stream::SigmaBatch, 0),
    );
    let take = config.batch_size.min(order.len());
    let (x, _) = data.train.gather(&order[..take]);
    let x = rows::<INPUT, D>(dev, x);
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
fn mean_sum_sq<const I: usize, const O: usize, D: MnistDevice>(
    x: Rows<I, D>,
    w: &Tensor<Rank2<O, I>, f32, D>,
) -> f64 {
    let wt: Tensor<Rank2<I, O>, f32, D> = w.clone().square().permute();
    let mean: Tensor<Rank0, f32, D> = x.square().matmul(wt).mean();
    f64::from(mean.array())
}

/// The analyses of the selected checkpoint (module docs).
fn analyse<D: MnistDevice>(
    net: &Net<D>,
    config: &Config,
    data: &RunData,
    dev: &D,
    state: &RunState<Trainer<'_, D>>,
) -> Run {
    let test_acc = accuracy(net, &data.test, dev);
    let n = data.test.len();
    let mut nets: [Vec<f32>; 3] = Default::default();
    let mut outs: [Vec<f32>; 3] = Default::default();
    let idx: Vec<usize> = (0..n).collect();
    for chunk in idx.chunks(EVAL_CHUNK) {
        let (x, _) = data.test.gather(chunk);
        let probe = net.probe(rows::<INPUT, D>(dev, x), None);
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
        (config.variant == Variant::Dropout).then(|| net_variance(net, config, data, dev));
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
    Run {
        config: config.clone(),
        epochs: state.history.clone(),
        best_epoch: best,
        best_val_acc: state.best_val_acc,
        test_acc,
        grad_info,
        init_grad_info: Vec::new(),
        lr_scales: None,
        correlations,
        nets: net_hists,
        net_variance,
        machine: machine(),
        commit: crate::sweep::COMMIT.to_string(),
        seconds: 0.0,
    }
}

/// Images in the fixed batch of the gradient at initialisation.
const INIT_GRAD_IMAGES: usize = 1024;

impl<D: MnistDevice> Trainer<'_, D> {
    /// One optimiser step (`step`: 1-based, over the whole run).
    fn update(&mut self, grads: &Gradients<f32, D>, step: u64) -> std::result::Result<(), D::Err> {
        let lr = self.config.lr;
        let layers = &mut self.net.layers;
        match (&mut self.adam, self.lr_scales) {
            (Some(adam), _) => adam.step(layers, grads, lr, step),
            (None, Some(s)) => {
                sgd_step(&mut layers.0, grads, lr * s[0])?;
                sgd_step(&mut layers.1, grads, lr * s[1])?;
                sgd_step(&mut layers.2, grads, lr * s[2])?;
                sgd_step(&mut layers.3, grads, lr * s[3])
            }
            (None, None) => sgd_step(layers, grads, lr),
        }
    }
}

/// GAAF's gradient gain at initialisation over base for `config`'s seed and
/// data: per weight matrix, Eq. 5 per sample ([`init_grad_info`]) of the
/// GAAF model over that of the base model, both from the seed's initial
/// weights (the same weights: the models differ in activation only).
///
/// # Errors
///
/// As [`init_grad_info`].
fn gaaf_gain_at_init<D: MnistDevice>(config: &Config, data: &RunData, dev: &D) -> Result<[f64; 4]> {
    let with = |variant| Config {
        variant,
        ..config.clone()
    };
    let gaaf = init_grad_info(&with(Variant::Gaaf), data, dev)?;
    let base = init_grad_info(&with(Variant::Base), data, dev)?;
    let mut gain = [1.0; 4];
    for (k, g) in gain.iter_mut().enumerate() {
        *g = gaaf[k] / base[k];
    }
    Ok(gain)
}

/// Eq. 5 per sample at the initial weights of `config`'s run (drawn again
/// from the initialisation stream), per weight matrix, on a fixed batch of
/// [`INIT_GRAD_IMAGES`] training images in batches of `batch_size` (the
/// dropout variant with masks of its own stream; the dropout-matched one
/// with the sigmas of its first epoch).
///
/// # Errors
///
/// The model's (an activation it cannot build on `dev`).
fn init_grad_info<D: MnistDevice>(config: &Config, data: &RunData, dev: &D) -> Result<Vec<f64>> {
    let (dev, layers) = dev.init(stream_seed(config.seed, Stream::Init, 0));
    let mut net = Net::new(config, layers)?;
    if config.variant == Variant::DropoutMatched {
        set_matched_sigmas(&mut net, config, data, &dev)?;
    }
    let order = gaaf_data::shuffled_indices(
        data.train.len(),
        stream_seed(config.seed, Stream::InitGradient, 0),
    );
    let take = INIT_GRAD_IMAGES.min(order.len());
    let masks = Cpu::seed_from_u64(stream_seed(config.seed, Stream::InitGradient, 1));
    let probes = StepProbes::default();
    let mut sum = [0.0_f64; 4];
    for chunk in order[..take].chunks(config.batch_size) {
        let (x, y) = data.train.gather(chunk);
        let x = rows::<INPUT, D>(&dev, x).traced(net.layers.alloc_grads());
        let targets = rows::<CLASSES, D>(&dev, one_hot(&y));
        let logits = net.logits(x, Some(&masks), Some(&probes));
        let _ = cross_entropy_with_logits_loss(logits, targets).backward();
        // Per-sample means of the chunk, weighted by its samples.
        for (s, g) in sum.iter_mut().zip(probes.take_per_sample()) {
            *s += g * chunk.len() as f64;
        }
    }
    Ok(sum.iter().map(|s| s / take.max(1) as f64).collect())
}

/// Table 3 (module docs).
fn net_variance<D: MnistDevice>(
    net: &Net<D>,
    config: &Config,
    data: &RunData,
    dev: &D,
) -> Vec<f64> {
    let order = gaaf_data::shuffled_indices(
        data.train.len(),
        stream_seed(config.seed, Stream::NetVariance, 0),
    );
    let take = NET_VARIANCE_BATCH.min(order.len());
    let (x, _) = data.train.gather(&order[..take]);
    let mdev = Cpu::seed_from_u64(stream_seed(config.seed, Stream::NetVariance, 1));
    let x = rows::<INPUT, D>(dev, x);
    let mut sums: Vec<Vec<(f64, f64)>> = Vec::new();
    for _ in 0..NET_VARIANCE_PASSES {
        let probe = net.probe(x.clone(), Some((config.dropout_p, &mdev)));
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
