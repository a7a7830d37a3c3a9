//! The 784-512-256-256-10 MLP of section 5.1, its per-variant activations,
//! and the forward passes: with a tape for training, without to evaluate and
//! to probe the hidden layers. Generic over the dfdx device
//! ([`MnistDevice`]: `Cpu`, and `Cuda` with the `cuda` feature).

use super::device::{dropout_mask, MnistDevice};
use super::per_sample::StepProbes;
use super::{Config, Variant};
use crate::error::Result;
use dfdx::nn::modules;
use dfdx::prelude::*;
use gaaf_dfdx::{FastTanh, Gaaf, GaafTanh};
use gaaf_shapes::{DropoutMatchedTanh, GaussianBump, GradAccel, Recast, ShoulderBump, Tanh};

/// Input pixels.
pub(crate) const INPUT: usize = 784;
/// Units of the three hidden layers.
pub(crate) const HIDDEN: [usize; 3] = [512, 256, 256];
/// Classes.
pub(crate) const CLASSES: usize = 10;

/// The four Linear layers, as dfdx builds them. dfdx 0.13 initialises each
/// weight and bias uniformly in `[-1/sqrt(fan_in), 1/sqrt(fan_in)]`.
pub(crate) type Arch = (
    Linear<INPUT, 512>,
    Linear<512, 256>,
    Linear<256, 256>,
    Linear<256, CLASSES>,
);
/// The built layers on device `D` (what `build_module::<Arch, f32>` returns).
pub(crate) type Layers<D = Cpu> = (
    modules::Linear<INPUT, 512, f32, D>,
    modules::Linear<512, 256, f32, D>,
    modules::Linear<256, 256, f32, D>,
    modules::Linear<256, CLASSES, f32, D>,
);

/// A batch of rows of `N` features on device `D`.
pub(crate) type Rows<const N: usize, D = Cpu, T = NoneTape> = Tensor<(usize, Const<N>), f32, D, T>;

/// The GAAF activation with the dropout-matched shape, fitted
/// (gaaf-shapes' `DropoutMatchedTanh`).
pub(crate) type MatchedAct = Gaaf<Tanh, DropoutMatchedTanh<f64>>;

/// GAAF-tanh with the shoulder shape (the `gaaf-shoulder` control).
pub(crate) type ShoulderAct = Gaaf<Tanh, ShoulderBump<f64>>;

/// The GAAF activations that have no CUDA path (their shapes have no CUDA
/// kernel in gaaf-dfdx).
#[derive(Debug, Clone)]
pub enum CpuOnlyAct {
    /// The dropout-matched shape (boxed: its two f32 and two f64
    /// coefficient series are 768 bytes).
    Matched(Box<MatchedAct>),
    /// The shoulder shape.
    Shoulder(ShoulderAct),
}

impl CpuOnlyAct {
    /// The variant that trains with it (for the CUDA device's error).
    #[cfg_attr(not(feature = "cuda"), allow(dead_code))]
    pub(crate) fn variant(&self) -> Variant {
        match self {
            CpuOnlyAct::Matched(_) => Variant::DropoutMatched,
            CpuOnlyAct::Shoulder(_) => Variant::GaafShoulder,
        }
    }
}

/// One hidden layer's activation on device `D`.
#[derive(Debug, Clone)]
pub(crate) enum Act<D: MnistDevice> {
    /// Plain tanh (base and dropout variants): gaaf-dfdx's `FastTanh`, the
    /// very `tanh` GAAF-tanh adds `g*s` to, so that the variants differ by
    /// GAAF alone, in values and in speed (dfdx's own `Tanh` is the C
    /// library's, several times slower).
    Tanh,
    /// GAAF-tanh with the exponential shape.
    Gaaf(GaafTanh),
    /// GAAF-tanh with the dropout-matched or the shoulder shape, on a device
    /// that has it ([`MnistDevice::CpuOnly`]).
    CpuOnly(D::CpuOnly),
}

impl<D: MnistDevice> Act<D> {
    pub(crate) fn apply<const N: usize, T: Tape<f32, D>>(&self, z: Rows<N, D, T>) -> Rows<N, D, T> {
        match self {
            Act::Tanh => FastTanh::default().forward(z),
            Act::Gaaf(m) => m.forward(z),
            Act::CpuOnly(m) => D::cpu_only(m, z),
        }
    }

