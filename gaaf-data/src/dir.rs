//! Where the data lives: the data folder and the four datasets' folders in it.

use crate::error::{Error, Result};
use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

/// The environment variable naming the data folder when none is given.
pub const DATA_DIR_ENV: &str = "GAAF_DATA_DIR";

// The published file names of each dataset. They live here, beside the
// folders, so that this module depends on no loader: the loaders import from
// `dir`, never the other way round (each loader re-exports its own list).

/// MNIST's four files (each may also be present as `<name>.gz`).
pub(crate) const MNIST_FILES: [&str; 4] = [
    "train-images-idx3-ubyte",
    "train-labels-idx1-ubyte",
    "t10k-images-idx3-ubyte",
    "t10k-labels-idx1-ubyte",
];
/// CIFAR-10's files in `cifar-10-batches-bin/`.
pub(crate) const CIFAR10_FILES: [&str; 6] = [
    "data_batch_1.bin",
    "data_batch_2.bin",
    "data_batch_3.bin",
    "data_batch_4.bin",
    "data_batch_5.bin",
    "test_batch.bin",
];
/// CIFAR-100's files in `cifar-100-binary/`.
pub(crate) const CIFAR100_FILES: [&str; 2] = ["train.bin", "test.bin"];
/// SVHN's required files in `svhn/`.
pub(crate) const SVHN_FILES: [&str; 2] = ["train_32x32.mat", "test_32x32.mat"];

/// The data folder: each dataset has its own sub-folder in it
/// (`mnist/`, `cifar-10-batches-bin/`, `cifar-100-binary/`, `svhn/`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataDir {
    root: PathBuf,
}

impl DataDir {
    /// A data folder at `root`.
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }

    /// The folder given explicitly, else `$GAAF_DATA_DIR` (when set and not
    /// empty), else `./data`.
    ///
    /// ```
    /// use gaaf_data::DataDir;
    /// let dir = DataDir::resolve(Some("/tmp/d".into()));
    /// assert_eq!(dir.path(), std::path::Path::new("/tmp/d"));
    /// ```
    pub fn resolve(explicit: Option<PathBuf>) -> Self {
        if let Some(root) = explicit {
            return Self::new(root);
        }
        match std::env::var_os(DATA_DIR_ENV) {
            Some(env) if !env.is_empty() => Self::new(env),
            _ => Self::new("data"),
        }
    }

    /// The data folder itself.
    pub fn path(&self) -> &Path {
        &self.root
    }

    /// The folder of one dataset, e.g. `<root>/cifar-10-batches-bin`.
    pub fn dataset_dir(&self, kind: DatasetKind) -> PathBuf {
        self.root.join(kind.folder())
    }
}

/// The four datasets this crate reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DatasetKind {
    /// MNIST handwritten digits: 1 x 28 x 28, 10 classes.
    Mnist,
    /// CIFAR-10: 3 x 32 x 32, 10 classes.
    Cifar10,
    /// CIFAR-100: 3 x 32 x 32, 100 fine (or 20 coarse) classes.
    Cifar100,
    /// SVHN cropped digits: 3 x 32 x 32, 10 classes.
    Svhn,
}

impl DatasetKind {
    /// All four, in the order the CLI reports them.
    pub const ALL: [DatasetKind; 4] = [Self::Mnist, Self::Cifar10, Self::Cifar100, Self::Svhn];

    /// The name used on the command line: `mnist`, `cifar10`, `cifar100`, `svhn`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Mnist => "mnist",
            Self::Cifar10 => "cifar10",
            Self::Cifar100 => "cifar100",
            Self::Svhn => "svhn",
        }
    }

    /// The dataset's folder inside the data folder.
    pub fn folder(self) -> &'static str {
        match self {
            Self::Mnist => "mnist",
            Self::Cifar10 => "cifar-10-batches-bin",
            Self::Cifar100 => "cifar-100-binary",
            Self::Svhn => "svhn",
        }
    }

    /// The files the loader needs (besides optional ones such as SVHN's extra
    /// split), as published.
    pub fn files(self) -> &'static [&'static str] {
        match self {
            Self::Mnist => &MNIST_FILES,
            Self::Cifar10 => &CIFAR10_FILES,
            Self::Cifar100 => &CIFAR100_FILES,
            Self::Svhn => &SVHN_FILES,
        }
    }

    /// The text of a [`Error::MissingFile`] hint for this dataset.
    pub(crate) fn missing_hint(self, dir: &Path) -> String {
        format!(
            "run `cargo xtask data fetch --dataset {}` or put {} in {}",
            self.name(),
            self.files().join(", "),
            dir.display()
        )
    }
}

impl fmt::Display for DatasetKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for DatasetKind {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        let lower = s.to_ascii_lowercase().replace(['-', '_'], "");
        Self::ALL
            .into_iter()
            .find(|k| k.name() == lower)
            .ok_or_else(|| Error::UnknownDataset { name: s.to_owned() })
    }
}

/// Finds `name` in `dir`, or `name.gz` when `gz` is allowed; a missing file
/// gives [`Error::MissingFile`] with the dataset's hint.
pub(crate) fn find_file(dir: &Path, name: &str, gz: bool, kind: DatasetKind) -> Result<PathBuf> {
    let plain = dir.join(name);
    if plain.is_file() {
        return Ok(plain);
    }
    if gz {
        let zipped = dir.join(format!("{name}.gz"));
        if zipped.is_file() {
            return Ok(zipped);
        }
    }
    Err(Error::MissingFile {
        path: plain,
        hint: kind.missing_hint(dir),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_parse_loosely() {
        assert_eq!(
            "CIFAR-10".parse::<DatasetKind>().unwrap(),
            DatasetKind::Cifar10
        );
        assert_eq!(
            "cifar_100".parse::<DatasetKind>().unwrap(),
            DatasetKind::Cifar100
        );
        assert!(matches!(
            "imagenet".parse::<DatasetKind>(),
            Err(Error::UnknownDataset { .. })
        ));
    }

    #[test]
    fn explicit_dir_wins() {
        assert_eq!(DataDir::resolve(Some("x".into())).path(), Path::new("x"));
    }
}
