//! Run files: one finished run per `runs/<run-id>.json`, read back to reuse
//! finished runs and to build reports.

use crate::error::{Error, Result};
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::path::Path;

/// Every `*.json` under `dir`, in file-name order.
///
/// # Errors
///
/// I/O or JSON errors.
pub fn read_runs<T: DeserializeOwned>(dir: &Path) -> Result<Vec<T>> {
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
///
/// # Errors
///
/// I/O or JSON errors, naming the file.
pub fn read_json<T: DeserializeOwned>(path: &Path) -> Result<T> {
    let bytes = std::fs::read(path).map_err(Error::io(path))?;
    serde_json::from_slice(&bytes).map_err(Error::json(path))
}

/// Writes `value` to `path` as pretty JSON, atomically.
///
/// # Errors
///
/// I/O errors, naming the file.
pub fn write_json<T: Serialize>(path: &Path, value: &T) -> Result<()> {
    let json = serde_json::to_vec_pretty(value).map_err(Error::json(path))?;
    super::write_atomic(path, &json).map_err(Error::io(path))
}
