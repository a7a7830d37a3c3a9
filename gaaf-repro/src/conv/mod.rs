//! The convolutional experiment of section 5.2 (Table 5): the four models
//! (base, +BN, +GAAF, +BN +GAAF) on CIFAR-10, CIFAR-100 or SVHN, trained with
//! candle through `gaaf-candle`, on the CPU or (feature `cuda`) a GPU.
//!
//! It runs on the shared sweep machinery ([`crate::sweep`]): progress bars,
//! reuse of finished runs, per-epoch checkpoints and resume, atomic result
//! files, sharding and merging. [`run`] runs it and writes `table5.md` and
//! `report.md` ([`report::write_report`]).

mod augment;
mod config;
mod device;
mod model;
mod optim;
pub mod report;
mod results;
mod train;

pub use crate::sweep::{DeviceChoice, DeviceError};
pub use config::{Architecture, Config, Dataset, Variant};
pub use model::{Net, SIDE};
pub use optim::MomentumSgd;
pub use results::{Epoch, Run};
pub use train::{train, train_until, Trainer};

use crate::error::Result;
use crate::report_common::ReportMeta;
use crate::sweep::{self, CommonOverrides, Job, Progress, RunConfig, RunData, SweepOptions};
use candle_core::Device;
use std::path::Path;

/// Values that replace [`Config::new`]'s defaults (and `--quick`'s).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Overrides {
    /// Learning rate, batch size, stopping rule, data sizes, `K`.
    pub common: CommonOverrides,
    /// [`Config::momentum`].
    pub momentum: Option<f64>,
    /// [`Config::weight_decay`].
    pub weight_decay: Option<f64>,
    /// [`Config::width_divisor`].
    pub width_divisor: Option<usize>,
    /// [`Config::augment`].
    pub augment: Option<bool>,
    /// [`Config::model`].
    pub model: Option<Architecture>,
}

/// The quick settings: one seed, widths divided by 8, 2,000 training, 500
/// validation and 1,000 test images, at most 3 epochs, patience 2.
pub const QUICK: Overrides = Overrides {
    common: CommonOverrides {
        max_epochs: Some(3),
        patience: Some(2),
        val_size: Some(500),
        train_subset: Some(2_000),
        test_subset: Some(1_000),
        ..CommonOverrides::NONE
    },
    momentum: None,
    weight_decay: None,
    width_divisor: Some(8),
    augment: None,
    model: None,
};

impl Overrides {
    /// `config` with every value set here replaced.
    pub fn apply(&self, c: Config) -> Config {
        let mut c = Config {
            momentum: self.momentum.unwrap_or(c.momentum),
            weight_decay: self.weight_decay.unwrap_or(c.weight_decay),
            width_divisor: self.width_divisor.unwrap_or(c.width_divisor),
            augment: self.augment.unwrap_or(c.augment),
            model: self.model.or(c.model),
            ..c
        };
        let (lr, batch, gaaf_k) = (&mut c.lr, &mut c.batch_size, &mut c.gaaf_k);
        self.common
            .apply(lr, batch, &mut c.stopping, &mut c.sizes, gaaf_k);
        c
    }
}

/// What to run.
#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    /// The dataset (and so the architecture).
    pub dataset: Dataset,
    /// Output folder, data, seeds (default 1: the paper reports single
    /// values), shard, jobs.
    pub sweep: SweepOptions,
    /// The variants (default all four).
    pub variants: Vec<Variant>,
    /// Apply [`QUICK`] before the overrides.
    pub quick: bool,
    /// Where to train.
    pub device: DeviceChoice,
    /// Values replacing the defaults.
    pub overrides: Overrides,
}

impl Options {
    /// Every run of the sweep, seed-major, before sharding, each checked.
    ///
    /// # Errors
    ///
    /// [`crate::Error::InvalidConfig`] or [`crate::Error::InvalidShard`],
    /// naming the first flag out of range.
    pub fn configs(&self) -> Result<Vec<Config>> {
        self.sweep
            .grid(1, &self.variants, &Variant::ALL, |variant, seed| {
                let c = Config::new(self.dataset, variant, seed);
                let c = self
                    .overrides
                    .apply(if self.quick { QUICK.apply(c) } else { c });
                c.validate()?;
                Ok(c)
            })
    }
}

