//! The convolutional models of section 5.2 in candle, with ReLU or GAAF-ReLU
//! and with or without batch normalisation.
//!
//! - **CIFAR** (VGG-like): VGG16's convolutional stack without its last three
//!   convolution layers (and so without its last pooling): 3x3 convolutions
//!   (padding 1) of `64, 64, M, 128, 128, M, 256, 256, 256, M, 512, 512, 512,
//!   M` (`M` a 2x2 max pooling), which leaves 512 x 2 x 2 on a 32 x 32 image,
//!   then dense layers 2048-512-512-classes in place of VGG16's 4096-wide
//!   ones.
//! - **SVHN**: four 3x3 convolutions (padding 1), `32, 32, M, 64, 64, M`, then
//!   three dense layers 4096-256-256-10.
//!
//! Widths (channels and hidden dense units) are divided by
//! `Config::width_divisor` (at least 1 each). Batch normalisation, when
//! on, sits between each convolution or hidden dense layer and its
//! activation; the convolutions and dense layers keep their biases either
//! way, so the variants differ only in what Table 5 names.

use super::MomentumSgd;
use super::{Architecture, Config};
use crate::error::Result;
use candle_core::{Module, ModuleT, Tensor};
use candle_nn::{BatchNorm, Linear, VarBuilder, VarMap};
use gaaf_candle::conv::Conv2d;
use gaaf_candle::{GaafRelu, GaafReluPaper};

/// One entry of a convolutional stack: a 3x3 convolution with this many
/// output channels, or a 2x2 max pooling.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage {
    Conv(usize),
    Pool,
}

const VGG_LIKE: [Stage; 14] = {
    use Stage::{Conv, Pool};
    [
        Conv(64),
        Conv(64),
        Pool,
        Conv(128),
        Conv(128),
        Pool,
        Conv(256),
        Conv(256),
        Conv(256),
        Pool,
        Conv(512),
        Conv(512),
        Conv(512),
        Pool,
    ]
};
const VGG_LIKE_DENSE: [usize; 2] = [512, 512];

const SVHN_NET: [Stage; 6] = {
    use Stage::{Conv, Pool};
    [Conv(32), Conv(32), Pool, Conv(64), Conv(64), Pool]
};
const SVHN_DENSE: [usize; 2] = [256, 256];

/// Image side: every dataset's images are `channels x 32 x 32`
/// ([`super::Dataset::channels`]; MNIST is padded to it).
pub const SIDE: usize = 32;

/// ReLU, or GAAF-ReLU with the paper's shifted-sigmoid shape or with the
/// saturation-only one.
#[derive(Debug, Clone)]
enum Act {
    Relu,
    Gaaf(GaafReluPaper),
    GaafSaturation(GaafRelu),
}

impl Act {
    fn apply(&self, x: &Tensor) -> candle_core::Result<Tensor> {
        match self {
            Act::Relu => x.relu(),
            Act::Gaaf(g) => g.forward(x),
            Act::GaafSaturation(g) => g.forward(x),
        }
    }
}

/// The convolutional stack and the hidden dense widths of `model`.
fn layers_of(model: Architecture) -> (&'static [Stage], &'static [usize]) {
    match model {
        Architecture::VggLike => (&VGG_LIKE, &VGG_LIKE_DENSE),
        Architecture::SvhnNet => (&SVHN_NET, &SVHN_DENSE),
    }
}

#[derive(Debug)]
enum Layer {
    Conv(Conv2d, Option<BatchNorm>),
    Pool,
}

/// A model of section 5.2; its parameters live in the `VarMap` behind the
/// `VarBuilder` it was built from.
///
/// One training step of the SVHN model with BN and GAAF, at 1/16 width:
///
/// ```
/// use candle_core::{DType, Device, Tensor};
/// use candle_nn::{VarBuilder, VarMap};
/// use gaaf_repro::conv::{Config, Dataset, Net, Variant};
///
/// let config = Config {
///     width_divisor: 16,
///     ..Config::new(Dataset::Svhn, Variant::BnGaaf, 0)
/// };
/// let vars = VarMap::new();
/// let vb = VarBuilder::from_varmap(&vars, DType::F32, &Device::Cpu);
/// let net = Net::new(&config, &vb)?;
/// let mut opt = Net::optimizer(&config, &vars)?;
/// let x = Tensor::randn(0f32, 1.0, (8, 3, 32, 32), &Device::Cpu)?;
/// let y = Tensor::new(&[0u32, 1, 2, 3, 4, 5, 6, 7], &Device::Cpu)?;
/// let logits = net.forward_t(&x, true)?;
/// assert_eq!(logits.dims(), &[8, 10]);
/// opt.backward_step(&candle_nn::loss::cross_entropy(&logits, &y)?)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct Net {
    layers: Vec<Layer>,
    hidden: Vec<(Linear, Option<BatchNorm>)>,
    out: Linear,
    act: Act,
}

