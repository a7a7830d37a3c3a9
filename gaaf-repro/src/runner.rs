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

use crate::error::{Error, Result};
use crate::report::{write_report, ReportMeta};
use crate::train::{self, Progress, RunData};
use crate::{EpochRecord, RunResult, TrainConfig, Variant};
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Instant;

/// Runs `index, index + count, index + 2 count, ...` of the sweep (0-based),
/// so that a job array of `count` jobs splits it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// This shard, `0..count`.
    pub index: usize,
    /// The number of shards.
    pub count: usize,
}

impl Default for Shard {
    fn default() -> Self {
        Self { index: 0, count: 1 }
    }
}

impl FromStr for Shard {
    type Err = String;

    /// Parses `I/N` with `I < N`.
    fn from_str(s: &str) -> Result<Self, String> {
        let bad = || format!("expected I/N with 0 <= I < N, found {s:?}");
        let (i, n) = s.split_once('/').ok_or_else(bad)?;
        let index: usize = i.trim().parse().map_err(|_| bad())?;
        let count: usize = n.trim().parse().map_err(|_| bad())?;
        if count == 0 || index >= count {
            return Err(bad());
        }
        Ok(Self { index, count })
    }
}

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
        if self.train_subset.is_some() {
            c.train_subset = self.train_subset;
        }
        if self.test_subset.is_some() {
            c.test_subset = self.test_subset;
        }
        config
    }
}

fn set<T>(field: &mut T, value: Option<T>) {
    if let Some(v) = value {
        *field = v;
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
        self.configs()
            .into_iter()
            .enumerate()
            .filter(|(i, _)| i % self.shard.count == self.shard.index)
            .map(|(_, c)| c)
            .collect()
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
    let runs_dir = opts.out.join("runs");
    let (runs, reused) = if opts.merge_only {
        (read_runs(&runs_dir)?, 0)
    } else {
        run_shard(opts, &runs_dir)?
    };
    let report_dir = if opts.shard.count > 1 && !opts.merge_only {
        opts.out
            .join("shards")
            .join(format!("{}-of-{}", opts.shard.index, opts.shard.count))
    } else {
        opts.out.clone()
    };
    let meta = ReportMeta {
        command: opts.command.clone(),
        machine: train::machine(),
        wall_seconds: (!opts.merge_only).then(|| started.elapsed().as_secs_f64()),
        quick: opts.quick || runs.iter().any(|r| r.config.train_subset.is_some()),
    };
    write_report(&runs, &report_dir, &meta).map_err(|e| Error::Report(chain(&e)))?;
    Ok(Summary {
        runs,
        reused,
        report_dir,
    })
}

fn chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut src = e.source();
    while let Some(c) = src {
        s.push_str(": ");
        s.push_str(&c.to_string());
        src = c.source();
    }
    s
}

/// Every `runs/*.json` under `dir`, sorted by variant then seed.
///
/// # Errors
///
/// I/O or JSON errors.
pub fn read_runs(dir: &Path) -> Result<Vec<RunResult>> {
    let mut runs = Vec::new();
    let entries = std::fs::read_dir(dir).map_err(Error::io(dir))?;
    for entry in entries {
        let path = entry.map_err(Error::io(dir))?.path();
        if path.extension().is_some_and(|e| e == "json") {
            runs.push(read_run(&path)?);
        }
    }
    runs.sort_by_key(|r| (r.config.variant, r.config.seed));
    Ok(runs)
}

fn read_run(path: &Path) -> Result<RunResult> {
    let bytes = std::fs::read(path).map_err(Error::io(path))?;
    serde_json::from_slice(&bytes).map_err(Error::json(path))
}

/// MNIST from `dir`, fetched first when missing and the `fetch` feature is on.
///
/// # Errors
///
/// gaaf-data's error (naming the folder and files) when it is missing and
/// cannot be fetched.
pub fn load_mnist(dir: Option<PathBuf>) -> Result<gaaf_data::Splits> {
    let dir = gaaf_data::DataDir::resolve(dir);
    match gaaf_data::mnist::load(&dir) {
        #[cfg(feature = "fetch")]
        Err(missing @ gaaf_data::Error::MissingFile { .. }) => {
            eprintln!("{missing}; trying to download it");
            let opts = gaaf_data::fetch::FetchOptions::default();
            if let Err(e) = gaaf_data::fetch::fetch(&dir, gaaf_data::DatasetKind::Mnist, &opts) {
                return Err(Error::Fetch(format!("{missing} (download failed: {e})")));
            }
            Ok(gaaf_data::mnist::load(&dir)?)
        }
        other => Ok(other?),
    }
}

