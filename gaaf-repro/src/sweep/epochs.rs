//! THE epoch loop, shared by every experiment: resume from the newest
//! checkpoint that verifies, train epoch after epoch until the
//! configuration's [`Stopping`] rules say so, checkpoint after every epoch,
//! then hand the best epoch's weights to the experiment's analyses.
//!
//! An experiment describes its model, one epoch and its analyses as a
//! [`Trainer`]; [`train_until`] drives it.

use super::checkpoint::CheckpointDir;
use super::weights::{self, NamedTensor, WeightsError};
use super::{Progress, Record, RunConfig, State};
use crate::error::{display_chain, Error, Result};
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::collections::HashMap;
use std::path::Path;
use std::time::Instant;

/// One run of an experiment, as the epoch loop drives it.
pub trait Trainer {
    /// The run's configuration, saved in every checkpoint.
    type Config: RunConfig + Serialize + DeserializeOwned + PartialEq + Clone;
    /// One epoch's record.
    type Record: Record + Serialize + DeserializeOwned + Clone;
    /// What the experiment keeps across epochs besides the weights.
    type Extra: Serialize + DeserializeOwned + Default;
    /// What a finished run reports.
    type Output;

    /// The configuration.
    fn config(&self) -> &Self::Config;
    /// Batches per epoch (for the progress bar).
    fn batches(&self) -> usize;
    /// Name and shape of every tensor a checkpoint holds; without
    /// `optimiser`, the model's only.
    fn layout(&self, optimiser: bool) -> Vec<(String, Vec<usize>)>;
    /// The tensors of [`Trainer::layout`] with their current values.
    ///
    /// # Errors
    ///
    /// The experiment's (a device error).
    fn tensors(&self) -> Result<Vec<NamedTensor>>;
    /// Sets the model (and with `optimiser`, the optimiser state) from
    /// `tensors`, already checked against [`Trainer::layout`].
    ///
    /// # Errors
    ///
    /// The experiment's (a device error).
    fn load(&mut self, tensors: HashMap<String, NamedTensor>, optimiser: bool) -> Result<()>;
    /// Trains epoch `epoch` (1-based) and validates.
    ///
    /// # Errors
    ///
    /// The experiment's.
    fn train_epoch(
        &mut self,
        epoch: usize,
        extra: &mut Self::Extra,
        progress: &dyn Progress,
    ) -> Result<Self::Record>;
    /// The analyses of the best epoch, whose weights are loaded; calls
    /// `run_seconds` last, for the run's wall-clock time.
    ///
    /// # Errors
    ///
    /// The experiment's.
    fn finish(
        &mut self,
        state: &RunState<Self>,
        run_seconds: &dyn Fn() -> f64,
    ) -> Result<Self::Output>;
}

/// The checkpoint state of a [`Trainer`]'s run.
pub type RunState<T> = State<<T as Trainer>::Config, <T as Trainer>::Record, <T as Trainer>::Extra>;

/// How [`train_until`] ended.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome<O> {
    /// The run converged (or reached `max_epochs`) and was analysed.
    Finished(Box<O>),
    /// Stopped, as asked, with this many epochs done and checkpointed.
    Stopped(usize),
}

/// Trains `trainer`'s run to convergence (see [`train_until`]) and returns
/// what its analyses report.
///
/// # Errors
///
/// As [`train_until`].
pub fn train<T: Trainer>(
    mut trainer: T,
    checkpoint_dir: &Path,
    progress: &dyn Progress,
) -> Result<T::Output> {
    match train_until(&mut trainer, checkpoint_dir, progress, None)? {
        Outcome::Finished(output) => Ok(*output),
        Outcome::Stopped(_) => unreachable!("no stop was asked for"),
    }
}