/// The data and device every run of a sweep shares.
#[derive(Debug)]
pub struct Data {
    splits: gaaf_data::Splits,
    device: Device,
}

/// One convolutional run of the sweep.
impl Job for Config {
    type Output = Run;
    type Data = Data;

    fn config_of(output: &Run) -> &Config {
        &output.config
    }

    fn run(&self, data: &Data, checkpoint_dir: &Path, progress: &dyn Progress) -> Result<Run> {
        let run_data = RunData::split(&data.splits, &self.sizes, self.seed)?;
        train(self, &run_data, &data.device, checkpoint_dir, progress)
    }

    fn summary(r: &Run) -> String {
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

/// Checks the options, runs this shard of the sweep (or, with `merge_only`,
/// nothing) and writes `table5.md` and `report.md`.
///
/// # Errors
///
/// A configuration value out of range (before any work), missing data
/// (after trying to fetch it, with the `fetch` feature), an unavailable
/// device, a configuration mismatch with existing files, I/O, a diverged
/// run, or the report.
pub fn run(opts: &Options) -> Result<sweep::Swept<Run>> {
    let configs = opts.configs()?;
    let load = || {
        let device = opts.device.open()?;
        let splits = sweep::load_dataset(opts.sweep.data_dir.clone(), opts.dataset.kind())?;
        let splits = match opts.dataset {
            // 28 x 28 digits on the 32 x 32 canvas the models take.
            Dataset::Mnist32 => gaaf_data::Splits {
                train: splits.train.padded(2),
                test: splits.test.padded(2),
            },
            Dataset::Cifar10 | Dataset::Cifar100 | Dataset::Svhn => splits,
        };
        Ok(Data { splits, device })
    };
    let key = |c: &Config| (c.dataset, c.variant, c.seed);
    let swept = match opts.sweep.run(configs, load, key) {
        Ok(swept) => swept,
        // The other runs finished: report them beside the diverged ones
        // before saying so.
        Err(diverged @ crate::Error::Diverged { .. }) => {
            let merge = SweepOptions {
                merge_only: true,
                ..opts.sweep.clone()
            };
            let swept = merge.run(Vec::new(), unreachable_data, key)?;
            write_report(opts, &swept)?;
            return Err(diverged);
        }
        Err(e) => return Err(e),
    };
    write_report(opts, &swept)?;
    Ok(swept)
}

/// A merge never loads data.
fn unreachable_data() -> Result<Data> {
    Err(crate::Error::EmptySplit)
}

/// Writes `table5.md` and `report.md` for `swept` and the runs recorded as
/// diverged in the output folder.
fn write_report(opts: &Options, swept: &sweep::Swept<Run>) -> Result<()> {
    let diverged: Vec<Diverged> = sweep::read_diverged(&opts.sweep.out)?;
    let meta = ReportMeta::of(&opts.sweep, swept, opts.quick);
    report::write_report(&swept.runs, &diverged, &swept.report_dir, &meta)?;
    Ok(())
}

/// A run whose loss stopped being finite, as `diverged/<run-id>.json` holds
/// it.
pub type Diverged = sweep::DivergedRun<Config>;

#[cfg(test)]
mod tests {
    use super::*;

    fn opts() -> Options {
        Options {
            dataset: Dataset::Svhn,
            sweep: SweepOptions {
                seeds: Some(2),
                ..SweepOptions::new("unused")
            },
            variants: Vec::new(),
            quick: true,
            device: DeviceChoice::Cpu,
            overrides: Overrides::default(),
        }
    }

    #[test]
    fn quick_then_overrides_and_ids() {
        let o = Options {
            overrides: Overrides {
                common: CommonOverrides {
                    max_epochs: Some(1),
                    ..CommonOverrides::NONE
                },
                ..Overrides::default()
            },
            ..opts()
        };
        let c = o.configs().unwrap();
        assert_eq!(c.len(), 8);
        assert_eq!(c[0].stopping.max_epochs, 1);
        assert_eq!(c[0].width_divisor, 8);
        assert_eq!(c[5].run_id(), "svhn-bn-seed1");
    }
}
