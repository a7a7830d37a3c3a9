//! A 2-D convolution for CPU training: im2col + matrix product.
//!
//! candle's CPU `conv2d` forward is fast, but its backward is not: the input
//! gradient is a `conv_transpose2d`, a direct loop, and the weight gradient
//! a `conv2d` with the batch as channels. Here convolution is written as
//! `w_flat . im2col(x)` ([`conv2d_im2col`]): the unrolling is a custom op
//! with a cheap adjoint, and every product, forward and backward, is a GEMM
//! that candle's autograd sets up: per image where an image has many output
//! positions, over the whole batch where it has few
//! ([`PER_IMAGE_MIN_OUTPUTS`]). On other devices [`Conv2d`]
//! uses candle's own `conv2d` (cuDNN or CUDA kernels).
//!
//! Supported: any padding and stride, rectangular kernels; dilation 1 and
//! groups 1 (others are an [`Error::UnsupportedConv`]).

mod im2col;

use crate::Error;
use candle_core::{Module, Tensor};
use candle_nn::{Conv2dConfig, VarBuilder};
use im2col::{Geometry, Im2Col};

/// A 2-D convolution layer, `(N, C, H, W) -> (N, OC, OH, OW)`, with the
/// same weights, constructor and output as `candle_nn::Conv2d`, computed by
/// im2col + GEMM on the CPU and by candle's `conv2d` elsewhere.
///
/// # Example
///
/// ```
/// use candle_core::{DType, Device, Module, Tensor};
/// use candle_nn::{Conv2dConfig, VarBuilder, VarMap};
///
/// let dev = Device::Cpu;
/// let vars = VarMap::new();
/// let vb = VarBuilder::from_varmap(&vars, DType::F32, &dev);
/// let cfg = Conv2dConfig { padding: 1, stride: 2, ..Default::default() };
/// let conv = gaaf_candle::conv::conv2d(3, 8, 3, cfg, vb.pp("conv"))?;
/// let x = Tensor::randn(0f32, 1.0, (2, 3, 32, 32), &dev)?;
/// assert_eq!(conv.forward(&x)?.dims(), &[2, 8, 16, 16]);
/// // The same as candle's own layer on the same weights.
/// let native = candle_nn::Conv2d::new(conv.weight().clone(), conv.bias().cloned(), cfg);
/// let diff = (conv.forward(&x)? - native.forward(&x)?)?.abs()?.max_all()?;
/// assert!(diff.to_scalar::<f32>()? < 1e-4);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct Conv2d {
    weight: Tensor,
    bias: Option<Tensor>,
    config: Conv2dConfig,
}

impl Conv2d {
    /// The layer with `weight` of shape `(OC, C, KH, KW)` and optional `bias`
    /// of shape `(OC,)`.
    ///
    /// # Errors
    ///
    /// [`Error::UnsupportedConv`] for dilation or groups other than 1 or
    /// stride 0; [`Error::Candle`] when `weight` is not 4-D or `bias` does
    /// not have `OC` elements.
    ///
    /// ```
    /// use candle_core::{DType, Device, Tensor};
    /// use candle_nn::Conv2dConfig;
    /// use gaaf_candle::{conv::Conv2d, Error};
    ///
    /// let w = Tensor::zeros((4, 2, 3, 3), DType::F32, &Device::Cpu)?;
    /// assert!(Conv2d::new(w.clone(), None, Conv2dConfig::default()).is_ok());
    /// let dilated = Conv2dConfig { dilation: 2, ..Default::default() };
    /// assert!(matches!(
    ///     Conv2d::new(w, None, dilated),
    ///     Err(Error::UnsupportedConv { name: "dilation", .. })
    /// ));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(weight: Tensor, bias: Option<Tensor>, config: Conv2dConfig) -> Result<Self, Error> {
        for (name, value, ok, supported) in [
            ("dilation", config.dilation, config.dilation == 1, "1"),
            ("groups", config.groups, config.groups == 1, "1"),
            (
                "stride",
                config.stride,
                config.stride > 0,
                "a positive stride",
            ),
        ] {
            if !ok {
                return Err(Error::UnsupportedConv {
                    name,
                    value,
                    supported,
                });
            }
        }
        let (oc, ..) = weight.dims4()?;
        if let Some(b) = &bias {
            if b.dims1()? != oc {
                return Err(candle_core::Error::Msg(format!(
                    "conv2d: bias of shape {:?} for {oc} output channels",
                    b.shape()
                ))
                .into());
            }
        }
        Ok(Self {
            weight,
            bias,
            config,
        })
    }

    /// The weight, `(OC, C, KH, KW)`.
    ///
    /// ```
    /// # use candle_core::{DType, Device, Tensor};
    /// # use gaaf_candle::conv::Conv2d;
    /// let w = Tensor::zeros((4, 2, 3, 3), DType::F32, &Device::Cpu)?;
    /// let conv = Conv2d::new(w, None, Default::default())?;
    /// assert_eq!(conv.weight().dims(), &[4, 2, 3, 3]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn weight(&self) -> &Tensor {
        &self.weight
    }

    /// The bias, `(OC,)`, if any.
    ///
    /// ```
    /// # use candle_core::{DType, Device, Tensor};
    /// # use gaaf_candle::conv::Conv2d;
    /// let w = Tensor::zeros((4, 2, 3, 3), DType::F32, &Device::Cpu)?;
    /// assert!(Conv2d::new(w, None, Default::default())?.bias().is_none());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn bias(&self) -> Option<&Tensor> {
        self.bias.as_ref()
    }

    /// Padding, stride, dilation and groups.
    ///
    /// ```
    /// # use candle_core::{DType, Device, Tensor};
    /// # use gaaf_candle::conv::Conv2d;
    /// let w = Tensor::zeros((4, 2, 3, 3), DType::F32, &Device::Cpu)?;
    /// assert_eq!(Conv2d::new(w, None, Default::default())?.config().stride, 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn config(&self) -> &Conv2dConfig {
        &self.config
    }
}

