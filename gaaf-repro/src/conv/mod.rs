//! The convolutional experiment of section 5.2 (Table 5): the four models
//! (base, +BN, +GAAF, +BN +GAAF) on CIFAR-10, CIFAR-100 or SVHN, trained with
//! candle through `gaaf-candle`, on the CPU or (feature `cuda`) a GPU.
//!
//! The sweep machinery is the MNIST experiment's ([`crate::sweep`]): the same
//! progress bars, reuse of finished runs, per-epoch checkpoints and resume,
//! atomic result files, sharding and merging. [`run_conv`] runs it and writes
//! `table5.md` and `report.md` ([`crate::report::write_conv_report`]).

mod config;
mod model;
mod optim;
mod results;
mod train;

pub use config::{ConvConfig, ConvDataset, ConvVariant};
pub use model::{ConvNet, CHANNELS, SIDE};
pub use optim::MomentumSgd;
pub use results::{ConvEpoch, ConvRunResult};
pub use train::{train_conv, train_conv_until};

use crate::config::set;
use crate::error::{Error, Result};
use crate::report::{write_conv_report, ReportMeta};
use crate::sweep::{self, Job, Progress, Shard};
use crate::train::RunData;
use candle_core::Device;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Values that replace [`ConvConfig::new`]'s defaults (and `--quick`'s).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ConvOverrides {
    /// [`ConvConfig::lr`].
    pub lr: Option<f64>,
    /// [`ConvConfig::momentum`].
    pub momentum: Option<f64>,
    /// [`ConvConfig::weight_decay`].
    pub weight_decay: Option<f64>,
    /// [`ConvConfig::batch_size`].
    pub batch_size: Option<usize>,
    /// [`ConvConfig::max_epochs`].
    pub max_epochs: Option<usize>,
    /// [`ConvConfig::patience`].
    pub patience: Option<usize>,
    /// [`ConvConfig::val_size`].
    pub val_size: Option<usize>,
    /// [`ConvConfig::train_subset`].
    pub train_subset: Option<usize>,
    /// [`ConvConfig::test_subset`].
    pub test_subset: Option<usize>,
    /// [`ConvConfig::width_divisor`].
    pub width_divisor: Option<usize>,
    /// [`ConvConfig::augment`].
    pub augment: Option<bool>,
    /// [`ConvConfig::gaaf_k`].
    pub gaaf_k: Option<f64>,
}

/// The quick settings: one seed, widths divided by 8, 2,000 training, 500
/// validation and 1,000 test images, at most 3 epochs, patience 2.
pub const CONV_QUICK: ConvOverrides = ConvOverrides {
    lr: None,
    momentum: None,
    weight_decay: None,
    batch_size: None,
    max_epochs: Some(3),
    patience: Some(2),
    val_size: Some(500),
    train_subset: Some(2_000),
    test_subset: Some(1_000),
    width_divisor: Some(8),
    augment: None,
    gaaf_k: None,
};

impl ConvOverrides {
    /// `config` with every value set here replaced.
    pub fn apply(&self, mut c: ConvConfig) -> ConvConfig {
        set(&mut c.lr, self.lr);
        set(&mut c.momentum, self.momentum);
        set(&mut c.weight_decay, self.weight_decay);
        set(&mut c.batch_size, self.batch_size);
        set(&mut c.max_epochs, self.max_epochs);
        set(&mut c.patience, self.patience);
        set(&mut c.val_size, self.val_size);
        set(&mut c.width_divisor, self.width_divisor);
        set(&mut c.augment, self.augment);
        set(&mut c.gaaf_k, self.gaaf_k);
        c.train_subset = self.train_subset.or(c.train_subset);
        c.test_subset = self.test_subset.or(c.test_subset);
        c
    }
}

/// Where to train.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DeviceChoice {
    /// The CPU.
    #[default]
    Cpu,
    /// CUDA device `n` (needs the `cuda` feature).
    Cuda(usize),
}

impl std::str::FromStr for DeviceChoice {
    type Err = String;

    /// `cpu`, `cuda` (device 0) or `cuda:N`.
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "cpu" => Ok(Self::Cpu),
            "cuda" => Ok(Self::Cuda(0)),
            _ => s
                .strip_prefix("cuda:")
                .and_then(|n| n.parse().ok())
                .map(Self::Cuda)
                .ok_or_else(|| format!("expected cpu, cuda or cuda:N, found {s:?}")),
        }
    }
}

impl DeviceChoice {
    /// The candle device.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] for CUDA in a build without the `cuda` feature, or
    /// when the device cannot be opened.
    pub fn open(self) -> Result<Device> {
        match self {
            Self::Cpu => Ok(Device::Cpu),
            #[cfg(feature = "cuda")]
            Self::Cuda(n) => Device::new_cuda(n)
                .map_err(|e| Error::Config(format!("cannot open CUDA device {n}: {e}"))),
            #[cfg(not(feature = "cuda"))]
            Self::Cuda(_) => Err(Error::Config(
                "this build has no CUDA support; rebuild with `--features cuda`".into(),
            )),
        }
    }
}

/// What to run.
#[derive(Debug, Clone, PartialEq)]
pub struct ConvOptions {
    /// The dataset (and so the architecture).
    pub dataset: ConvDataset,
    /// The output folder.
    pub out: PathBuf,
    /// Where the data is (else `$GAAF_DATA_DIR`, else `./data`).
    pub data_dir: Option<PathBuf>,
    /// Seeds `0..seeds` (default 1: the paper reports single values).
    pub seeds: Option<u64>,
    /// The variants (default all four).
    pub variants: Vec<ConvVariant>,
    /// Apply [`CONV_QUICK`] before the overrides.
    pub quick: bool,
    /// Which part of the sweep to run.
    pub shard: Shard,
    /// Runs side by side.
    pub jobs: usize,
    /// Only build the report from `out/runs/*.json`.
    pub merge_only: bool,
    /// Where to train.
    pub device: DeviceChoice,
    /// Values replacing the defaults.
    pub overrides: ConvOverrides,
    /// The command line, for the report.
    pub command: String,
}