    /// The activation of the GAAF variant.
    pub(crate) fn gaaf(config: &Config) -> Result<Self> {
        let shape = GaussianBump::new(1.0, 0.0, config.shape_width)?;
        let accel = GradAccel::new(config.gaaf_k)?;
        Ok(Act::Gaaf(GaafTanh::new(Tanh, shape, accel)?))
    }

    /// GAAF-tanh with the shape matched to net noise of standard deviation
    /// `sigma`. The exact shape costs 64 quadrature nodes per element, about
    /// ten times a whole training step's activations; its fit
    /// (`DropoutMatchedTanh`, 32 Chebyshev terms) is within 1e-7 of it for
    /// `sigma <= 1.4` and vectorises. (Until 2026-12-03 a 1024-node table,
    /// within 2e-5 and 3x slower.)
    ///
    /// # Errors
    ///
    /// The shape's for `sigma` (above `MAX_FIT_SIGMA`, say);
    /// [`crate::Error::Unsupported`] on a device without the shape (CUDA).
    pub(crate) fn matched(config: &Config, sigma: f64) -> Result<Self> {
        // Fitted for the f32 sigma, as the table was sampled in f32: the
        // module's f32 twin is then the f32 shape of that sigma, bit for bit.
        let shape: DropoutMatchedTanh<f64> =
            DropoutMatchedTanh::<f32>::new(sigma as f32)?.recast()?;
        let accel = GradAccel::new(config.gaaf_k)?;
        let act = D::cpu_only_act(CpuOnlyAct::Matched(Box::new(MatchedAct::new(
            Tanh, shape, accel,
        )?)))?;
        Ok(Act::CpuOnly(act))
    }

    /// GAAF-tanh with the shoulder shape of height 1 and the configuration's
    /// shape width (peaks at `±sqrt(width)`).
    ///
    /// # Errors
    ///
    /// The shape's; [`crate::Error::Unsupported`] on a device without it
    /// (CUDA).
    pub(crate) fn shoulder(config: &Config) -> Result<Self> {
        let shape = ShoulderBump::new(1.0, config.shape_width)?;
        let accel = GradAccel::new(config.gaaf_k)?;
        let act = D::cpu_only_act(CpuOnlyAct::Shoulder(ShoulderAct::new(Tanh, shape, accel)?))?;
        Ok(Act::CpuOnly(act))
    }
}

/// The model: layers, one activation per hidden layer, and the dropout rate
/// applied to the hidden layers' outputs while training (dropout variant).
#[derive(Debug, Clone)]
pub(crate) struct Net<D: MnistDevice> {
    pub(crate) layers: Layers<D>,
    pub(crate) acts: [Act<D>; 3],
    pub(crate) dropout: Option<f64>,
}

/// Nets (`z`, the activations' inputs) and outputs (`h`) of the hidden
/// layers, and the logits, row-major `(samples, units)`.
#[derive(Debug, Clone, Default)]
pub(crate) struct Probe {
    pub(crate) nets: [Vec<f32>; 4],
    pub(crate) outputs: [Vec<f32>; 3],
}

impl<D: MnistDevice> Net<D> {
    /// A model for `config` with freshly initialised `layers`. The
    /// dropout-matched activations start with `sigma = 0` (set per epoch).
    ///
    /// # Errors
    ///
    /// The activation's for a configuration it refuses;
    /// [`crate::Error::Unsupported`] for the dropout-matched variant on a
    /// device without it.
    pub(crate) fn new(config: &Config, layers: Layers<D>) -> Result<Self> {
        let act = match config.variant {
            Variant::Base | Variant::Dropout | Variant::BaseLrScaled => Act::Tanh,
            Variant::Gaaf => Act::gaaf(config)?,
            Variant::DropoutMatched => Act::matched(config, 0.0)?,
            Variant::GaafShoulder => Act::shoulder(config)?,
        };
        let dropout = (config.variant == Variant::Dropout).then_some(config.dropout_p);
        Ok(Self {
            layers,
            acts: [act.clone(), act.clone(), act],
            dropout,
        })
    }