impl Module for Conv2d {
    /// The convolution plus bias: im2col + GEMM on the CPU, candle's
    /// `conv2d` elsewhere.
    fn forward(&self, x: &Tensor) -> candle_core::Result<Tensor> {
        let cfg = &self.config;
        let y = if x.device().is_cpu() {
            conv2d_im2col(x, &self.weight, cfg.padding, cfg.stride)?
        } else {
            x.conv2d(
                &self.weight,
                cfg.padding,
                cfg.stride,
                cfg.dilation,
                cfg.groups,
            )?
        };
        match &self.bias {
            None => Ok(y),
            Some(b) => y.broadcast_add(&b.reshape((1, b.dims1()?, 1, 1))?),
        }
    }
}

/// A [`Conv2d`] with bias, initialised as `candle_nn::conv2d` does
/// (Kaiming-normal weight named `weight`, uniform bias named `bias`), so
/// that checkpoints and `VarMap`s are interchangeable with candle's layer.
///
/// # Errors
///
/// As [`Conv2d::new`], and the `VarBuilder`'s errors.
///
/// ```
/// use candle_core::{DType, Device};
/// use candle_nn::{Conv2dConfig, VarBuilder, VarMap};
///
/// let vars = VarMap::new();
/// let vb = VarBuilder::from_varmap(&vars, DType::F32, &Device::Cpu);
/// let conv = gaaf_candle::conv::conv2d(3, 16, 3, Conv2dConfig::default(), vb.pp("c1"))?;
/// assert_eq!(conv.weight().dims(), &[16, 3, 3, 3]);
/// assert_eq!(vars.all_vars().len(), 2);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn conv2d(
    in_channels: usize,
    out_channels: usize,
    kernel_size: usize,
    cfg: Conv2dConfig,
    vb: VarBuilder,
) -> Result<Conv2d, Error> {
    let weight = weight(in_channels, out_channels, kernel_size, &vb)?;
    let bound = 1. / (in_channels as f64).sqrt();
    let init = candle_nn::Init::Uniform {
        lo: -bound,
        up: bound,
    };
    let bias = vb.get_with_hints(out_channels, "bias", init)?;
    Conv2d::new(weight, Some(bias), cfg)
}

/// A [`Conv2d`] without bias, initialised as `candle_nn::conv2d_no_bias`.
///
/// # Errors
///
/// As [`Conv2d::new`], and the `VarBuilder`'s errors.
///
/// ```
/// use candle_core::{DType, Device};
/// use candle_nn::{VarBuilder, VarMap};
///
/// let vars = VarMap::new();
/// let vb = VarBuilder::from_varmap(&vars, DType::F64, &Device::Cpu);
/// let conv = gaaf_candle::conv::conv2d_no_bias(3, 16, 5, Default::default(), vb)?;
/// assert!(conv.bias().is_none());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn conv2d_no_bias(
    in_channels: usize,
    out_channels: usize,
    kernel_size: usize,
    cfg: Conv2dConfig,
    vb: VarBuilder,
) -> Result<Conv2d, Error> {
    let weight = weight(in_channels, out_channels, kernel_size, &vb)?;
    Conv2d::new(weight, None, cfg)
}