impl ConvOptions {
    /// Every run of the sweep, seed-major, before sharding.
    pub fn configs(&self) -> Vec<ConvConfig> {
        let variants = if self.variants.is_empty() {
            ConvVariant::ALL.to_vec()
        } else {
            self.variants.clone()
        };
        let mut out = Vec::new();
        for seed in 0..self.seeds.unwrap_or(1) {
            for &v in &variants {
                let mut c = ConvConfig::new(self.dataset, v, seed);
                if self.quick {
                    c = CONV_QUICK.apply(c);
                }
                out.push(self.overrides.apply(c));
            }
        }
        out
    }
}

/// What [`run_conv`] did.
#[derive(Debug, Clone, PartialEq)]
pub struct ConvSummary {
    /// The runs reported on, in sweep order.
    pub runs: Vec<ConvRunResult>,
    /// How many were reused from earlier invocations.
    pub reused: usize,
    /// Where the report went.
    pub report_dir: PathBuf,
}

/// The data and device every run of a sweep shares.
#[derive(Debug)]
pub struct ConvData {
    splits: gaaf_data::Splits,
    device: Device,
}

/// One convolutional run of the sweep.
impl Job for ConvConfig {
    type Output = ConvRunResult;
    type Data = ConvData;

    fn id(&self) -> String {
        self.run_id()
    }

    fn max_epochs(&self) -> usize {
        self.max_epochs
    }

    fn made_by(&self, output: &ConvRunResult) -> bool {
        output.config == *self
    }

    fn run(
        &self,
        data: &ConvData,
        checkpoint_dir: &Path,
        progress: &dyn Progress,
    ) -> Result<ConvRunResult> {
        let run_data = RunData::split(
            &data.splits,
            self.val_size,
            self.seed,
            self.train_subset,
            self.test_subset,
        )?;
        train_conv(self, &run_data, &data.device, checkpoint_dir, progress)
    }

    fn summary(r: &ConvRunResult) -> String {
        format!(
            "{}: test {:.2} % at best epoch {} (val {:.2} %, train {:.2} %), {} epochs, {:.0} s on {}",
            r.config.run_id(),
            100.0 * r.test_acc,
            r.best_epoch,
            100.0 * r.best_val_acc,
            100.0 * r.train_acc,
            r.epochs.len(),
            r.seconds,
            r.device
        )
    }
}

/// Runs this shard of the sweep (or, with `merge_only`, nothing) and writes
/// `table5.md` and `report.md`.
///
/// # Errors
///
/// Missing data (after trying to fetch it, with the `fetch` feature), an
/// unavailable device, a configuration mismatch with existing files, I/O, a
/// diverged run, or the report.
pub fn run_conv(opts: &ConvOptions) -> Result<ConvSummary> {
    let started = Instant::now();
    let (runs, reused) = if opts.merge_only {
        let mut runs: Vec<ConvRunResult> = sweep::read_results(&opts.out.join("runs"))?;
        runs.sort_by_key(|r| (r.config.dataset, r.config.variant, r.config.seed));
        (runs, 0)
    } else {
        let configs = opts.shard.select(opts.configs());
        sweep::run_jobs(&configs, &opts.out, opts.jobs, || {
            let device = opts.device.open()?;
            let splits = crate::runner::load_dataset(opts.data_dir.clone(), opts.dataset.kind())?;
            Ok(ConvData { splits, device })
        })?
    };
    let report_dir = opts.shard.report_dir(&opts.out, opts.merge_only);
    let meta = ReportMeta {
        command: opts.command.clone(),
        machine: crate::train::machine(),
        wall_seconds: (!opts.merge_only).then(|| started.elapsed().as_secs_f64()),
        quick: opts.quick || runs.iter().any(|r| r.config.train_subset.is_some()),
    };
    write_conv_report(&runs, &report_dir, &meta).map_err(|e| Error::Report(sweep::chain(&e)))?;
    Ok(ConvSummary {
        runs,
        reused,
        report_dir,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn devices_parse() {
        assert_eq!("cpu".parse(), Ok(DeviceChoice::Cpu));
        assert_eq!("cuda".parse(), Ok(DeviceChoice::Cuda(0)));
        assert_eq!("cuda:3".parse(), Ok(DeviceChoice::Cuda(3)));
        assert!("gpu".parse::<DeviceChoice>().is_err());
    }

    #[test]
    fn quick_then_overrides_and_ids() {
        let o = ConvOptions {
            dataset: ConvDataset::Svhn,
            out: PathBuf::from("unused"),
            data_dir: None,
            seeds: Some(2),
            variants: Vec::new(),
            quick: true,
            shard: Shard::default(),
            jobs: 1,
            merge_only: false,
            device: DeviceChoice::Cpu,
            overrides: ConvOverrides {
                max_epochs: Some(1),
                ..ConvOverrides::default()
            },
            command: String::new(),
        };
        let c = o.configs();
        assert_eq!(c.len(), 8);
        assert_eq!(c[0].max_epochs, 1);
        assert_eq!(c[0].width_divisor, 8);
        assert_eq!(c[5].run_id(), "svhn-bn-seed1");
    }
}
