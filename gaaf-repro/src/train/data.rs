//! A run's data: the validation split, subsets and normalisation applied, as
//! rows of normalised `f32` pixels (one image per row, channel-major, so a row
//! is also an image in NCHW order). Every experiment prepares its data here.

use super::model::INPUT;
use crate::error::{Error, Result};
use crate::TrainConfig;
use gaaf_data::{Dataset, Normalizer, Splits};

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
    pub(crate) fn gather(&self, indices: &[usize]) -> (Vec<f32>, Vec<u8>) {
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
    /// Prepares `splits` for an MNIST run of `config` (see [`RunData::split`]).
    ///
    /// # Errors
    ///
    /// When the images are not 784 pixels, or a split or subset is larger
    /// than the data.
    pub fn prepare(splits: &Splits, config: &TrainConfig) -> Result<Self> {
        let data = Self::split(
            splits,
            config.val_size,
            config.seed,
            config.train_subset,
            config.test_subset,
        )?;
        if data.train.dim != INPUT {
            return Err(Error::Config(format!(
                "{}: images of {} values, the model takes {INPUT}",
                splits.train.name(),
                data.train.dim
            )));
        }
        Ok(data)
    }

    /// `val_size` training images held out (chosen by `seed`), then
    /// `train_subset` and `test_subset` drawn with `seed`; every split
    /// normalised per channel with the full training split's mean and
    /// standard deviation.
    ///
    /// # Errors
    ///
    /// When a split or subset is larger than the data.
    pub fn split(
        splits: &Splits,
        val_size: usize,
        seed: u64,
        train_subset: Option<usize>,
        test_subset: Option<usize>,
    ) -> Result<Self> {
        let norm = splits.normalizer();
        let (train, val) = splits.train.split_validation(val_size, seed)?;
        let train = match train_subset {
            Some(n) if n < train.len() => train.subset(n, seed)?,
            _ => train,
        };
        let test = match test_subset {
            Some(n) if n < splits.test.len() => splits.test.subset(n, seed)?,
            _ => splits.test.clone(),
        };
        Ok(Self {
            train: Split::new(&train, &norm),
            val: Split::new(&val, &norm),
            test: Split::new(&test, &norm),
        })
    }
}
