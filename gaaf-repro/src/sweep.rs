//! What every experiment's sweep shares: sharding, running independent runs
//! side by side with progress bars, reusing finished runs, atomic result files.
//!
//! An experiment describes one run as a [`Job`]; [`run_jobs`] runs a list of
//! them. Files under `out`: `runs/<run-id>.json` (one finished run) and
//! `checkpoints/<run-id>/` (its checkpoints, the job's business).
//!
//! **Reuse rule**: a run whose `runs/<run-id>.json` exists is reused when it
//! was made by the requested configuration ([`Job::made_by`]); when it was
//! not, the sweep stops with [`Error::ConfigMismatch`] (one line, naming the
//! file) instead of overwriting or mixing results.

use crate::error::{Error, Result};
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Mutex;

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

impl Shard {
    /// This shard's items of `all`, in order.
    pub fn select<T>(&self, all: Vec<T>) -> Vec<T> {
        all.into_iter()
            .enumerate()
            .filter(|(i, _)| i % self.count == self.index)
            .map(|(_, c)| c)
            .collect()
    }

    /// Where the report of this invocation goes: `out` itself, or for one
    /// shard of several (not merging) `out/shards/<index>-of-<count>/`, so
    /// that shards never write the same file.
    pub fn report_dir(&self, out: &Path, merge_only: bool) -> PathBuf {
        if self.count > 1 && !merge_only {
            out.join("shards")
                .join(format!("{}-of-{}", self.index, self.count))
        } else {
            out.to_path_buf()
        }
    }
}

/// Follows a run's training; every method does nothing by default.
pub trait Progress {
    /// Epoch `epoch` starts, with `batches` batches.
    fn epoch_started(&self, epoch: usize, batches: usize) {
        let _ = (epoch, batches);
    }
    /// One batch is done.
    fn batch_done(&self) {}
    /// Epoch `epoch` is done with validation accuracy `val_acc` (in [0, 1]);
    /// `best_epoch` is the best so far.
    fn epoch_done(&self, epoch: usize, val_acc: f64, best_epoch: usize) {
        let _ = (epoch, val_acc, best_epoch);
    }
}

impl Progress for () {}

/// One run of a sweep.
pub trait Job: Sync {
    /// What a finished run writes to `runs/<id>.json`.
    type Output: Serialize + DeserializeOwned + Send;
    /// The data every run reads (loaded once, only when some run must train).
    type Data: Sync;

    /// A file-name-safe identifier, unique within the sweep.
    fn id(&self) -> String;
    /// The most epochs the run trains (for the progress bar).
    fn max_epochs(&self) -> usize;
    /// Whether `output` was made by this run's configuration.
    fn made_by(&self, output: &Self::Output) -> bool;
    /// Trains (resuming from `checkpoint_dir`) and analyses the run.
    ///
    /// # Errors
    ///
    /// The experiment's.
    fn run(
        &self,
        data: &Self::Data,
        checkpoint_dir: &Path,
        progress: &dyn Progress,
    ) -> Result<Self::Output>;
    /// One line about a finished run.
    fn summary(output: &Self::Output) -> String;
}

