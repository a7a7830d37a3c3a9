//! A run's data: the dataset loaded (and fetched when missing), then the
//! validation split, subsets and normalisation applied, as rows of
//! normalised `f32` pixels (one image per row, channel-major, so a row is
//! also an image in NCHW order). Every experiment prepares its data here.

use crate::error::{check, ConfigError, Error, Result};
use gaaf_data::{Dataset, Normalizer, Splits};
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// How much of a dataset a run uses, part of every experiment's
/// configuration (flattened into its JSON, so the fields keep their names).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DataSizes {
    /// Training images held out for validation (taken before any subset).
    pub val_size: usize,
    /// Train on only this many of the remaining training images (quick runs).
    pub train_subset: Option<usize>,
    /// Evaluate on only this many test images (quick runs).
    pub test_subset: Option<usize>,
}

impl DataSizes {
    /// `val_size` validation images and all the rest.
    pub fn all_but(val_size: usize) -> Self {
        Self {
            val_size,
            train_subset: None,
            test_subset: None,
        }
    }

    /// Checks `--val-size`, `--train-subset` and `--test-subset`.
    ///
    /// # Errors
    ///
    /// The first of them out of range.
    pub fn validate(&self) -> Result<(), ConfigError> {
        check::count("val-size", self.val_size)?;
        check::optional_count("train-subset", self.train_subset)?;
        check::optional_count("test-subset", self.test_subset)
    }
}

/// Images as rows of normalised pixels, and their labels.
#[derive(Debug, Clone, PartialEq)]
pub struct Split {
    x: Vec<f32>,
    y: Vec<u8>,
    /// Values per image.
    dim: usize,
}

impl Split {
    fn new(data: &Dataset, norm: &Normalizer) -> Self {
        let (_, c, h, w) = data.images().dim();
        let (x, _) = data.to_f32_normalized(norm).into_raw_vec_and_offset();
        Self {
            x,
            y: data.labels().to_vec(),
            dim: c * h * w,
        }
    }

    /// Values per image.
    pub fn dim(&self) -> usize {
        self.dim
    }

    /// The number of images.
    pub fn len(&self) -> usize {
        self.y.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.y.is_empty()
    }

    /// The rows and labels at `indices`, in that order.
    ///
    /// # Panics
    ///
    /// When an index is out of range.
    pub fn gather(&self, indices: &[usize]) -> (Vec<f32>, Vec<u8>) {
        let d = self.dim;
        let mut x = Vec::with_capacity(indices.len() * d);
        let mut y = Vec::with_capacity(indices.len());
        for &i in indices {
            x.extend_from_slice(&self.x[i * d..(i + 1) * d]);
            y.push(self.y[i]);
        }
        (x, y)
    }
}

/// The training, validation and test images of one run.
#[derive(Debug, Clone, PartialEq)]
pub struct RunData {
    /// Training images (after the validation split and any subset).
    pub train: Split,
    /// Validation images.
    pub val: Split,
    /// Test images (after any subset).
    pub test: Split,
}

impl RunData {
    /// `sizes.val_size` training images held out (chosen by `seed`), then
    /// the training and test subsets drawn with `seed`; every split
    /// normalised per channel with the full training split's mean and
    /// standard deviation.
    ///
    /// # Errors
    ///
    /// When a split or subset is larger than the data.
    pub fn split(splits: &Splits, sizes: &DataSizes, seed: u64) -> Result<Self> {
        let norm = splits.normalizer();
        let (train, val) = splits.train.split_validation(sizes.val_size, seed)?;
        let train = match sizes.train_subset {
            Some(n) if n < train.len() => train.subset(n, seed)?,
            _ => train,
        };
        let test = match sizes.test_subset {
            Some(n) if n < splits.test.len() => splits.test.subset(n, seed)?,
            _ => splits.test.clone(),
        };
        Ok(Self {
            train: Split::new(&train, &norm),
            val: Split::new(&val, &norm),
            test: Split::new(&test, &norm),
        })
    }

    /// `self` if its images hold `values` values each (`model` names what
    /// needs them).
    ///
    /// # Errors
    ///
    /// [`Error::ImageSize`] otherwise.
    pub fn expect_image_size(self, values: usize, model: &'static str) -> Result<Self> {
        if self.train.dim == values {
            Ok(self)
        } else {
            Err(Error::ImageSize {
                found: self.train.dim,
                expected: values,
                model,
            })
        }
    }
}

/// Dataset `kind` from `dir` (else `$GAAF_DATA_DIR`, else `./data`), fetched
/// first when missing, the `fetch` feature is on and the environment variable
/// `GAAF_NO_FETCH` is not set (tests set it so that they never download).
///
/// # Errors
///
/// gaaf-data's error (naming the folder and files) when it is missing and
/// cannot be fetched, or is malformed.
pub fn load_dataset(dir: Option<PathBuf>, kind: gaaf_data::DatasetKind) -> Result<Splits> {
    let dir = gaaf_data::DataDir::resolve(dir);
    match gaaf_data::load(&dir, kind) {
        #[cfg(feature = "fetch")]
        Err(missing @ gaaf_data::Error::MissingFile { .. })
            if std::env::var_os("GAAF_NO_FETCH").is_none() =>
        {
            eprintln!("{missing}; trying to download it");
            let opts = gaaf_data::fetch::FetchOptions::default();
            if let Err(source) = gaaf_data::fetch::fetch(&dir, kind, &opts) {
                return Err(Error::Fetch {
                    missing: Box::new(missing),
                    source: Box::new(source),
                });
            }
            Ok(gaaf_data::load(&dir, kind)?)
        }
        other => Ok(other?),
    }
}
