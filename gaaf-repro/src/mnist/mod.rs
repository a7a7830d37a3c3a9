//! The MNIST experiment of section 5.1 (Tables 1-4, Figures 1, 3 and 6):
//! every (seed, variant) run of the 784-512-256-256-10 tanh MLP, trained with
//! dfdx on the CPU or (feature `cuda`, `--device cuda`) a GPU, sharded and
//! run side by side, reusing finished runs and resuming unfinished ones
//! ([`crate::sweep`]), then the report ([`report::write_report`]).
//!
//! **CUDA** ([`run_on`], [`DfdxDevice`]): the same experiment and result
//! files (the device is not part of [`Config`]; a run's `machine` line names
//! it), for the base, dropout and GAAF variants; the dropout-matched variant
//! has no CUDA path and is refused before any work. The CUDA path is
//! untested on a GPU so far: on a GPU machine, run
//! `cargo test -p gaaf-repro --features cuda -- --ignored cuda`, which
//! trains one epoch on a subset on CUDA and on the CPU and compares them.
//!
//! Files under `out`: `runs/<run-id>.json` (one finished run, the [`Run`]
//! schema), `checkpoints/<run-id>/` (its checkpoints), and the report
//! (tables, figures, `report.md`). A sharded run (`count > 1`) writes the
//! report of its own runs into `shards/<index>-of-<count>/`, so shards never
//! write the same file; `merge_only` then builds the full report from every
//! `runs/*.json`.
//!
//! **Reuse rule**: a run whose `runs/<run-id>.json` exists is reused when its
//! configuration equals the requested one; when it differs, the sweep stops
//! with [`Error::ConfigMismatch`](crate::Error::ConfigMismatch) (one line,
//! naming the file) instead of overwriting or mixing results: choose another
//! `--out` or delete the file. The same holds for an unfinished run's
//! checkpoint.

mod adam;
pub mod analysis;
mod config;
mod device;
mod model;
mod per_sample;
pub mod report;
mod results;
mod sgd;
mod train;

pub use config::{Config, Optimiser};
pub use device::{DfdxDevice, MnistDevice};
pub use results::{
    Epoch, Histogram, LayerCorrelation, Run, Variant, CORRELATION_BINS, CORRELATION_THRESHOLDS,
    NET_BINS, NET_RANGE,
};
pub use train::{
    prepare, train, train_on, train_until, Trainer, NET_VARIANCE_BATCH, NET_VARIANCE_PASSES,
};

use crate::error::{check, Result};
use crate::report_common::ReportMeta;
use crate::sweep::{self, CommonOverrides, DeviceChoice, Job, Progress, RunConfig, SweepOptions};
use std::path::Path;

/// Values that replace [`Config::new`]'s defaults (and `--quick`'s).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Overrides {
    /// Learning rate, batch size, stopping rule, data sizes, `K`.
    pub common: CommonOverrides,
    /// [`Config::dropout_p`].
    pub dropout_p: Option<f64>,
    /// [`Config::shape_width`].
    pub shape_width: Option<f64>,
}

/// The quick settings: one seed, 10,000 training and 2,000 test images, 5,000
/// validation images, at most 4 epochs, a plateau test over 1-epoch windows.
pub const QUICK: Overrides = Overrides {
    common: CommonOverrides {
        max_epochs: Some(4),
        plateau_window: Some(1),
        val_size: Some(5_000),
        train_subset: Some(10_000),
        test_subset: Some(2_000),
        ..CommonOverrides::NONE
    },
    dropout_p: None,
    shape_width: None,
};

