//! Splitting a sweep between the jobs of a job array.

use std::path::{Path, PathBuf};
use std::str::FromStr;

/// Runs `index, index + count, index + 2 count, ...` of the sweep (0-based),
/// so that a job array of `count` jobs splits it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// This shard, `0..count`.
    pub index: usize,
    /// The number of shards.
    pub count: usize,
}

/// Why a `--shard` value was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("expected I/N with 0 <= I < N, found {given:?}")]
pub struct ShardError {
    /// The value as given.
    pub given: String,
}

impl Default for Shard {
    fn default() -> Self {
        Self { index: 0, count: 1 }
    }
}

impl FromStr for Shard {
    type Err = ShardError;

    /// Parses `I/N` with `I < N`.
    fn from_str(s: &str) -> Result<Self, ShardError> {
        let bad = || ShardError {
            given: s.to_string(),
        };
        let (i, n) = s.split_once('/').ok_or_else(bad)?;
        let index: usize = i.trim().parse().map_err(|_| bad())?;
        let count: usize = n.trim().parse().map_err(|_| bad())?;
        Shard { index, count }.validate().map_err(|_| bad())
    }
}

impl Shard {
    /// `self` if `index < count`.
    ///
    /// # Errors
    ///
    /// [`ShardError`] otherwise (a shard built by hand, not parsed).
    pub fn validate(self) -> Result<Self, ShardError> {
        if self.index < self.count {
            Ok(self)
        } else {
            Err(ShardError {
                given: format!("{}/{}", self.index, self.count),
            })
        }
    }

    /// This shard's items of `all`, in order.
    pub fn select<T>(&self, all: Vec<T>) -> Vec<T> {
        all.into_iter()
            .enumerate()
            .filter(|(i, _)| i % self.count.max(1) == self.index)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_parse_and_partition() {
        assert_eq!("1/3".parse::<Shard>(), Ok(Shard { index: 1, count: 3 }));
        for bad in ["3/3", "1", "a/2", "0/0"] {
            assert!(bad.parse::<Shard>().is_err(), "{bad}");
        }
        assert_eq!(
            "3/3".parse::<Shard>().unwrap_err().to_string(),
            "expected I/N with 0 <= I < N, found \"3/3\""
        );
        let mut all: Vec<usize> = (0..3)
            .flat_map(|index| Shard { index, count: 3 }.select((0..10).collect()))
            .collect();
        all.sort_unstable();
        assert_eq!(all, (0..10).collect::<Vec<_>>());
    }
}