impl Net {
    /// How many activations (ReLU or GAAF) `model` has: one per
    /// convolution and per hidden dense layer (12 for the VGG-like model, 6
    /// for the SVHN one).
    ///
    /// ```
    /// use gaaf_repro::conv::{Architecture, Net};
    ///
    /// assert_eq!(Net::activation_layers(Architecture::VggLike), 12);
    /// assert_eq!(Net::activation_layers(Architecture::SvhnNet), 6);
    /// ```
    pub fn activation_layers(model: Architecture) -> usize {
        let (stages, dense) = layers_of(model);
        stages
            .iter()
            .filter(|s| matches!(s, Stage::Conv(_)))
            .count()
            + dense.len()
    }

    /// The model `config` asks for. Parameter names: `conv{i}`, `bn_conv{i}`,
    /// `fc{i}`, `bn_fc{i}`, `out`.
    ///
    /// # Errors
    ///
    /// A configuration out of range ([`Config::validate`]), a `gaaf_k` GAAF
    /// refuses, or candle's.
    pub fn new(config: &Config, vb: &VarBuilder) -> Result<Self> {
        let (stages, dense) = layers_of(config.architecture());
        config.validate()?;
        let narrow = |w: usize| (w / config.width_divisor).max(1);
        let act = if config.variant.saturation_only() {
            Act::GaafSaturation(GaafRelu::default().with_k(config.gaaf_k)?)
        } else if config.variant.gaaf() {
            Act::Gaaf(GaafReluPaper::default().with_k(config.gaaf_k)?)
        } else {
            Act::Relu
        };
        let bn = config.variant.batch_norm();
        let bn_cfg = candle_nn::BatchNormConfig::default();
        let mut layers = Vec::new();
        let (mut channels, mut side) = (config.dataset.channels(), SIDE);
        for (i, stage) in stages.iter().enumerate() {
            match *stage {
                Stage::Conv(c) => {
                    let c = narrow(c);
                    let cfg = candle_nn::Conv2dConfig {
                        padding: 1,
                        ..Default::default()
                    };
                    let conv =
                        gaaf_candle::conv::conv2d(channels, c, 3, cfg, vb.pp(format!("conv{i}")))?;
                    let norm = bn
                        .then(|| candle_nn::batch_norm(c, bn_cfg, vb.pp(format!("bn_conv{i}"))))
                        .transpose()?;
                    layers.push(Layer::Conv(conv, norm));
                    channels = c;
                }
                Stage::Pool => {
                    layers.push(Layer::Pool);
                    side /= 2;
                }
            }
        }
        let mut width = channels * side * side;
        let mut hidden = Vec::new();
        for (i, &d) in dense.iter().enumerate() {
            let d = narrow(d);
            let fc = candle_nn::linear(width, d, vb.pp(format!("fc{i}")))?;
            let norm = bn
                .then(|| candle_nn::batch_norm(d, bn_cfg, vb.pp(format!("bn_fc{i}"))))
                .transpose()?;
            hidden.push((fc, norm));
            width = d;
        }
        let out = candle_nn::linear(width, config.dataset.classes(), vb.pp("out"))?;
        Ok(Self {
            layers,
            hidden,
            out,
            act,
        })
    }

    /// SGD with momentum for a model built from `vars` as `config` sets it
    /// (`lr`, `momentum`, `weight_decay`): every variable but batch norm's
    /// running statistics, weight decay on convolution and dense weights only
    /// (by the parameter names [`Net::new`] gives).
    ///
    /// # Errors
    ///
    /// candle's (allocating the velocities).
    pub fn optimizer(config: &Config, vars: &VarMap) -> candle_core::Result<MomentumSgd> {
        MomentumSgd::new(
            vars,
            config.lr,
            config.momentum,
            config.weight_decay,
            |name| !name.contains("running_"),
            |name| name.ends_with(".weight") && !name.starts_with("bn_"),
        )
    }

    /// The logits of a batch `[n, channels, 32, 32]`; `train` switches batch
    /// normalisation to batch statistics (and updates its running ones).
    ///
    /// # Errors
    ///
    /// candle's (a batch of another shape, a device error).
    pub fn forward_t(&self, x: &Tensor, train: bool) -> candle_core::Result<Tensor> {
        let mut x = x.clone();
        for layer in &self.layers {
            x = match layer {
                Layer::Conv(conv, norm) => {
                    let z = conv.forward(&x)?;
                    let z = match norm {
                        Some(bn) => bn.forward_t(&z, train)?,
                        None => z,
                    };
                    self.act.apply(&z)?
                }
                Layer::Pool => x.max_pool2d(2)?,
            };
        }
        let mut x = x.flatten_from(1)?;
        for (fc, norm) in &self.hidden {
            let z = fc.forward(&x)?;
            let z = match norm {
                Some(bn) => bn.forward_t(&z, train)?,
                None => z,
            };
            x = self.act.apply(&z)?;
        }
        self.out.forward(&x)
    }
}
