//! The 784-512-256-256-10 MLP of section 5.1, its per-variant activations,
//! and the forward passes: with a tape for training, without to evaluate and
//! to probe the hidden layers.

use super::{Config, Variant};
use crate::error::Result;
use dfdx::prelude::*;
use gaaf_dfdx::{FastTanh, Gaaf, GaafTanh};
use gaaf_shapes::{DropoutMatched, GaussianBump, GradAccel, Recast, Tabulated, Tanh};

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
/// The built layers on the CPU.
pub(crate) type Layers = <Arch as BuildOnDevice<Cpu, f32>>::Built;

/// A batch of rows of `N` features.
pub(crate) type Rows<const N: usize, T = NoneTape> = Tensor<(usize, Const<N>), f32, Cpu, T>;

/// Nodes of the dropout-matched shape's table (see `Act::matched`).
const MATCHED_TABLE_NODES: usize = 1024;

/// The GAAF activation with the dropout-matched shape, tabulated.
pub(crate) type MatchedAct = Gaaf<Tanh, Tabulated<f64, MATCHED_TABLE_NODES>>;

/// One hidden layer's activation.
#[derive(Debug, Clone)]
pub(crate) enum Act {
    /// Plain tanh (base and dropout variants): gaaf-dfdx's `FastTanh`, the
    /// very `tanh` GAAF-tanh adds `g*s` to, so that the variants differ by
    /// GAAF alone, in values and in speed (dfdx's own `Tanh` is the C
    /// library's, several times slower).
    Tanh,
    /// GAAF-tanh with the exponential shape.
    Gaaf(GaafTanh),
    /// GAAF-tanh with the dropout-matched shape (boxed: its table is 8 KB).
    Matched(Box<MatchedAct>),
}

impl Act {
    pub(crate) fn apply<const N: usize, T: Tape<f32, Cpu>>(&self, z: Rows<N, T>) -> Rows<N, T> {
        match self {
            Act::Tanh => FastTanh::default().forward(z),
            Act::Gaaf(m) => m.forward(z),
            Act::Matched(m) => m.as_ref().forward(z),
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
    /// ten times a whole training step's activations; its table is within 2e-5
    /// of it and costs a few multiplications (gaaf-shapes' `tabulated`).
    pub(crate) fn matched(config: &Config, sigma: f64) -> Result<Self> {
        // Sampled in f32 as before and widened (exactly): the module's f32
        // twin is this very table.
        let table: Tabulated<f32, MATCHED_TABLE_NODES> =
            DropoutMatched::new(Tanh, sigma as f32)?.tabulated()?;
        let shape: Tabulated<f64, MATCHED_TABLE_NODES> = table.recast()?;
        let accel = GradAccel::new(config.gaaf_k)?;
        Ok(Act::Matched(Box::new(MatchedAct::new(Tanh, shape, accel)?)))
    }
}

/// The model: layers, one activation per hidden layer, and the dropout rate
/// applied to the hidden layers' outputs while training (dropout variant).
#[derive(Debug, Clone)]
pub(crate) struct Net {
    pub(crate) layers: Layers,
    pub(crate) acts: [Act; 3],
    pub(crate) dropout: Option<f64>,
}

/// Nets (`z`, the activations' inputs) and outputs (`h`) of the hidden
/// layers, and the logits, row-major `(samples, units)`.
#[derive(Debug, Clone, Default)]
pub(crate) struct Probe {
    pub(crate) nets: [Vec<f32>; 4],
    pub(crate) outputs: [Vec<f32>; 3],
}

impl Net {
    /// A freshly initialised model for `config`, its weights drawn from `dev`.
    /// The dropout-matched activations start with `sigma = 0` (set per epoch).
    pub(crate) fn new(config: &Config, dev: &Cpu) -> Result<Self> {
        let layers = dev.build_module::<Arch, f32>();
        let act = match config.variant {
            Variant::Base | Variant::Dropout => Act::Tanh,
            Variant::Gaaf => Act::gaaf(config)?,
            Variant::DropoutMatched => Act::matched(config, 0.0)?,
        };
        let dropout = (config.variant == Variant::Dropout).then_some(config.dropout_p);
        Ok(Self {
            layers,
            acts: [act.clone(), act.clone(), act],
            dropout,
        })
    }

    /// The logits. `train` applies dropout (dfdx's dropout op, the one its
    /// `Dropout` module calls: inverted dropout, kept units scaled by
    /// `1/(1-p)`) to the three hidden outputs, with masks drawn from the
    /// input tensor's device.
    pub(crate) fn logits<T: Tape<f32, Cpu>>(
        &self,
        x: Rows<INPUT, T>,
        train: bool,
    ) -> Rows<CLASSES, T> {
        let p = self.dropout.filter(|_| train);
        let h1 = maybe_dropout(self.acts[0].apply(self.layers.0.forward(x)), p);
        let h2 = maybe_dropout(self.acts[1].apply(self.layers.1.forward(h1)), p);
        let h3 = maybe_dropout(self.acts[2].apply(self.layers.2.forward(h2)), p);
        self.layers.3.forward(h3)
    }

    /// Runs the layers one by one on `x`, keeping every net and output;
    /// `dropout` applies dropout at that rate after each hidden layer (masks
    /// from `x`'s device).
    pub(crate) fn probe(&self, x: Rows<INPUT>, dropout: Option<f64>) -> Probe {
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

fn maybe_dropout<const N: usize, T: Tape<f32, Cpu>>(h: Rows<N, T>, p: Option<f64>) -> Rows<N, T> {
    match p {
        Some(p) => h.dropout(p),
        None => h,
    }
}

/// `x` as a tensor on `dev`.
pub(crate) fn rows<const N: usize>(dev: &Cpu, x: Vec<f32>) -> Rows<N> {
    let n = x.len() / N;
    dev.tensor_from_vec(x, (n, Const::<N>))
}