/// Trains `trainer`'s run to convergence, checkpointing into
/// `checkpoint_dir` after every epoch and resuming from it, then analyses
/// the best epoch; stops early, as an interrupted run would, once
/// `stop_after` epochs are done and checkpointed (`None`: never).
///
/// Resuming takes the newest checkpoint that verifies, together with the
/// checkpoint of its best epoch; each one skipped is named in a
/// [`Progress::note`], and when none verifies the run starts over.
///
/// # Errors
///
/// [`Error::ConfigMismatch`] when a checkpoint holds another configuration;
/// I/O errors; [`Error::Diverged`]; the trainer's.
pub fn train_until<T: Trainer>(
    trainer: &mut T,
    checkpoint_dir: &Path,
    progress: &dyn Progress,
    stop_after: Option<usize>,
) -> Result<Outcome<T::Output>> {
    let started = Instant::now();
    let ck = CheckpointDir::new(checkpoint_dir);
    let mut state = match resume(trainer, &ck, progress)? {
        Some(state) => state,
        None => State::new(trainer.config().clone()),
    };
    let stopping = trainer.config().stopping();
    while !state.converged(stopping) {
        if stop_after.is_some_and(|s| state.epochs_done() >= s) {
            return Ok(Outcome::Stopped(state.epochs_done()));
        }
        let epoch = state.epochs_done() + 1;
        progress.epoch_started(epoch, trainer.batches());
        let record = trainer.train_epoch(epoch, &mut state.extra, progress)?;
        let loss = record.train_loss();
        if !loss.is_finite() {
            return Err(Error::Diverged {
                run_id: trainer.config().run_id(),
                epoch,
                loss,
            });
        }
        let val_acc = record.val_acc();
        state.push(record);
        let json = serde_json::to_string(&state).map_err(Error::json(ck.path(epoch)))?;
        ck.save(epoch, state.best_epoch, &trainer.tensors()?, json)?;
        progress.epoch_done(epoch, val_acc, state.best_epoch);
    }
    let analysis_started = Instant::now();
    let (tensors, _) = ck.read(state.best_epoch)?;
    let tensors =
        weights::check(tensors, &trainer.layout(true)).map_err(|e| ck.bad(state.best_epoch, e))?;
    trainer.load(tensors, false)?;
    let output = trainer.finish(&state, &|| state.run_seconds(started, analysis_started))?;
    Ok(Outcome::Finished(Box::new(output)))
}

/// The state of the newest checkpoint that verifies, its weights loaded into
/// `trainer`; `None` when there is none.
fn resume<T: Trainer>(
    trainer: &mut T,
    ck: &CheckpointDir,
    progress: &dyn Progress,
) -> Result<Option<RunState<T>>> {
    let epochs = ck.epochs()?;
    for &epoch in &epochs {
        match verified(trainer, ck, epoch) {
            Ok(tensors_and_state) => {
                let (tensors, state) = tensors_and_state;
                trainer.load(tensors, true)?;
                // Said, so that a requeued job's log shows it went on.
                progress.note(&format!(
                    "{}: resuming after epoch {epoch}",
                    trainer.config().run_id()
                ));
                return Ok(Some(state));
            }
            Err(e @ Error::BadCheckpoint { .. }) => {
                progress.note(&format!("skipping {}", display_chain(&e)));
            }
            Err(e) => return Err(e),
        }
    }
    if !epochs.is_empty() {
        progress.note(&format!(
            "{}: no checkpoint verifies; starting the run over",
            trainer.config().run_id()
        ));
    }
    Ok(None)
}

/// The checked tensors and the state of `epoch`'s checkpoint.
fn verified<T: Trainer>(
    trainer: &T,
    ck: &CheckpointDir,
    epoch: usize,
) -> Result<(HashMap<String, NamedTensor>, RunState<T>)> {
    let (tensors, json) = ck.read(epoch)?;
    let state: RunState<T> =
        serde_json::from_str(&json).map_err(|e| ck.bad(epoch, WeightsError::State(e)))?;
    if state.config != *trainer.config() {
        return Err(Error::ConfigMismatch {
            path: ck.path(epoch),
        });
    }
    if state.epochs_done() != epoch {
        let found = state.epochs_done();
        return Err(ck.bad(
            epoch,
            WeightsError::Epoch {
                found,
                expected: epoch,
            },
        ));
    }
    let layout = trainer.layout(true);
    let tensors = weights::check(tensors, &layout).map_err(|e| ck.bad(epoch, e))?;
    // The analyses load the best epoch's weights at the end: a checkpoint
    // whose best one is broken would fail the run then, every time.
    let best = state.best_epoch;
    if best != epoch {
        let checked = ck
            .read(best)
            .and_then(|(tensors, _)| weights::check(tensors, &layout).map_err(|e| ck.bad(best, e)));
        if let Err(source) = checked {
            let source = Box::new(source);
            return Err(ck.bad(
                epoch,
                WeightsError::Best {
                    epoch: best,
                    source,
                },
            ));
        }
    }
    Ok((tensors, state))
}
