//! Checkpoints: the weights of the four Linear layers in a small binary file,
//! and the run's progress in a JSON state file, both written atomically.
//!
//! Plain SGD keeps no optimiser state, so the weights are a complete
//! checkpoint. Weight files are named by epoch (`epoch-0007.bin`) and the state
//! names the ones it refers to, so a crash between writing the weights and the
//! state leaves a consistent pair: the state is the commit point.
//!
//! **Weight format** (little-endian): the magic `GAAFW001`, the number of
//! tensors as `u32`, then per tensor its element count as `u64` and its `f32`
//! values, in the order `W1, b1, W2, b2, W3, b3, W4, b4`. Bit-exact, and no
//! dependency beyond std.

use super::model::Layers;
use crate::error::{Error, Result};
use crate::{EpochRecord, TrainConfig};
use serde::{Deserialize, Serialize};
use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

const MAGIC: &[u8; 8] = b"GAAFW001";
const TENSORS: usize = 8;

/// The progress of one run, as saved after every epoch.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct State {
    /// The configuration; a resume with another one is refused.
    pub(crate) config: TrainConfig,
    /// The records of the epochs done so far (their count is the epoch the
    /// weights file holds).
    pub(crate) history: Vec<EpochRecord>,
    /// The epoch of the best validation accuracy so far (0 before any).
    pub(crate) best_epoch: usize,
    /// The best validation accuracy so far.
    pub(crate) best_val_acc: f64,
    /// Per epoch done, the sigma of each hidden layer's dropout-matched shape
    /// (dropout-matched variant only; empty otherwise).
    pub(crate) sigmas: Vec<Vec<f64>>,
    /// Wall-clock seconds spent training so far, over all sessions.
    pub(crate) seconds: f64,
}

impl State {
    pub(crate) fn epochs_done(&self) -> usize {
        self.history.len()
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

    /// The saved state, if there is one.
    pub(crate) fn load_state(&self) -> Result<Option<State>> {
        let path = self.state_path();
        match std::fs::read(&path) {
            Ok(bytes) => Ok(Some(
                serde_json::from_slice(&bytes).map_err(Error::json(&path))?,
            )),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(Error::io(path)(e)),
        }
    }

    /// Saves the weights of `epoch`, then the state (the commit point), then
    /// removes the weight files the state no longer refers to (all but the
    /// last and the best epoch).
    pub(crate) fn save(&self, layers: &Layers, state: &State) -> Result<()> {
        std::fs::create_dir_all(&self.dir).map_err(Error::io(&self.dir))?;
        let epoch = state.epochs_done();
        write_atomic(&self.weights_path(epoch), &encode(layers))?;
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

    /// Loads the weights of `epoch` into `layers`.
    pub(crate) fn load_weights(&self, epoch: usize, layers: &mut Layers) -> Result<()> {
        let path = self.weights_path(epoch);
        let bytes = std::fs::read(&path).map_err(Error::io(&path))?;
        decode(&bytes, layers).map_err(|reason| Error::BadCheckpoint { path, reason })
    }
}

/// Writes `bytes` to `path` atomically: a temporary file in the same folder,
/// fsync, rename, then fsync of the folder (where the platform allows).
pub(crate) fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
    let tmp = dir.join(format!(".{}.tmp", name.unwrap_or_default()));
    let mut file = File::create(&tmp).map_err(Error::io(&tmp))?;
    file.write_all(bytes).map_err(Error::io(&tmp))?;
    file.sync_all().map_err(Error::io(&tmp))?;
    drop(file);
    std::fs::rename(&tmp, path).map_err(Error::io(path))?;
    // Makes the rename itself durable; not possible (nor needed) everywhere.
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

fn tensors(layers: &Layers) -> [Vec<f32>; TENSORS] {
    [
        layers.0.weight.as_vec(),
        layers.0.bias.as_vec(),
        layers.1.weight.as_vec(),
        layers.1.bias.as_vec(),
        layers.2.weight.as_vec(),
        layers.2.bias.as_vec(),
        layers.3.weight.as_vec(),
        layers.3.bias.as_vec(),
    ]
}

fn encode(layers: &Layers) -> Vec<u8> {
    let ts = tensors(layers);
    let total: usize = ts.iter().map(Vec::len).sum();
    let mut out = Vec::with_capacity(12 + 8 * TENSORS + 4 * total);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&(TENSORS as u32).to_le_bytes());
    for t in &ts {
        out.extend_from_slice(&(t.len() as u64).to_le_bytes());
        for v in t {
            out.extend_from_slice(&v.to_le_bytes());
        }
    }
    out
}

fn decode(bytes: &[u8], layers: &mut Layers) -> Result<(), String> {
    let expected: Vec<usize> = tensors(layers).iter().map(Vec::len).collect();
    let mut rest = bytes
        .strip_prefix(MAGIC.as_slice())
        .ok_or("wrong magic number")?;
    let mut take = |n: usize| -> Result<&[u8], String> {
        if rest.len() < n {
            return Err(format!("truncated: {} bytes left, {n} needed", rest.len()));
        }
        let (head, tail) = rest.split_at(n);
        rest = tail;
        Ok(head)
    };
    let count = u32::from_le_bytes(take(4)?.try_into().expect("4 bytes"));
    if count as usize != TENSORS {
        return Err(format!("{count} tensors, expected {TENSORS}"));
    }
    let mut values = Vec::with_capacity(TENSORS);
    for &len in &expected {
        let n = u64::from_le_bytes(take(8)?.try_into().expect("8 bytes"));
        if n != len as u64 {
            return Err(format!("a tensor of {n} values, expected {len}"));
        }
        let raw = take(4 * len)?;
        let v: Vec<f32> = raw
            .chunks_exact(4)
            .map(|c| f32::from_le_bytes(c.try_into().expect("4 bytes")))
            .collect();
        values.push(v);
    }
    if !rest.is_empty() {
        return Err(format!("{} trailing bytes", rest.len()));
    }
    layers.0.weight.copy_from(&values[0]);
    layers.0.bias.copy_from(&values[1]);
    layers.1.weight.copy_from(&values[2]);
    layers.1.bias.copy_from(&values[3]);
    layers.2.weight.copy_from(&values[4]);
    layers.2.bias.copy_from(&values[5]);
    layers.3.weight.copy_from(&values[6]);
    layers.3.bias.copy_from(&values[7]);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use dfdx::prelude::*;

    #[test]
    fn weights_round_trip_bit_exactly_and_bad_files_are_refused() {
        let dev = Cpu::seed_from_u64(3);
        let a: Layers = dev.build_module::<super::super::model::Arch, f32>();
        let mut b: Layers = Cpu::seed_from_u64(4).build_module::<super::super::model::Arch, f32>();
        let bytes = encode(&a);
        decode(&bytes, &mut b).unwrap();
        assert_eq!(tensors(&a), tensors(&b));
        assert!(decode(&bytes[..bytes.len() - 1], &mut b).is_err());
        assert!(decode(b"GAAFW002", &mut b).is_err());
    }
}
