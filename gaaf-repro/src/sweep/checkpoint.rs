//! Per-epoch checkpoint files: `<dir>/epoch-NNNN.safetensors`, each holding
//! the weights (and optimiser state) after epoch `NNNN` and, in its metadata,
//! the run's [`State`](super::State) at that point, so that every file is a
//! complete checkpoint that verifies on its own (see [`super::weights`]).
//!
//! The newest two epochs and the best one are kept, so that a truncated or
//! corrupt newest file (a crash mid-write on a file system without atomic
//! rename, a full disk) leaves an older one to resume from.

use super::weights::{self, NamedTensor, WeightsError};
use super::write_atomic;
use crate::error::{Error, Result};
use std::path::PathBuf;

/// The newest epochs whose files are kept (besides the best epoch's).
const KEEP_NEWEST: usize = 2;

/// Where a run keeps its checkpoints.
#[derive(Debug, Clone)]
pub struct CheckpointDir {
    dir: PathBuf,
}

impl CheckpointDir {
    /// The checkpoints in `dir` (created on the first save).
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Self { dir: dir.into() }
    }

    /// The file of `epoch`.
    pub fn path(&self, epoch: usize) -> PathBuf {
        self.dir.join(format!("epoch-{epoch:04}.safetensors"))
    }

    /// The epochs that have a file, newest first.
    ///
    /// # Errors
    ///
    /// I/O errors other than a missing folder.
    pub fn epochs(&self) -> Result<Vec<usize>> {
        let entries = match std::fs::read_dir(&self.dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(Error::io(&self.dir)(e)),
        };
        let mut epochs: Vec<usize> = entries
            .flatten()
            .filter_map(|e| {
                let name = e.file_name();
                let name = name.to_str()?;
                name.strip_prefix("epoch-")?
                    .strip_suffix(".safetensors")?
                    .parse()
                    .ok()
            })
            .collect();
        epochs.sort_unstable_by(|a, b| b.cmp(a));
        Ok(epochs)
    }

    /// Writes the checkpoint of `epoch` (`tensors` and the `state` JSON)
    /// atomically, then removes the files of epochs that are neither among
    /// the newest `KEEP_NEWEST` (two) nor `best_epoch`.
    ///
    /// # Errors
    ///
    /// I/O errors, naming the file.
    pub fn save(
        &self,
        epoch: usize,
        best_epoch: usize,
        tensors: &[NamedTensor],
        state: String,
    ) -> Result<()> {
        std::fs::create_dir_all(&self.dir).map_err(Error::io(&self.dir))?;
        let path = self.path(epoch);
        let bytes = weights::encode(tensors, state).map_err(Error::bad_checkpoint(&path))?;
        write_atomic(&path, &bytes).map_err(Error::io(&path))?;
        let keep = |e: usize| e == best_epoch || (e <= epoch && epoch - e < KEEP_NEWEST);
        for old in self.epochs()?.into_iter().filter(|&e| !keep(e)) {
            let path = self.path(old);
            std::fs::remove_file(&path).map_err(Error::io(&path))?;
        }
        Ok(())
    }

    /// The tensors and the state JSON of `epoch`.
    ///
    /// # Errors
    ///
    /// [`Error::BadCheckpoint`] for a file that does not verify, I/O errors.
    pub fn read(&self, epoch: usize) -> Result<(Vec<NamedTensor>, String)> {
        let path = self.path(epoch);
        let bytes = std::fs::read(&path).map_err(Error::io(&path))?;
        weights::decode(&bytes).map_err(Error::bad_checkpoint(&path))
    }

    /// [`Error::BadCheckpoint`] for the file of `epoch`.
    pub(crate) fn bad(&self, epoch: usize, source: WeightsError) -> Error {
        Error::bad_checkpoint(self.path(epoch))(source)
    }
}
