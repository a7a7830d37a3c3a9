//! The MNIST sweep: every (seed, variant) run, sharded and run side by side,
//! with progress bars, reusing finished runs and resuming unfinished ones,
//! then the report.
//!
//! Files under `out`: `runs/<run-id>.json` (one finished run, the
//! [`RunResult`] schema), `checkpoints/<run-id>/` (its state and weights), and
//! the report (tables, figures, `report.md`) built by
//! [`crate::report::write_report`]. A sharded run (`count > 1`) writes the
//! report of its own runs into `shards/<index>-of-<count>/`, so shards never
//! write the same file; `merge_only` then builds the full report from every
//! `runs/*.json`.
//!
//! **Reuse rule**: a run whose `runs/<run-id>.json` exists is reused when its
//! configuration equals the requested one; when it differs, the sweep stops
//! with [`Error::ConfigMismatch`] (one line, naming the file) instead of
//! overwriting or mixing results: choose another `--out` or delete the file.
//! The same holds for an unfinished run's checkpoint.

use crate::config::set;
use crate::error::{Error, Result};
use crate::report::{write_report, ReportMeta};
use crate::sweep::{self, Job, Progress};
use crate::train::{self, RunData};
use crate::{RunResult, TrainConfig, Variant};
use std::path::{Path, PathBuf};
use std::time::Instant;

pub use crate::sweep::Shard;

/// Values that replace [`TrainConfig::new`]'s defaults (and `--quick`'s).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Overrides {
    /// [`TrainConfig::lr`].
    pub lr: Option<f64>,
    /// [`TrainConfig::batch_size`].
    pub batch_size: Option<usize>,
    /// [`TrainConfig::max_epochs`].
    pub max_epochs: Option<usize>,
    /// [`TrainConfig::patience`].
    pub patience: Option<usize>,
    /// [`TrainConfig::dropout_p`].
    pub dropout_p: Option<f64>,
    /// [`TrainConfig::gaaf_k`].
    pub gaaf_k: Option<f64>,
    /// [`TrainConfig::shape_width`].
    pub shape_width: Option<f64>,
    /// [`TrainConfig::val_size`].
    pub val_size: Option<usize>,
    /// [`TrainConfig::train_subset`].
    pub train_subset: Option<usize>,
    /// [`TrainConfig::test_subset`].
    pub test_subset: Option<usize>,
}

/// The quick settings: one seed, 10,000 training and 2,000 test images, 5,000
/// validation images, at most 4 epochs, patience 2.
pub const QUICK: Overrides = Overrides {
    lr: None,
    batch_size: None,
    max_epochs: Some(4),
    patience: Some(2),
    dropout_p: None,
    gaaf_k: None,
    shape_width: None,
    val_size: Some(5_000),
    train_subset: Some(10_000),
    test_subset: Some(2_000),
};

impl Overrides {
    /// `config` with every value set here replaced.
    pub fn apply(&self, mut config: TrainConfig) -> TrainConfig {
        let c = &mut config;
        set(&mut c.lr, self.lr);
        set(&mut c.batch_size, self.batch_size);
        set(&mut c.max_epochs, self.max_epochs);
        set(&mut c.patience, self.patience);
        set(&mut c.dropout_p, self.dropout_p);
        set(&mut c.gaaf_k, self.gaaf_k);
        set(&mut c.shape_width, self.shape_width);
        set(&mut c.val_size, self.val_size);
        c.train_subset = self.train_subset.or(c.train_subset);
        c.test_subset = self.test_subset.or(c.test_subset);
        config
    }
}

/// What to run.
#[derive(Debug, Clone, PartialEq)]
pub struct MnistOptions {
    /// The output folder.
    pub out: PathBuf,
    /// Where MNIST is (else `$GAAF_DATA_DIR`, else `./data`).
    pub data_dir: Option<PathBuf>,
    /// Seeds `0..seeds` (default 5, or 1 with `quick`).
    pub seeds: Option<u64>,
    /// The variants (default all four).
    pub variants: Vec<Variant>,
    /// Apply [`QUICK`] before the overrides.
    pub quick: bool,
    /// Which part of the sweep to run.
    pub shard: Shard,
    /// Runs side by side.
    pub jobs: usize,
    /// Only build the report from `out/runs/*.json`.
    pub merge_only: bool,
    /// Values replacing the defaults.
    pub overrides: Overrides,
    /// The command line, for the report.
    pub command: String,
}

impl MnistOptions {
    /// Every run of the sweep, seed-major, before sharding.
    pub fn configs(&self) -> Vec<TrainConfig> {
        let seeds = self.seeds.unwrap_or(if self.quick { 1 } else { 5 });
        let variants = if self.variants.is_empty() {
            Variant::ALL.to_vec()
        } else {
            self.variants.clone()
        };
        let mut out = Vec::new();
        for seed in 0..seeds {
            for &v in &variants {
                let mut c = TrainConfig::new(v, seed);
                if self.quick {
                    c = QUICK.apply(c);
                }
                out.push(self.overrides.apply(c));
            }
        }
        out
    }

    /// This shard's runs.
    pub fn shard_configs(&self) -> Vec<TrainConfig> {
        self.shard.select(self.configs())
    }
}

/// What [`run_mnist`] did.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    /// The runs reported on, in sweep order.
    pub runs: Vec<RunResult>,
    /// How many of them were reused from earlier invocations.
    pub reused: usize,
    /// Where the report went.
    pub report_dir: PathBuf,
}