impl Overrides {
    /// `config` with every value set here replaced.
    pub fn apply(&self, c: Config) -> Config {
        let mut c = Config {
            dropout_p: self.dropout_p.unwrap_or(c.dropout_p),
            shape_width: self.shape_width.unwrap_or(c.shape_width),
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
    /// Output folder, data, seeds (default 5, or 1 with `quick`), shard,
    /// jobs.
    pub sweep: SweepOptions,
    /// The variants (default all four).
    pub variants: Vec<Variant>,
    /// Apply [`QUICK`] before the overrides.
    pub quick: bool,
    /// The epochs Table 2 averages over, the first `g_window` of every run
    /// ([`report::G_WINDOW`] by default).
    pub g_window: usize,
    /// Add the learning-rate controls ([`CONTROL_LR_FACTORS`], the control
    /// variants, Adam) to the sweep.
    pub controls: bool,
    /// Values replacing the defaults.
    pub overrides: Overrides,
}

impl Options {
    /// The SGD learning rate of the main grid's runs (Table 4's).
    pub fn main_lr(&self) -> f64 {
        self.overrides
            .common
            .lr
            .unwrap_or(Optimiser::Sgd.default_lr())
    }

    /// Every run of the sweep, seed-major, before sharding, each checked.
    ///
    /// # Errors
    ///
    /// [`crate::Error::InvalidConfig`] or [`crate::Error::InvalidShard`],
    /// naming the first flag out of range.
    pub fn configs(&self) -> Result<Vec<Config>> {
        check::count("g-window", self.g_window)?;
        let seeds = if self.quick { 1 } else { 5 };
        let config = |variant, seed| {
            let c = Config::new(variant, seed);
            self.overrides
                .apply(if self.quick { QUICK.apply(c) } else { c })
        };
        let mut configs =
            self.sweep
                .grid(seeds, &self.variants, &Variant::ALL, |variant, seed| {
                    let c = config(variant, seed);
                    c.validate()?;
                    Ok(c)
                })?;
        if self.controls {
            // The main grid's seeds; control-major, so that an interrupted
            // sweep has every seed of the first controls ([`controls`]' order:
            // the sharpest first) rather than every control of a few seeds.
            let seeds: Vec<u64> = {
                let mut s: Vec<u64> = configs.iter().map(|c| c.seed).collect();
                s.dedup();
                s
            };
            let per_seed: Vec<Vec<Config>> = seeds
                .iter()
                .map(|&seed| controls(config(Variant::Base, seed)))
                .collect();
            for k in 0..per_seed.first().map_or(0, Vec::len) {
                for c in &per_seed {
                    c[k].validate()?;
                    configs.push(c[k].clone());
                }
            }
        }
        Ok(configs)
    }
}

/// The learning rates of the controls' grid, as multiples of the sweep's
/// SGD rate (0.025, 0.1, 0.2 around the default 0.05).
pub const CONTROL_LR_FACTORS: [f64; 3] = [0.5, 2.0, 4.0];

/// The control runs of one seed, from its base configuration `base`, the
/// sharpest first: the base model with per-layer rates scaled by GAAF's
/// gain; GAAF with the shoulder shape; base and GAAF under Adam at its
/// default rate; base and GAAF at each [`CONTROL_LR_FACTORS`] rate. (Base
/// and GAAF at the sweep's own rate are the main grid's runs.)
pub fn controls(base: Config) -> Vec<Config> {
    let with = |variant, optimiser, lr| Config {
        variant,
        optimiser,
        lr,
        ..base.clone()
    };
    let mut out = Vec::new();
    for v in Variant::CONTROLS {
        out.push(with(v, Optimiser::Sgd, base.lr));
    }
    for v in [Variant::Base, Variant::Gaaf] {
        out.push(with(v, Optimiser::Adam, Optimiser::Adam.default_lr()));
    }
    for factor in CONTROL_LR_FACTORS {
        for v in [Variant::Base, Variant::Gaaf] {
            out.push(with(v, Optimiser::Sgd, base.lr * factor));
        }
    }
    out
}

/// Checks the options, runs this shard of the sweep (or, with `merge_only`,
/// nothing) and writes the report.
///
/// # Errors
///
/// A configuration value out of range (before any work), missing data
/// (after trying to fetch it, with the `fetch` feature), a configuration
/// mismatch with existing files, I/O, a diverged run, or the report.
pub fn run(opts: &Options) -> Result<sweep::Swept<Run>> {
    run_on(opts, DeviceChoice::Cpu)
}

/// As [`run`], training on `device` (opened before any work, unless
/// `merge_only`).
///
/// # Errors
///
/// As [`run`], and before any work: [`crate::Error::NoCuda`] for CUDA in a
/// build without the `cuda` feature, [`crate::Error::DfdxCudaOpen`] for a
/// CUDA device that cannot be opened, [`crate::Error::Unsupported`] for a
/// variant the device cannot run.
pub fn run_on(opts: &Options, device: DeviceChoice) -> Result<sweep::Swept<Run>> {
    let configs = opts.configs()?;
    let device = if opts.sweep.merge_only {
        DfdxDevice::Cpu
    } else {
        let device = DfdxDevice::open(device)?;
        for c in &configs {
            device.supports(c.variant)?;
        }
        device
    };
    let data_dir = opts.sweep.data_dir.clone();
    let load = || {
        let splits = sweep::load_dataset(data_dir, gaaf_data::DatasetKind::Mnist)?;
        Ok(Data { splits, device })
    };
    let swept = opts
        .sweep
        .run(configs, load, |c| (c.variant, c.seed, c.run_id()))?;
    let meta = ReportMeta::of(&opts.sweep, &swept, opts.quick);
    // Tables 1-4 and their figures: the paper's four models under the
    // sweep's own SGD rate; the controls, when there are any, their section.
    let main_lr = opts.main_lr();
    let main: Vec<Run> = swept
        .runs
        .iter()
        .filter(|r| {
            Variant::ALL.contains(&r.config.variant)
                && r.config.optimiser == Optimiser::Sgd
                && r.config.lr == main_lr
        })
        .cloned()
        .collect();
    let controls =
        (main.len() < swept.runs.len()).then(|| report::render_controls(&swept.runs, main_lr));
    report::write_report(&main, &swept.report_dir, &meta, opts.g_window, controls)?;
    Ok(swept)
}

/// The data and device every run of a sweep shares.
#[derive(Debug)]
pub struct Data {
    splits: gaaf_data::Splits,
    device: DfdxDevice,
}

/// One MNIST run of the sweep.
impl Job for Config {
    type Output = Run;
    type Data = Data;

    fn config_of(output: &Run) -> &Config {
        &output.config
    }

    fn run(&self, data: &Data, checkpoint_dir: &Path, progress: &dyn Progress) -> Result<Run> {
        let run_data = prepare(&data.splits, self)?;
        train_on(self, &run_data, &data.device, checkpoint_dir, progress)
    }

    fn summary(r: &Run) -> String {
        format!(
            "{}: test {:.2} % at best epoch {} (val {:.2} %), {} epochs, {:.0} s",
            r.config.run_id(),
            100.0 * r.test_acc,
            r.best_epoch,
            100.0 * r.best_val_acc,
            r.epochs.len(),
            r.seconds
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sweep::Shard;

    fn opts() -> Options {
        Options {
            sweep: SweepOptions::new("unused"),
            variants: Vec::new(),
            quick: false,
            g_window: report::G_WINDOW,
            controls: false,
            overrides: Overrides::default(),
        }
    }

    #[test]
    fn controls_add_ten_runs_per_seed_with_distinct_ids() {
        let mut o = opts();
        o.controls = true;
        let configs = o.configs().unwrap();
        // 4 paper variants + 6 grid runs + 2 control variants + 2 Adam runs.
        assert_eq!(configs.len(), 5 * (4 + 10));
        let mut ids: Vec<String> = configs.iter().map(RunConfig::run_id).collect();
        assert!(ids.contains(&"gaaf-lr0.2-seed4".to_string()));
        assert!(ids.contains(&"base-adam-seed0".to_string()));
        assert!(ids.contains(&"base-lr-scaled-seed3".to_string()));
        assert!(ids.contains(&"gaaf-seed0".to_string()));
        // Control-major: every seed of the scaled base model comes first.
        let first: Vec<String> = configs[20..25].iter().map(RunConfig::run_id).collect();
        assert!(
            first.iter().all(|id| id.starts_with("base-lr-scaled-")),
            "{first:?}"
        );
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), configs.len());
        // Adam with the scaled base is refused, naming the flag.
        let bad = Config {
            optimiser: Optimiser::Adam,
            ..Config::new(Variant::BaseLrScaled, 0)
        };
        assert!(bad
            .validate()
            .unwrap_err()
            .to_string()
            .contains("--optimiser"));
    }

    #[test]
    fn shards_partition_the_sweep() {
        let all = opts().configs().unwrap();
        assert_eq!(all.len(), 20);
        let mut ids: Vec<String> = (0..3)
            .flat_map(|index| {
                let mut o = opts();
                o.sweep.shard = Shard { index, count: 3 };
                o.sweep.shard.select(o.configs().unwrap())
            })
            .map(|c| c.run_id())
            .collect();
        ids.sort();
        let mut want: Vec<String> = all.iter().map(Config::run_id).collect();
        want.sort();
        assert_eq!(ids, want);
    }

    #[test]
    fn quick_then_overrides() {
        let o = Options {
            quick: true,
            overrides: Overrides {
                common: CommonOverrides {
                    lr: Some(0.3),
                    max_epochs: Some(2),
                    ..CommonOverrides::NONE
                },
                ..Overrides::default()
            },
            ..opts()
        };
        let c = o.configs().unwrap();
        assert_eq!(c.len(), 4);
        assert_eq!(c[0].stopping.max_epochs, 2);
        assert_eq!(c[0].lr, 0.3);
        assert_eq!(c[0].sizes.train_subset, QUICK.common.train_subset);
    }
}