/// Runs `jobs` (reusing the finished ones under `out/runs`), `parallel` side
/// by side, and returns every output in `jobs`' order and how many were
/// reused. `load` is called once, and only if some job must train. The first
/// failed run stops the others from starting and is returned; except that a
/// run whose loss diverged ([`Error::Diverged`], a property of its
/// configuration, not a fault) lets the others go on, so that their results
/// are saved, and is returned when all have finished.
///
/// # Errors
///
/// [`Error::ConfigMismatch`], I/O and JSON errors, `load`'s and the runs'.
pub fn run_jobs<J: Job>(
    jobs: &[J],
    out: &Path,
    parallel: usize,
    load: impl FnOnce() -> Result<J::Data>,
) -> Result<(Vec<J::Output>, usize)> {
    let runs_dir = out.join("runs");
    std::fs::create_dir_all(&runs_dir).map_err(Error::io(&runs_dir))?;
    // Finished runs are reused (or refused) before any data is loaded.
    let mut done: Vec<Option<J::Output>> = Vec::with_capacity(jobs.len());
    for job in jobs {
        let path = runs_dir.join(format!("{}.json", job.id()));
        if path.exists() {
            let r: J::Output = read_json(&path)?;
            if !job.made_by(&r) {
                return Err(Error::ConfigMismatch { path });
            }
            done.push(Some(r));
        } else {
            done.push(None);
        }
    }
    let reused = done.iter().filter(|d| d.is_some()).count();
    let todo: Vec<usize> = (0..jobs.len()).filter(|&i| done[i].is_none()).collect();
    if todo.is_empty() {
        return Ok((done.into_iter().flatten().collect(), reused));
    }
    let data = load()?;
    let multi = MultiProgress::with_draw_target(ProgressDrawTarget::stderr());
    let overall = multi.add(ProgressBar::new(todo.len() as u64));
    overall.set_style(
        ProgressStyle::with_template("runs   [{bar:30}] {pos}/{len} {elapsed_precise} ETA {eta}")
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
    let results: Mutex<Vec<(usize, Result<J::Output>)>> = Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..parallel.clamp(1, todo.len()) {
            s.spawn(|| loop {
                let k = next.fetch_add(1, Ordering::SeqCst);
                if k >= todo.len() || failed.load(Ordering::SeqCst) {
                    break;
                }
                let i = todo[k];
                let r = run_one(&jobs[i], &data, out, &runs_dir, &multi);
                match &r {
                    Ok(output) => log(&multi, &J::summary(output)),
                    Err(e @ Error::Diverged { .. }) => log(&multi, &format!("{e}; going on")),
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
    // A fault first (it stopped the sweep), else the first diverged run.
    results.sort_by_key(|(i, r)| (matches!(r, Err(Error::Diverged { .. })), *i));
    for (i, r) in results {
        done[i] = Some(r?);
    }
    if let Some(i) = done.iter().position(Option::is_none) {
        // Only reachable when a run failed, which returned above.
        return Err(Error::Report(format!(
            "run {} did not finish",
            jobs[i].id()
        )));
    }
    Ok((done.into_iter().flatten().collect(), reused))
}

fn run_one<J: Job>(
    job: &J,
    data: &J::Data,
    out: &Path,
    runs_dir: &Path,
    multi: &MultiProgress,
) -> Result<J::Output> {
    let id = job.id();
    let bar = multi.add(ProgressBar::new(0));
    bar.set_style(
        ProgressStyle::with_template("{prefix:>22} [{bar:30}] {pos}/{len} {msg} ETA {eta}")
            .expect("valid template")
            .progress_chars("=> "),
    );
    bar.set_prefix(id.clone());
    let progress = Bars {
        bar: bar.clone(),
        max_epochs: job.max_epochs(),
    };
    let result = job.run(data, &out.join("checkpoints").join(&id), &progress);
    bar.finish_and_clear();
    multi.remove(&bar);
    let result = result?;
    let path = runs_dir.join(format!("{id}.json"));
    let json = serde_json::to_vec_pretty(&result).map_err(Error::json(&path))?;
    write_atomic(&path, &json)?;
    Ok(result)
}

fn log(multi: &MultiProgress, line: &str) {
    multi.suspend(|| eprintln!("{line}"));
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

    fn epoch_done(&self, epoch: usize, val_acc: f64, best_epoch: usize) {
        self.bar.set_message(format!(
            "epoch {epoch}/{} val {:.2} % (best epoch {best_epoch})",
            self.max_epochs,
            100.0 * val_acc
        ));
    }
}

/// Every `*.json` under `dir`, in file-name order.
///
/// # Errors
///
/// I/O or JSON errors.
pub fn read_results<T: DeserializeOwned>(dir: &Path) -> Result<Vec<T>> {
    let entries = std::fs::read_dir(dir).map_err(Error::io(dir))?;
    let mut paths = Vec::new();
    for entry in entries {
        let path = entry.map_err(Error::io(dir))?.path();
        if path.extension().is_some_and(|e| e == "json") {
            paths.push(path);
        }
    }
    paths.sort();
    paths.iter().map(|p| read_json(p)).collect()
}

/// `path` parsed as JSON.
pub(crate) fn read_json<T: DeserializeOwned>(path: &Path) -> Result<T> {
    let bytes = std::fs::read(path).map_err(Error::io(path))?;
    serde_json::from_slice(&bytes).map_err(Error::json(path))
}

/// Writes `bytes` to `path` atomically (see [`atomic_write`]).
pub(crate) fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    atomic_write(path, bytes).map_err(Error::io(path))
}

/// Writes `bytes` to `path` atomically: a temporary file in the same folder,
/// fsync, rename, then fsync of the folder (where the platform allows), so a
/// reader never sees half a file and a crash leaves the old one.
pub(crate) fn atomic_write(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
    let tmp = dir.join(format!(".{}.tmp", name.unwrap_or_default()));
    let written = File::create(&tmp)
        .and_then(|mut file| {
            file.write_all(bytes)?;
            file.sync_all()
        })
        .and_then(|()| std::fs::rename(&tmp, path));
    if written.is_err() {
        // Best effort: the error that matters is the one being returned.
        let _ = std::fs::remove_file(&tmp);
    }
    written?;
    // Makes the rename itself durable; not possible (nor needed) everywhere.
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

/// `e` and its sources, joined by `: `.
pub(crate) fn chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut src = e.source();
    while let Some(c) = src {
        s.push_str(": ");
        s.push_str(&c.to_string());
        src = c.source();
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_parse_and_partition() {
        assert_eq!("1/3".parse::<Shard>(), Ok(Shard { index: 1, count: 3 }));
        for bad in ["3/3", "1", "a/2", "0/0"] {
            assert!(bad.parse::<Shard>().is_err(), "{bad}");
        }
        let mut all: Vec<usize> = (0..3)
            .flat_map(|index| Shard { index, count: 3 }.select((0..10).collect()))
            .collect();
        all.sort_unstable();
        assert_eq!(all, (0..10).collect::<Vec<_>>());
    }

    /// A job that finishes with its number, diverges, or fails for real.
    struct Fake(usize, Outcome);

    #[derive(Clone, Copy, PartialEq)]
    enum Outcome {
        Finish,
        Diverge,
        Fault,
    }

    impl Job for Fake {
        type Output = usize;
        type Data = ();
        fn id(&self) -> String {
            format!("run-{}", self.0)
        }
        fn max_epochs(&self) -> usize {
            1
        }
        fn made_by(&self, output: &usize) -> bool {
            *output == self.0
        }
        fn run(&self, _: &(), _: &Path, _: &dyn Progress) -> Result<usize> {
            match self.1 {
                Outcome::Finish => Ok(self.0),
                Outcome::Diverge => Err(Error::Diverged {
                    run_id: self.id(),
                    epoch: 1,
                    loss: f64::NAN,
                }),
                Outcome::Fault => Err(Error::Report(format!("fault in {}", self.id()))),
            }
        }
        fn summary(output: &usize) -> String {
            format!("run {output} done")
        }
    }

    fn saved(out: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(out.join("runs"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn a_diverged_run_lets_the_others_finish_and_is_reported() {
        let dir = tempfile::tempdir().unwrap();
        let jobs = [
            Fake(0, Outcome::Finish),
            Fake(1, Outcome::Diverge),
            Fake(2, Outcome::Finish),
        ];
        let err = run_jobs(&jobs, dir.path(), 1, || Ok(())).unwrap_err();
        assert!(matches!(err, Error::Diverged { ref run_id, .. } if run_id == "run-1"));
        assert_eq!(saved(dir.path()), ["run-0.json", "run-2.json"]);
        // The finished runs are reused next time; only the diverged one runs.
        let jobs = [
            Fake(0, Outcome::Fault),
            Fake(1, Outcome::Finish),
            Fake(2, Outcome::Fault),
        ];
        let (outputs, reused) = run_jobs(&jobs, dir.path(), 1, || Ok(())).unwrap();
        assert_eq!((outputs, reused), (vec![0, 1, 2], 2));
    }

    #[test]
    fn a_fault_stops_the_sweep_and_wins_over_a_divergence() {
        let dir = tempfile::tempdir().unwrap();
        let jobs = [
            Fake(0, Outcome::Diverge),
            Fake(1, Outcome::Fault),
            Fake(2, Outcome::Finish),
        ];
        let err = run_jobs(&jobs, dir.path(), 1, || Ok(())).unwrap_err();
        assert!(
            matches!(err, Error::Report(ref m) if m == "fault in run-1"),
            "{err}"
        );
        assert!(saved(dir.path()).is_empty(), "run 2 never started");
    }
}
