//! Splitting a sweep between the jobs of a job array: from `--shard I/N`, or
//! inside a Slurm array task from the environment Slurm sets.

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

impl std::fmt::Display for Shard {
    /// `I/N`, as `--shard` takes it.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
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

/// Why the shard of a Slurm array task could not be taken.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ArrayShardError {
    /// A Slurm variable holds no number, or the numbers do not make a task
    /// of an array.
    #[error("unusable Slurm array environment: {0}")]
    Environment(String),
    /// `--shard` disagrees with the array task's place.
    #[error("--shard {given} disagrees with the Slurm array task ({array}); drop --shard inside an array task")]
    Mismatch {
        /// `--shard` as given.
        given: String,
        /// The shard the environment gives.
        array: String,
    },
}

impl Shard {
    /// The shard to run: `--shard` when given, else inside a Slurm array
    /// task the task's place in the array, else the whole sweep. `env`
    /// reads an environment variable (`std::env::var` in the binary).
    ///
    /// In an array `--array=MIN-MAX[:STEP]`, task `SLURM_ARRAY_TASK_ID`
    /// is shard `(ID - MIN) / STEP` of `SLURM_ARRAY_TASK_COUNT` (or, where
    /// Slurm does not set the count, `(MAX - MIN) / STEP + 1`).
    ///
    /// # Errors
    ///
    /// [`ArrayShardError::Mismatch`] when `--shard` and the array task
    /// disagree; [`ArrayShardError::Environment`] when the Slurm variables
    /// do not describe a task of an array.
    pub fn resolve(
        given: Option<Shard>,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Shard, ArrayShardError> {
        let array = Self::from_slurm(&env)?;
        match (given, array) {
            (Some(given), Some(array)) if given != array => Err(ArrayShardError::Mismatch {
                given: given.to_string(),
                array: format!(
                    "SLURM_ARRAY_TASK_ID={} is shard {array}",
                    env("SLURM_ARRAY_TASK_ID").unwrap_or_default()
                ),
            }),
            (Some(shard), _) | (None, Some(shard)) => Ok(shard),
            (None, None) => Ok(Shard::default()),
        }
    }

    /// The shard of the Slurm array task this process runs in, if any.
    fn from_slurm(env: &impl Fn(&str) -> Option<String>) -> Result<Option<Shard>, ArrayShardError> {
        let number = |name: &str| -> Result<Option<usize>, ArrayShardError> {
            env(name)
                .map(|v| {
                    v.trim().parse::<usize>().map_err(|_| {
                        ArrayShardError::Environment(format!("{name}={v:?} is not a number"))
                    })
                })
                .transpose()
        };
        let Some(id) = number("SLURM_ARRAY_TASK_ID")? else {
            return Ok(None);
        };
        let min = number("SLURM_ARRAY_TASK_MIN")?.unwrap_or(0);
        let step = number("SLURM_ARRAY_TASK_STEP")?.unwrap_or(1).max(1);
        let count = match number("SLURM_ARRAY_TASK_COUNT")? {
            Some(count) => count,
            None => match number("SLURM_ARRAY_TASK_MAX")? {
                Some(max) if max >= min => (max - min) / step + 1,
                _ => {
                    return Err(ArrayShardError::Environment(
                        "SLURM_ARRAY_TASK_ID is set but neither SLURM_ARRAY_TASK_COUNT nor SLURM_ARRAY_TASK_MAX".into(),
                    ))
                }
            },
        };
        let offset = id
            .checked_sub(min)
            .filter(|o| o % step == 0)
            .ok_or_else(|| {
                ArrayShardError::Environment(format!(
                    "task {id} is not in the array (min {min}, step {step})"
                ))
            })?;
        Shard {
            index: offset / step,
            count,
        }
        .validate()
        .map(Some)
        .map_err(|_| {
            ArrayShardError::Environment(format!(
                "task {id} is task {} of an array of {count}",
                offset / step
            ))
        })
    }

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

    fn env<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn array_tasks_find_their_shard() {
        let shard = |index, count| Shard { index, count };
        // Outside an array: --shard, else everything.
        assert_eq!(Shard::resolve(None, env(&[])), Ok(Shard::default()));
        assert_eq!(Shard::resolve(Some(shard(1, 3)), env(&[])), Ok(shard(1, 3)));
        // --array=0-3: task 2 of 4.
        let task = [
            ("SLURM_ARRAY_TASK_ID", "2"),
            ("SLURM_ARRAY_TASK_MIN", "0"),
            ("SLURM_ARRAY_TASK_MAX", "3"),
            ("SLURM_ARRAY_TASK_COUNT", "4"),
        ];
        assert_eq!(Shard::resolve(None, env(&task)), Ok(shard(2, 4)));
        // An explicit --shard that agrees is fine; one that does not is refused.
        assert_eq!(
            Shard::resolve(Some(shard(2, 4)), env(&task)),
            Ok(shard(2, 4))
        );
        let err = Shard::resolve(Some(shard(1, 4)), env(&task)).unwrap_err();
        assert!(matches!(err, ArrayShardError::Mismatch { .. }), "{err}");
        assert!(
            err.to_string()
                .contains("SLURM_ARRAY_TASK_ID=2 is shard 2/4"),
            "{err}"
        );
        // --array=1-9:2 without a count: tasks 1, 3, 5, 7, 9; 7 is shard 3 of 5.
        let stepped = [
            ("SLURM_ARRAY_TASK_ID", "7"),
            ("SLURM_ARRAY_TASK_MIN", "1"),
            ("SLURM_ARRAY_TASK_MAX", "9"),
            ("SLURM_ARRAY_TASK_STEP", "2"),
        ];
        assert_eq!(Shard::resolve(None, env(&stepped)), Ok(shard(3, 5)));
        // Broken environments say what is wrong.
        for bad in [
            &[
                ("SLURM_ARRAY_TASK_ID", "x"),
                ("SLURM_ARRAY_TASK_COUNT", "2"),
            ][..],
            &[("SLURM_ARRAY_TASK_ID", "1")][..],
            &[
                ("SLURM_ARRAY_TASK_ID", "4"),
                ("SLURM_ARRAY_TASK_COUNT", "4"),
            ][..],
            &[
                ("SLURM_ARRAY_TASK_ID", "0"),
                ("SLURM_ARRAY_TASK_MIN", "1"),
                ("SLURM_ARRAY_TASK_COUNT", "2"),
            ][..],
        ] {
            let err = Shard::resolve(None, env(bad)).unwrap_err();
            assert!(
                matches!(err, ArrayShardError::Environment(_)),
                "{bad:?}: {err}"
            );
        }
    }
}
