//! Per-epoch checkpoints, shared by the experiments: a run's progress in a
//! JSON state file and its weights in a file per epoch, both written
//! atomically.
//!
//! Weight files are named by epoch (`epoch-0007.bin`) and the state names the
//! ones it refers to (its epoch count and best epoch), so a crash between
//! writing the weights and the state leaves a consistent pair: the state is
//! the commit point. What a weight file holds is the experiment's business
//! (MNIST: its own bit-exact format; convolutional runs: safetensors).

use crate::error::{Error, Result};
use crate::sweep::{read_json, write_atomic};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;
use std::time::Instant;

/// The progress of one run, as saved after every epoch: `C` is the run's
/// configuration, `R` its per-epoch record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct State<C, R> {
    /// The configuration; a resume with another one is refused.
    pub(crate) config: C,
    /// The records of the epochs done so far (their count is the epoch the
    /// newest weights file holds).
    pub(crate) history: Vec<R>,
    /// The epoch of the best validation accuracy so far (0 before any).
    pub(crate) best_epoch: usize,
    /// The best validation accuracy so far.
    pub(crate) best_val_acc: f64,
    /// Per epoch done, the sigma of each hidden layer's dropout-matched shape
    /// (MNIST's dropout-matched variant only; empty otherwise).
    #[serde(default)]
    pub(crate) sigmas: Vec<Vec<f64>>,
    /// Wall-clock seconds spent training so far, over all sessions.
    pub(crate) seconds: f64,
}

impl<C, R> State<C, R> {
    /// The state of a run that has not trained yet.
    pub(crate) fn new(config: C) -> Self {
        Self {
            config,
            history: Vec::new(),
            best_epoch: 0,
            best_val_acc: 0.0,
            sigmas: Vec::new(),
            seconds: 0.0,
        }
    }

    pub(crate) fn epochs_done(&self) -> usize {
        self.history.len()
    }

    /// Records epoch `history.len() + 1` with its validation accuracy and
    /// duration, moving the best epoch when it improved (strictly).
    pub(crate) fn push(&mut self, record: R, val_acc: f64, seconds: f64) {
        self.history.push(record);
        if val_acc > self.best_val_acc || self.best_epoch == 0 {
            self.best_epoch = self.history.len();
            self.best_val_acc = val_acc;
        }
        self.seconds += seconds;
    }

    /// A finished run's wall-clock seconds: training over all sessions, plus
    /// this session's analysis (from `analysis_started`), plus, when no
    /// epoch was trained at all, this session from `started`.
    pub(crate) fn run_seconds(&self, started: Instant, analysis_started: Instant) -> f64 {
        let untrained = if self.epochs_done() == 0 {
            started.elapsed().as_secs_f64()
        } else {
            0.0
        };
        self.seconds + analysis_started.elapsed().as_secs_f64() + untrained
    }

    /// Whether training is over: `max_epochs` done, or no better validation
    /// accuracy for `patience` epochs.
    pub(crate) fn converged(&self, max_epochs: usize, patience: usize) -> bool {
        let done = self.epochs_done();
        done >= max_epochs || (self.best_epoch > 0 && done - self.best_epoch >= patience)
    }
}

/// Where a run keeps its checkpoints: `<dir>/state.json` and
/// `<dir>/epoch-NNNN.bin`.
#[derive(Debug, Clone)]
pub(crate) struct CheckpointDir {
    dir: PathBuf,
}

impl CheckpointDir {
    pub(crate) fn new(dir: impl Into<PathBuf>) -> Self {
        Self { dir: dir.into() }
    }

    pub(crate) fn state_path(&self) -> PathBuf {
        self.dir.join("state.json")
    }

    pub(crate) fn weights_path(&self, epoch: usize) -> PathBuf {
        self.dir.join(format!("epoch-{epoch:04}.bin"))
    }

    /// The saved state, if there is one; [`Error::ConfigMismatch`] when it
    /// was saved for another configuration than `config`.
    pub(crate) fn resume<C, R>(&self, config: &C) -> Result<Option<State<C, R>>>
    where
        C: DeserializeOwned + PartialEq,
        R: DeserializeOwned,
    {
        let path = self.state_path();
        if !path.exists() {
            return Ok(None);
        }
        let state: State<C, R> = read_json(&path)?;
        if state.config != *config {
            return Err(Error::ConfigMismatch { path });
        }
        Ok(Some(state))
    }

    /// Saves `weights` as the weights of the state's last epoch, then the
    /// state (the commit point), then removes the weight files the state no
    /// longer refers to (all but the last and the best epoch).
    pub(crate) fn save<C: Serialize, R: Serialize>(
        &self,
        weights: &[u8],
        state: &State<C, R>,
    ) -> Result<()> {
        std::fs::create_dir_all(&self.dir).map_err(Error::io(&self.dir))?;
        let epoch = state.epochs_done();
        write_atomic(&self.weights_path(epoch), weights)?;
        let json = serde_json::to_vec_pretty(state).map_err(Error::json(self.state_path()))?;
        write_atomic(&self.state_path(), &json)?;
        let keep = [
            self.weights_path(epoch),
            self.weights_path(state.best_epoch),
        ];
        let entries = std::fs::read_dir(&self.dir).map_err(Error::io(&self.dir))?;
        for entry in entries.flatten() {
            let path = entry.path();
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if name.starts_with("epoch-") && name.ends_with(".bin") && !keep.contains(&path) {
                std::fs::remove_file(&path).map_err(Error::io(&path))?;
            }
        }
        Ok(())
    }

    /// The bytes of the weights of `epoch`.
    pub(crate) fn weights(&self, epoch: usize) -> Result<Vec<u8>> {
        let path = self.weights_path(epoch);
        std::fs::read(&path).map_err(Error::io(&path))
    }
}