fn run_shard(opts: &MnistOptions, runs_dir: &Path) -> Result<(Vec<RunResult>, usize)> {
    let configs = opts.shard_configs();
    std::fs::create_dir_all(runs_dir).map_err(Error::io(runs_dir))?;
    // Finished runs are reused (or refused) before any data is loaded.
    let mut done: Vec<Option<RunResult>> = Vec::with_capacity(configs.len());
    for c in &configs {
        let path = runs_dir.join(format!("{}.json", c.run_id()));
        if path.exists() {
            let r = read_run(&path)?;
            if r.config != *c {
                return Err(Error::ConfigMismatch { path });
            }
            done.push(Some(r));
        } else {
            done.push(None);
        }
    }
    let reused = done.iter().filter(|d| d.is_some()).count();
    let todo: Vec<usize> = (0..configs.len()).filter(|&i| done[i].is_none()).collect();
    if !todo.is_empty() {
        let splits = load_mnist(opts.data_dir.clone())?;
        let multi = MultiProgress::with_draw_target(ProgressDrawTarget::stderr());
        let overall = multi.add(ProgressBar::new(todo.len() as u64));
        overall.set_style(
            ProgressStyle::with_template(
                "runs   [{bar:30}] {pos}/{len} {elapsed_precise} ETA {eta}",
            )
            .expect("valid template")
            .progress_chars("=> "),
        );
        if reused > 0 {
            log(
                &multi,
                &format!(
                    "reusing {reused} finished run(s) from {}",
                    runs_dir.display()
                ),
            );
        }
        let next = AtomicUsize::new(0);
        let failed = AtomicBool::new(false);
        let results: Mutex<Vec<(usize, Result<RunResult>)>> = Mutex::new(Vec::new());
        std::thread::scope(|s| {
            for _ in 0..opts.jobs.clamp(1, todo.len()) {
                s.spawn(|| loop {
                    let k = next.fetch_add(1, Ordering::SeqCst);
                    if k >= todo.len() || failed.load(Ordering::SeqCst) {
                        break;
                    }
                    let i = todo[k];
                    let r = run_one(&configs[i], &splits, &opts.out, runs_dir, &multi);
                    match &r {
                        Ok(run) => log(&multi, &summary_line(run)),
                        Err(_) => failed.store(true, Ordering::SeqCst),
                    }
                    overall.inc(1);
                    results
                        .lock()
                        .expect("no panics hold the lock")
                        .push((i, r));
                });
            }
        });
        overall.finish_and_clear();
        let mut results = results.into_inner().expect("no panics hold the lock");
        results.sort_by_key(|(i, _)| *i);
        for (i, r) in results {
            done[i] = Some(r?);
        }
        if let Some(i) = done.iter().position(Option::is_none) {
            // Only reachable when a run failed, which returned above.
            return Err(Error::Report(format!(
                "run {} did not finish",
                configs[i].run_id()
            )));
        }
    }
    Ok((done.into_iter().flatten().collect(), reused))
}

fn run_one(
    config: &TrainConfig,
    splits: &gaaf_data::Splits,
    out: &Path,
    runs_dir: &Path,
    multi: &MultiProgress,
) -> Result<RunResult> {
    let id = config.run_id();
    let data = RunData::prepare(splits, config)?;
    let bar = multi.add(ProgressBar::new(0));
    bar.set_style(
        ProgressStyle::with_template("{prefix:>22} [{bar:30}] {pos}/{len} {msg} ETA {eta}")
            .expect("valid template")
            .progress_chars("=> "),
    );
    bar.set_prefix(id.clone());
    let progress = Bars {
        bar: bar.clone(),
        max_epochs: config.max_epochs,
    };
    let result = train::train(config, &data, &out.join("checkpoints").join(&id), &progress);
    bar.finish_and_clear();
    multi.remove(&bar);
    let result = result?;
    let path = runs_dir.join(format!("{id}.json"));
    let json = serde_json::to_vec_pretty(&result).map_err(Error::json(&path))?;
    train::write_atomic(&path, &json)?;
    Ok(result)
}

fn log(multi: &MultiProgress, line: &str) {
    multi.suspend(|| eprintln!("{line}"));
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

struct Bars {
    bar: ProgressBar,
    max_epochs: usize,
}

impl Progress for Bars {
    fn epoch_started(&self, epoch: usize, batches: usize) {
        self.bar.reset();
        self.bar.set_length(batches as u64);
        self.bar
            .set_message(format!("epoch {epoch}/{}", self.max_epochs));
    }

    fn batch_done(&self) {
        self.bar.inc(1);
    }

    fn epoch_done(&self, record: &EpochRecord, best_epoch: usize) {
        self.bar.set_message(format!(
            "epoch {}/{} val {:.2} % (best epoch {best_epoch})",
            record.epoch,
            self.max_epochs,
            100.0 * record.val_acc
        ));
    }
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
    fn shards_parse_and_partition_the_sweep() {
        assert_eq!("1/3".parse::<Shard>(), Ok(Shard { index: 1, count: 3 }));
        for bad in ["3/3", "1", "a/2", "0/0"] {
            assert!(bad.parse::<Shard>().is_err(), "{bad}");
        }
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
