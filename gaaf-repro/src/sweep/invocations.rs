//! A record of every sweep invocation that trained into an output folder,
//! so that a report built later (`--merge-only`, or after a sweep resumed
//! over several sessions or machines) says how long the whole sweep took,
//! not only its last invocation.
//!
//! Each invocation writes `invocations/<started>-<pid>.json` when it starts
//! and rewrites it when it ends (one file per invocation: shards running at
//! once never write the same file). A file without an end belongs to an
//! invocation that was killed or is still running; its time is unknown and
//! the report says so.

use super::write_atomic;
use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

/// One invocation of a sweep.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Invocation {
    /// The command line.
    pub command: String,
    /// The commit of the binary ([`super::COMMIT`]).
    pub commit: String,
    /// The machine line ([`super::machine`]).
    pub machine: String,
    /// This invocation's shard, `I/N`.
    pub shard: String,
    /// When it started, seconds since the Unix epoch (UTC).
    pub started_unix: u64,
    /// Wall-clock seconds it took; `None` while running, or when it was
    /// killed before it ended.
    pub seconds: Option<f64>,
    /// Runs it trained to the end (reused ones not counted); `None` as
    /// `seconds`.
    pub trained: Option<usize>,
}

impl Invocation {
    /// An invocation starting now.
    pub fn start(command: &str, shard: String) -> Self {
        Self {
            command: command.to_string(),
            commit: super::COMMIT.to_string(),
            machine: super::machine(),
            shard,
            started_unix: SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| d.as_secs()),
            seconds: None,
            trained: None,
        }
    }

    /// The file this invocation writes under `out`.
    pub fn path(&self, out: &Path) -> PathBuf {
        out.join("invocations").join(format!(
            "{}-{}.json",
            utc(self.started_unix).replace(':', ""),
            std::process::id()
        ))
    }

    /// Writes (or rewrites) the record under `out`.
    ///
    /// # Errors
    ///
    /// I/O.
    pub fn save(&self, path: &Path) -> Result<()> {
        let json = serde_json::to_string_pretty(self).map_err(Error::json(path))?;
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(Error::io(dir))?;
        }
        write_atomic(path, json.as_bytes()).map_err(Error::io(path))
    }
}

/// Every invocation recorded under `out`, oldest first (none when the
/// folder does not exist).
///
/// # Errors
///
/// I/O, or a record that is not an invocation's JSON.
pub fn read_invocations(out: &Path) -> Result<Vec<Invocation>> {
    let dir = out.join("invocations");
    let entries = match std::fs::read_dir(&dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(Error::io(&dir)(e)),
    };
    let mut all = Vec::new();
    for entry in entries {
        let path = entry.map_err(Error::io(&dir))?.path();
        if path.extension().is_some_and(|e| e == "json") {
            let text = std::fs::read_to_string(&path).map_err(Error::io(&path))?;
            all.push(serde_json::from_str(&text).map_err(Error::json(&path))?);
        }
    }
    all.sort_by_key(|a: &Invocation| a.started_unix);
    Ok(all)
}

/// `unix` seconds as `YYYY-MM-DDTHH:MM:SSZ`.
pub fn utc(unix: u64) -> String {
    gaaf_data::UtcTime::from_unix(i64::try_from(unix).unwrap_or(i64::MAX)).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_round_trip_and_sort_by_start() {
        let dir = tempfile::tempdir().unwrap();
        assert!(read_invocations(dir.path()).unwrap().is_empty());
        let mut a = Invocation::start("gaaf-repro mnist", "1/1".to_string());
        a.started_unix = 200;
        let mut b = a.clone();
        b.started_unix = 100;
        b.seconds = Some(12.5);
        b.trained = Some(3);
        a.save(&a.path(dir.path())).unwrap();
        b.save(&dir.path().join("invocations/other.json")).unwrap();
        assert_eq!(read_invocations(dir.path()).unwrap(), vec![b, a]);
        std::fs::write(dir.path().join("invocations/bad.json"), "{").unwrap();
        assert!(read_invocations(dir.path()).is_err());
    }
}
