//! burn `Config`s for the GAAF modules: serialisable hyperparameters with
//! the paper's defaults and `init()`, as burn's own activations have.

use crate::{Error, GaafRelu, GaafReluPaper, GaafTanh, GaafTanhShoulder};
use burn::config::Config;
use gaaf_core::GradAccel;
use gaaf_shapes::{GaussianBump, LeftOf, Relu, ShiftedSigmoid, ShoulderBump, Tanh};

/// Configuration of a [`GaafTanh`]: `tanh + g * height * exp(-(x -
/// center)^2 / width)`; defaults are the paper's (`K = 10,000`, width 3.7).
///
/// ```
/// use gaaf_burn::GaafTanhConfig;
///
/// let act = GaafTanhConfig::new().with_k(100.0).init()?;
/// assert_eq!((act.k(), act.shape().width()), (100.0, 3.7));
/// # Ok::<(), gaaf_burn::Error>(())
/// ```
#[derive(Config, Debug, PartialEq)]
pub struct GaafTanhConfig {
    /// The frequency constant `K` of `g` (Eq. 7).
    #[config(default = 1e4)]
    pub k: f64,
    /// The shape's peak value.
    #[config(default = 1.0)]
    pub height: f64,
    /// Where the shape peaks.
    #[config(default = 0.0)]
    pub center: f64,
    /// The shape's width (the `w` in `exp(-x^2 / w)`).
    #[config(default = 3.7)]
    pub width: f64,
}

impl GaafTanhConfig {
    /// The module.
    ///
    /// # Errors
    ///
    /// [`Error::Core`] for a bad `K`, [`Error::Shapes`] for a bad shape.
    pub fn init(&self) -> Result<GaafTanh, Error> {
        let shape = GaussianBump::new(self.height, self.center, self.width)?;
        GaafTanh::new(Tanh, shape, GradAccel::new(self.k)?)
    }
}

/// Configuration of a [`GaafRelu`]: `relu + g * sigmoid(slope * (x +
/// shift))` for `x <= edge`, `relu` alone beyond; defaults are the paper's
/// shape (`slope = 5`, `shift = 0.5`) on ReLU's saturated side (`edge = 0`).
///
/// ```
/// use gaaf_burn::GaafReluConfig;
///
/// let act = GaafReluConfig::new().init()?;
/// assert_eq!(act.shape().edge(), 0.0);
/// # Ok::<(), gaaf_burn::Error>(())
/// ```
#[derive(Config, Debug, PartialEq)]
pub struct GaafReluConfig {
    /// The frequency constant `K` of `g` (Eq. 7).
    #[config(default = 1e4)]
    pub k: f64,
    /// The sigmoid's slope.
    #[config(default = 5.0)]
    pub slope: f64,
    /// The sigmoid's shift (its midpoint is at `-shift`).
    #[config(default = 0.5)]
    pub shift: f64,
    /// The shape is 0 right of this.
    #[config(default = 0.0)]
    pub edge: f64,
}

impl GaafReluConfig {
    /// The module.
    ///
    /// # Errors
    ///
    /// [`Error::Core`] for a bad `K`, [`Error::Shapes`] for a bad shape.
    pub fn init(&self) -> Result<GaafRelu, Error> {
        let shape = LeftOf::new(ShiftedSigmoid::new(self.slope, self.shift)?, self.edge)?;
        GaafRelu::new(Relu, shape, GradAccel::new(self.k)?)
    }
}

/// Configuration of a [`GaafReluPaper`]: `relu + g * sigmoid(slope * (x +
/// shift))`; defaults are the paper's (`slope = 5`, `shift = 0.5`).
///
/// ```
/// use gaaf_burn::GaafReluPaperConfig;
///
/// let act = GaafReluPaperConfig::new().with_slope(4.0).init()?;
/// assert_eq!(act.shape().slope(), 4.0);
/// # Ok::<(), gaaf_burn::Error>(())
/// ```
#[derive(Config, Debug, PartialEq)]
pub struct GaafReluPaperConfig {
    /// The frequency constant `K` of `g` (Eq. 7).
    #[config(default = 1e4)]
    pub k: f64,
    /// The sigmoid's slope.
    #[config(default = 5.0)]
    pub slope: f64,
    /// The sigmoid's shift (its midpoint is at `-shift`).
    #[config(default = 0.5)]
    pub shift: f64,
}

impl GaafReluPaperConfig {
    /// The module.
    ///
    /// # Errors
    ///
    /// [`Error::Core`] for a bad `K`, [`Error::Shapes`] for a bad shape.
    pub fn init(&self) -> Result<GaafReluPaper, Error> {
        let shape = ShiftedSigmoid::new(self.slope, self.shift)?;
        GaafReluPaper::new(Relu, shape, GradAccel::new(self.k)?)
    }
}

/// Configuration of a [`GaafTanhShoulder`]: `tanh + g * height * u *
/// exp(1 - u)`, `u = x^2 / width`; defaults: height 1, width 3.7.
///
/// ```
/// use gaaf_burn::GaafTanhShoulderConfig;
///
/// let act = GaafTanhShoulderConfig::new().init()?;
/// assert_eq!(act.shape().width(), 3.7);
/// # Ok::<(), gaaf_burn::Error>(())
/// ```
#[derive(Config, Debug, PartialEq)]
pub struct GaafTanhShoulderConfig {
    /// The frequency constant `K` of `g` (Eq. 7).
    #[config(default = 1e4)]
    pub k: f64,
    /// The shape's value at its peaks.
    #[config(default = 1.0)]
    pub height: f64,
    /// The shape's width (peaks at `|x| = sqrt(width)`).
    #[config(default = 3.7)]
    pub width: f64,
}

impl GaafTanhShoulderConfig {
    /// The module.
    ///
    /// # Errors
    ///
    /// [`Error::Core`] for a bad `K`, [`Error::Shapes`] for a bad shape.
    pub fn init(&self) -> Result<GaafTanhShoulder, Error> {
        let shape = ShoulderBump::new(self.height, self.width)?;
        GaafTanhShoulder::new(Tanh, shape, GradAccel::new(self.k)?)
    }
}