/// Runs this shard of the sweep (or, with `merge_only`, nothing) and writes
/// the report.
///
/// # Errors
///
/// Missing data (after trying to fetch it, with the `fetch` feature), a
/// configuration mismatch with existing files, I/O, a diverged run, or the
/// report.
pub fn run_mnist(opts: &MnistOptions) -> Result<Summary> {
    let started = Instant::now();
    let (runs, reused) = if opts.merge_only {
        (read_runs(&opts.out.join("runs"))?, 0)
    } else {
        let data_dir = opts.data_dir.clone();
        sweep::run_jobs(&opts.shard_configs(), &opts.out, opts.jobs, || {
            load_mnist(data_dir)
        })?
    };
    let report_dir = opts.shard.report_dir(&opts.out, opts.merge_only);
    let meta = ReportMeta {
        command: opts.command.clone(),
        machine: train::machine(),
        wall_seconds: (!opts.merge_only).then(|| started.elapsed().as_secs_f64()),
        quick: opts.quick || runs.iter().any(|r| r.config.train_subset.is_some()),
    };
    write_report(&runs, &report_dir, &meta).map_err(|e| Error::Report(sweep::chain(&e)))?;
    Ok(Summary {
        runs,
        reused,
        report_dir,
    })
}

/// Every `runs/*.json` under `dir`, sorted by variant then seed.
///
/// # Errors
///
/// I/O or JSON errors.
pub fn read_runs(dir: &Path) -> Result<Vec<RunResult>> {
    let mut runs: Vec<RunResult> = sweep::read_results(dir)?;
    runs.sort_by_key(|r| (r.config.variant, r.config.seed));
    Ok(runs)
}

/// MNIST from `dir` (see [`load_dataset`]).
///
/// # Errors
///
/// As [`load_dataset`].
pub fn load_mnist(dir: Option<PathBuf>) -> Result<gaaf_data::Splits> {
    load_dataset(dir, gaaf_data::DatasetKind::Mnist)
}

/// Dataset `kind` from `dir` (else `$GAAF_DATA_DIR`, else `./data`), fetched
/// first when missing, the `fetch` feature is on and the environment variable
/// `GAAF_NO_FETCH` is not set (tests set it so that they never download).
///
/// # Errors
///
/// gaaf-data's error (naming the folder and files) when it is missing and
/// cannot be fetched, or is malformed.
pub fn load_dataset(
    dir: Option<PathBuf>,
    kind: gaaf_data::DatasetKind,
) -> Result<gaaf_data::Splits> {
    let dir = gaaf_data::DataDir::resolve(dir);
    match gaaf_data::load(&dir, kind) {
        #[cfg(feature = "fetch")]
        Err(missing @ gaaf_data::Error::MissingFile { .. })
            if std::env::var_os("GAAF_NO_FETCH").is_none() =>
        {
            eprintln!("{missing}; trying to download it");
            let opts = gaaf_data::fetch::FetchOptions::default();
            if let Err(e) = gaaf_data::fetch::fetch(&dir, kind, &opts) {
                return Err(Error::Fetch(format!("{missing} (download failed: {e})")));
            }
            Ok(gaaf_data::load(&dir, kind)?)
        }
        other => Ok(other?),
    }
}

/// One MNIST run of the sweep.
impl Job for TrainConfig {
    type Output = RunResult;
    type Data = gaaf_data::Splits;

    fn id(&self) -> String {
        self.run_id()
    }

    fn max_epochs(&self) -> usize {
        self.max_epochs
    }

    fn made_by(&self, output: &RunResult) -> bool {
        output.config == *self
    }

    fn run(
        &self,
        splits: &gaaf_data::Splits,
        checkpoint_dir: &Path,
        progress: &dyn Progress,
    ) -> Result<RunResult> {
        let data = RunData::prepare(splits, self)?;
        train::train(self, &data, checkpoint_dir, progress)
    }

    fn summary(r: &RunResult) -> String {
        summary_line(r)
    }
}

/// One line per finished run.
pub fn summary_line(r: &RunResult) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn opts() -> MnistOptions {
        MnistOptions {
            out: PathBuf::from("unused"),
            data_dir: None,
            seeds: None,
            variants: Vec::new(),
            quick: false,
            shard: Shard::default(),
            jobs: 1,
            merge_only: false,
            overrides: Overrides::default(),
            command: String::new(),
        }
    }

    #[test]
    fn shards_partition_the_sweep() {
        let all = opts().configs();
        assert_eq!(all.len(), 20);
        let mut ids: Vec<String> = (0..3)
            .flat_map(|index| {
                let o = MnistOptions {
                    shard: Shard { index, count: 3 },
                    ..opts()
                };
                o.shard_configs().into_iter().map(|c| c.run_id())
            })
            .collect();
        ids.sort();
        let mut want: Vec<String> = all.iter().map(TrainConfig::run_id).collect();
        want.sort();
        assert_eq!(ids, want);
    }

    #[test]
    fn quick_then_overrides() {
        let o = MnistOptions {
            quick: true,
            overrides: Overrides {
                lr: Some(0.3),
                max_epochs: Some(2),
                ..Overrides::default()
            },
            ..opts()
        };
        let c = o.configs();
        assert_eq!(c.len(), 4);
        assert_eq!(c[0].max_epochs, 2);
        assert_eq!(c[0].lr, 0.3);
        assert_eq!(c[0].train_subset, QUICK.train_subset);
    }
}