fn weight(in_c: usize, out_c: usize, k: usize, vb: &VarBuilder) -> Result<Tensor, Error> {
    let init = candle_nn::init::DEFAULT_KAIMING_NORMAL;
    Ok(vb.get_with_hints((out_c, in_c, k, k), "weight", init)?)
}

/// Convolution of `x`, `(N, C, H, W)`, with `w`, `(OC, C, KH, KW)`, as
/// im2col + GEMM, differentiable in both (no bias). The result equals
/// `x.conv2d(w, padding, stride, 1, 1)` up to float rounding.
///
/// # Errors
///
/// A [`candle_core::Error`] when the shapes do not fit (not 4-D, channel
/// counts differ, kernel larger than the padded input, stride 0), or the
/// dtype is neither `f32` nor `f64`, or `x` is not on the CPU.
///
/// ```
/// use candle_core::{Device, Tensor};
/// use gaaf_candle::conv::conv2d_im2col;
///
/// let dev = Device::Cpu;
/// let x = Tensor::randn(0f64, 1.0, (2, 3, 7, 7), &dev)?;
/// let w = Tensor::randn(0f64, 1.0, (5, 3, 3, 3), &dev)?;
/// let ours = conv2d_im2col(&x, &w, 1, 2)?;
/// let candle = x.conv2d(&w, 1, 2, 1, 1)?;
/// let diff = (ours - candle)?.abs()?.max_all()?.to_scalar::<f64>()?;
/// assert!(diff < 1e-12);
/// # Ok::<(), candle_core::Error>(())
/// ```
pub fn conv2d_im2col(
    x: &Tensor,
    w: &Tensor,
    padding: usize,
    stride: usize,
) -> candle_core::Result<Tensor> {
    let (oc, wc, kh, kw) = w.dims4()?;
    let g = Geometry::new(x.dims4()?, (kh, kw), padding, stride)?;
    if wc != g.c {
        return Err(candle_core::Error::ShapeMismatchBinaryOp {
            lhs: x.shape().clone(),
            rhs: w.shape().clone(),
            op: "conv2d_im2col",
        }
        .bt());
    }
    let op = Im2Col {
        kh,
        kw,
        padding,
        stride,
    };
    let (l, k) = (g.oh * g.ow, g.row_len());
    let cols = x.apply_op1(op)?;
    let w_flat = w.reshape((oc, k))?;
    if l >= PER_IMAGE_MIN_OUTPUTS {
        // A GEMM per image: the (OC, C*KH*KW) weight times each image's
        // (C*KH*KW, L) columns gives (N, OC, L), already in NCHW order.
        return w_flat
            .broadcast_matmul(&cols)?
            .reshape((g.n, oc, g.oh, g.ow));
    }
    // One GEMM over the batch: the columns as (N*L, C*KH*KW) rows times the
    // transposed weight gives (N*L, OC), then NCHW.
    cols.transpose(1, 2)?
        .contiguous()?
        .reshape((g.n * l, k))?
        .matmul(&w_flat.t()?)?
        .reshape((g.n, l, oc))?
        .transpose(1, 2)?
        .contiguous()?
        .reshape((g.n, oc, g.oh, g.ow))
}

/// Output positions per image from which [`conv2d_im2col`] multiplies image
/// by image; below, it makes one GEMM of the whole batch.
///
/// Why two forms: per image, a late layer's GEMM is too narrow (`L` = 16 to
/// 64 output positions) to run efficiently, and the backward of the weight,
/// broadcast over the batch, builds an `(N, OC, C*KH*KW)` gradient before
/// summing it (600 MB for a 512-channel 3x3 layer at batch 64); one GEMM over
/// the batch avoids both but pays two transposing copies, which cost more
/// than they save where `L` is large. Measured with gaaf-bench's `conv_step`
/// (batch-64 training steps of gaaf-repro's models, one thread, 2-core AMD
/// EPYC, separate runs minutes apart): the VGG-like model's step (`L` from
/// 1024 down to 16) took 18 s with every layer per image, 3.3 s with every
/// layer batched and 2.7 s with this threshold; the SVHN model's (`L` = 1024
/// and 256) 0.54 s per image, 0.97 s batched, 0.52 s with this threshold.
pub const PER_IMAGE_MIN_OUTPUTS: usize = 256;