    /// The logits. `train` (the mask source of the epoch, see
    /// [`dropout_mask`]) applies the model's dropout, if any (inverted
    /// dropout: kept units scaled by `1/(1-p)`), to the three hidden outputs.
    /// `probes` records what Eq. 5 per sample needs (each layer's input, and
    /// in the backward pass the gradient at each net; see
    /// [`super::per_sample`]).
    pub(crate) fn logits<T: Tape<f32, D>>(
        &self,
        x: Rows<INPUT, D, T>,
        train: Option<&Cpu>,
        probes: Option<&StepProbes>,
    ) -> Rows<CLASSES, D, T> {
        let p = self.dropout.zip(train);
        let x = tap_input(probes, 0, x);
        let z1 = tap_net(probes, 0, self.layers.0.forward(x));
        let h1 = tap_input(probes, 1, maybe_dropout(self.acts[0].apply(z1), p));
        let z2 = tap_net(probes, 1, self.layers.1.forward(h1));
        let h2 = tap_input(probes, 2, maybe_dropout(self.acts[1].apply(z2), p));
        let z3 = tap_net(probes, 2, self.layers.2.forward(h2));
        let h3 = tap_input(probes, 3, maybe_dropout(self.acts[2].apply(z3), p));
        tap_net(probes, 3, self.layers.3.forward(h3))
    }

    /// Runs the layers one by one on `x`, keeping every net and output;
    /// `dropout` applies dropout at that rate after each hidden layer, masks
    /// from that source (see [`dropout_mask`]).
    pub(crate) fn probe(&self, x: Rows<INPUT, D>, dropout: Option<(f64, &Cpu)>) -> Probe {
        let z1 = self.layers.0.forward(x);
        let h1 = self.acts[0].apply(z1.clone());
        let h1d = maybe_dropout(h1.clone(), dropout);
        let z2 = self.layers.1.forward(h1d);
        let h2 = self.acts[1].apply(z2.clone());
        let h2d = maybe_dropout(h2.clone(), dropout);
        let z3 = self.layers.2.forward(h2d);
        let h3 = self.acts[2].apply(z3.clone());
        let h3d = maybe_dropout(h3.clone(), dropout);
        let z4 = self.layers.3.forward(h3d);
        Probe {
            nets: [z1.as_vec(), z2.as_vec(), z3.as_vec(), z4.as_vec()],
            outputs: [h1.as_vec(), h2.as_vec(), h3.as_vec()],
        }
    }
}

fn maybe_dropout<const N: usize, D: MnistDevice, T: Tape<f32, D>>(
    h: Rows<N, D, T>,
    p: Option<(f64, &Cpu)>,
) -> Rows<N, D, T> {
    match p {
        Some((p, masks)) => dropout(h, p, masks),
        None => h,
    }
}

/// `x`, recorded as layer `layer`'s input when probing.
fn tap_input<const N: usize, D: MnistDevice, T: Tape<f32, D>>(
    probes: Option<&StepProbes>,
    layer: usize,
    x: Rows<N, D, T>,
) -> Rows<N, D, T> {
    match probes {
        Some(p) => p.input(layer, x),
        None => x,
    }
}

/// `z`, with the gradient at it recorded as layer `layer`'s when probing.
fn tap_net<const N: usize, D: MnistDevice, T: Tape<f32, D>>(
    probes: Option<&StepProbes>,
    layer: usize,
    z: Rows<N, D, T>,
) -> Rows<N, D, T> {
    match probes {
        Some(p) => p.net(layer, z),
        None => z,
    }
}

/// Inverted dropout at rate `p` on `h`, with the mask of
/// [`dropout_mask`] drawn from `masks`, on `h`'s device.
fn dropout<const N: usize, D: MnistDevice, T: Tape<f32, D>>(
    h: Rows<N, D, T>,
    p: f64,
    masks: &Cpu,
) -> Rows<N, D, T> {
    let shape = *h.shape();
    let mask = dropout_mask(masks, p, shape.num_elements());
    let mask = h.device().tensor_from_vec(mask, shape);
    h * mask
}

/// `x` as a tensor on `dev`.
pub(crate) fn rows<const N: usize, D: MnistDevice>(dev: &D, x: Vec<f32>) -> Rows<N, D> {
    let n = x.len() / N;
    dev.tensor_from_vec(x, (n, Const::<N>))
}
