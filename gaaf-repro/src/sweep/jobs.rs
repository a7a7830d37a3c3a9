//! Running a sweep's runs side by side, reusing the finished ones.
//!
//! An experiment describes one run as a [`Job`]; [`run_jobs`] runs a list of
//! them. Files under `out`: `runs/<run-id>.json` (one finished run),
//! `diverged/<run-id>.json` (a run whose loss diverged: its epoch and loss, a
//! [`DivergedRun`], so that reports can say so; removed when the run later
//! finishes) and `checkpoints/<run-id>/` (its checkpoints, see
//! [`super::train_until`]).
//!
//! **Reuse rule**: a run whose `runs/<run-id>.json` exists is reused when it
//! was made by the requested configuration ([`Job::made_by`]); when it was
//! not, the sweep stops with [`Error::ConfigMismatch`] (one line, naming the
//! file) instead of overwriting or mixing results.

use super::progress::{log, Bar};
use super::{read_json, write_json, Progress, RunConfig};
use crate::error::{Error, Result};
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Mutex;

/// One run of a sweep (its configuration: serialised into the record of a
/// diverged run).
pub trait Job: RunConfig + PartialEq + Serialize + Sync {
    /// What a finished run writes to `runs/<id>.json`.
    type Output: Serialize + DeserializeOwned + Send;
    /// The data every run reads (loaded once, only when some run must train).
    type Data: Sync;

    /// The configuration `output` was made with.
    fn config_of(output: &Self::Output) -> &Self;
    /// Whether `output` was made by this run's configuration.
    fn made_by(&self, output: &Self::Output) -> bool {
        Self::config_of(output) == self
    }
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
        let path = runs_dir.join(format!("{}.json", job.run_id()));
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
        let from = runs_dir.display();
        log(
            &multi,
            &format!("reusing {reused} finished run(s) from {from}"),
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
    // Every run left finished: one that failed returned above, and runs only
    // go unstarted after a failure.
    let outputs = done.into_iter().flatten().collect::<Vec<_>>();
    debug_assert_eq!(outputs.len(), jobs.len());
    Ok((outputs, reused))
}

/// What `diverged/<run-id>.json` holds: a run whose loss stopped being
/// finite, a property of its configuration `C` worth reporting.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct DivergedRun<C> {
    /// The run.
    pub run_id: String,
    /// Its configuration.
    pub config: C,
    /// The epoch in which the loss stopped being finite.
    pub epoch: usize,
    /// The loss, as text (JSON has no NaN or infinity).
    pub loss: String,
}

/// Every record under `out/diverged/` (none when the folder is missing).
///
/// # Errors
///
/// I/O and JSON errors, naming the file.
pub fn read_diverged<C: DeserializeOwned>(out: &Path) -> Result<Vec<DivergedRun<C>>> {
    let dir = out.join("diverged");
    if !dir.is_dir() {
        return Ok(Vec::new());
    }
    super::read_runs(&dir)
}

