//! What every experiment's sweep takes besides its own configuration, and
//! the one path from those options to finished runs.

use super::{read_diverged, read_runs, run_jobs, DivergedRun, Invocation, Job, Shard};
use crate::error::{check, Result};
use std::path::PathBuf;
use std::time::Instant;

/// The most seeds a sweep takes (`--seeds`).
pub const MAX_SEEDS: u64 = 10_000;

/// The options of a sweep, whatever the experiment.
#[derive(Debug, Clone, PartialEq)]
pub struct SweepOptions {
    /// The output folder.
    pub out: PathBuf,
    /// Where the data is (else `$GAAF_DATA_DIR`, else `./data`).
    pub data_dir: Option<PathBuf>,
    /// Seeds `0..seeds` (else the experiment's default).
    pub seeds: Option<u64>,
    /// Which part of the sweep to run.
    pub shard: Shard,
    /// Runs side by side.
    pub jobs: usize,
    /// Only build the report from `out/runs/*.json`.
    pub merge_only: bool,
    /// The command line, for the report.
    pub command: String,
}

impl SweepOptions {
    /// Options writing into `out`, every other field at its default: no data
    /// folder, the experiment's seeds, one shard, one job.
    pub fn new(out: impl Into<PathBuf>) -> Self {
        Self {
            out: out.into(),
            data_dir: None,
            seeds: None,
            shard: Shard::default(),
            jobs: 1,
            merge_only: false,
            command: String::new(),
        }
    }

    /// Checks `--jobs`, `--seeds` and `--shard`.
    ///
    /// # Errors
    ///
    /// The first value out of range.
    pub fn validate(&self) -> Result<()> {
        check::count("jobs", self.jobs)?;
        if let Some(seeds) = self.seeds {
            // The run list is built up front: a count beyond any real sweep
            // would exhaust memory rather than say what is wrong.
            check::between_one_and("seeds", seeds, MAX_SEEDS)?;
        }
        self.shard.validate()?;
        Ok(())
    }

    /// Every run of the sweep, seed-major, before sharding: `config(variant,
    /// seed)` for the seeds `0..seeds` (`0..default_seeds` when not given)
    /// and the `chosen` variants (`all` when none is chosen), after checking
    /// these options.
    ///
    /// # Errors
    ///
    /// A sweep option out of range, or `config`'s error.
    pub fn grid<V: Copy, C>(
        &self,
        default_seeds: u64,
        chosen: &[V],
        all: &[V],
        mut config: impl FnMut(V, u64) -> Result<C>,
    ) -> Result<Vec<C>> {
        self.validate()?;
        let variants = if chosen.is_empty() { all } else { chosen };
        let mut out = Vec::new();
        for seed in 0..self.seeds.unwrap_or(default_seeds) {
            for &v in variants {
                out.push(config(v, seed)?);
            }
        }
        Ok(out)
    }

    /// Runs this shard of `jobs` (or, with `merge_only`, reads every finished
    /// run instead, in the order of `merge_key` of their configurations);
    /// `load` loads the data the runs share.
    ///
    /// # Errors
    ///
    /// [`run_jobs`]' and [`read_runs`]'.
    pub fn run<J: Job, K: Ord>(
        &self,
        jobs: Vec<J>,
        load: impl FnOnce() -> Result<J::Data>,
        merge_key: impl Fn(&J) -> K,
    ) -> Result<Swept<J::Output>> {
        let started = Instant::now();
        let (runs, reused) = if self.merge_only {
            let dir = self.out.join("runs");
            // No folder yet: no run has finished, which the check reports.
            let mut runs: Vec<J::Output> = if dir.is_dir() {
                read_runs(&dir)?
            } else {
                Vec::new()
            };
            self.check_complete(&jobs, &runs)?;
            runs.sort_by_key(|r| merge_key(J::config_of(r)));
            (runs, 0)
        } else {
            let mut record = Invocation::start(
                &self.command,
                format!("{}/{}", self.shard.index + 1, self.shard.count),
            );
            let path = record.path(&self.out);
            record.save(&path)?;
            let (runs, reused) = run_jobs(&self.shard.select(jobs), &self.out, self.jobs, load)?;
            record.seconds = Some(started.elapsed().as_secs_f64());
            record.trained = Some(runs.len() - reused);
            record.save(&path)?;
            (runs, reused)
        };
        let partial = runs
            .iter()
            .any(|r| J::config_of(r).sizes().train_subset.is_some());
        Ok(Swept {
            runs,
            reused,
            partial,
            report_dir: self.shard.report_dir(&self.out, self.merge_only),
            wall_seconds: (!self.merge_only).then(|| started.elapsed().as_secs_f64()),
        })
    }
}

impl SweepOptions {
    /// Every job of `jobs` has a result among `runs` or a record in
    /// `diverged/` (a diverged run is finished: its configuration fails).
    fn check_complete<J: Job>(&self, jobs: &[J], runs: &[J::Output]) -> Result<()> {
        let diverged: Vec<DivergedRun<serde_json::Value>> = read_diverged(&self.out)?;
        let missing: Vec<String> = jobs
            .iter()
            .filter(|j| !runs.iter().any(|r| j.made_by(r)))
            .map(|j| j.run_id())
            .filter(|id| !diverged.iter().any(|d| &d.run_id == id))
            .collect();
        if missing.is_empty() {
            return Ok(());
        }
        Err(crate::Error::Incomplete {
            missing,
            total: jobs.len(),
            dir: self.out.join("runs"),
            rerun: self.training_command(),
        })
    }

    /// The command line of this invocation without `--merge-only`: the
    /// command that trains the sweep.
    fn training_command(&self) -> String {
        self.command
            .split(' ')
            .filter(|a| *a != "--merge-only")
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// What a sweep did.
#[derive(Debug, Clone, PartialEq)]
pub struct Swept<O> {
    /// The runs to report on: this shard's in sweep order, or with
    /// `merge_only` every finished run in file-name order.
    pub runs: Vec<O>,
    /// How many of them were reused from earlier invocations.
    pub reused: usize,
    /// Where this invocation's report goes (see [`Shard::report_dir`]).
    pub report_dir: PathBuf,
    /// Wall-clock seconds of the sweep (`None` when only merging).
    pub wall_seconds: Option<f64>,
    /// Whether some run used only a subset of the training data.
    pub partial: bool,
}