fn run_one<J: Job>(
    job: &J,
    data: &J::Data,
    out: &Path,
    runs_dir: &Path,
    multi: &MultiProgress,
) -> Result<J::Output> {
    let id = job.run_id();
    let bar = Bar::new(multi, &id, job.stopping().max_epochs);
    let result = job.run(data, &out.join("checkpoints").join(&id), &bar);
    bar.finish();
    let marker = out.join("diverged").join(format!("{id}.json"));
    if let Err(Error::Diverged {
        run_id,
        epoch,
        loss,
    }) = &result
    {
        let dir = out.join("diverged");
        std::fs::create_dir_all(&dir).map_err(Error::io(&dir))?;
        let record = DivergedRun {
            run_id: run_id.clone(),
            config: job,
            epoch: *epoch,
            loss: loss.to_string(),
        };
        write_json(&marker, &record)?;
    }
    let result = result?;
    write_json(&runs_dir.join(format!("{id}.json")), &result)?;
    if marker.exists() {
        std::fs::remove_file(&marker).map_err(Error::io(&marker))?;
    }
    Ok(result)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sweep::{DataSizes, Stopping};
    use std::path::PathBuf;

    /// A job that finishes with its number, diverges, or fails for real.
    #[derive(PartialEq, Serialize)]
    struct Fake(usize, Outcome);

    #[derive(Clone, Copy, PartialEq, Serialize)]
    enum Outcome {
        Finish,
        Diverge,
        Fault,
    }

    impl RunConfig for Fake {
        fn run_id(&self) -> String {
            format!("run-{}", self.0)
        }
        fn stopping(&self) -> Stopping {
            Stopping {
                max_epochs: 1,
                patience: 1,
                plateau: None,
            }
        }
        fn sizes(&self) -> DataSizes {
            DataSizes::all_but(1)
        }
    }

    impl Job for Fake {
        type Output = usize;
        type Data = ();
        fn config_of(_: &usize) -> &Fake {
            unreachable!("made_by is overridden")
        }
        fn made_by(&self, output: &usize) -> bool {
            *output == self.0
        }
        fn run(&self, _: &(), _: &Path, _: &dyn Progress) -> Result<usize> {
            match self.1 {
                Outcome::Finish => Ok(self.0),
                Outcome::Diverge => Err(Error::Diverged {
                    run_id: self.run_id(),
                    epoch: 1,
                    loss: f64::NAN,
                }),
                // Any error that is not a divergence is a fault.
                Outcome::Fault => Err(Error::ConfigMismatch {
                    path: PathBuf::from(format!("fault in {}", self.run_id())),
                }),
            }
        }
        fn summary(output: &usize) -> String {
            format!("run {output} done")
        }
    }

    /// Runs one fake job per outcome, numbered in order, one at a time.
    fn sweep(out: &Path, outcomes: [Outcome; 3]) -> Result<(Vec<usize>, usize)> {
        let jobs: Vec<Fake> = outcomes
            .into_iter()
            .enumerate()
            .map(|(i, o)| Fake(i, o))
            .collect();
        run_jobs(&jobs, out, 1, || Ok(()))
    }

    fn saved(out: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(out.join("runs"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    use Outcome::{Diverge, Fault, Finish};

    #[test]
    fn a_diverged_run_lets_the_others_finish_and_is_reported() {
        let dir = tempfile::tempdir().unwrap();
        let err = sweep(dir.path(), [Finish, Diverge, Finish]).unwrap_err();
        assert!(matches!(err, Error::Diverged { ref run_id, .. } if run_id == "run-1"));
        assert_eq!(saved(dir.path()), ["run-0.json", "run-2.json"]);
        let marker = dir.path().join("diverged/run-1.json");
        let record: DivergedRun<serde_json::Value> = crate::sweep::read_json(&marker).unwrap();
        assert_eq!(record.config, serde_json::json!([1, "Diverge"]));
        assert_eq!((record.run_id.as_str(), record.epoch), ("run-1", 1));
        assert_eq!(record.loss, "NaN");
        // The finished runs are reused next time; only the diverged one runs,
        // and once it finishes its marker goes.
        let (outputs, reused) = sweep(dir.path(), [Fault, Finish, Fault]).unwrap();
        assert_eq!((outputs, reused), (vec![0, 1, 2], 2));
        assert!(!marker.exists());
    }

    #[test]
    fn a_fault_stops_the_sweep_and_wins_over_a_divergence() {
        let dir = tempfile::tempdir().unwrap();
        let err = sweep(dir.path(), [Diverge, Fault, Finish]).unwrap_err();
        assert!(
            matches!(err, Error::ConfigMismatch { ref path } if path == Path::new("fault in run-1")),
            "{err}"
        );
        assert!(saved(dir.path()).is_empty(), "run 2 never started");
    }
}
