//! A run's data: the validation split, subsets and normalisation applied, as
//! rows of normalised `f32` pixels.

use super::model::INPUT;
use crate::error::{Error, Result};
use crate::TrainConfig;
use gaaf_data::{Dataset, Normalizer, Splits};

/// Images as rows of normalised pixels, and their labels.
#[derive(Debug, Clone, PartialEq)]
pub struct Split {
    x: Vec<f32>,
    y: Vec<u8>,
}

impl Split {
    fn new(data: &Dataset, norm: &Normalizer) -> Result<Self> {
        let (_, c, h, w) = data.images().dim();
        if c * h * w != INPUT {
            return Err(Error::Config(format!(
                "{}: images of {c}x{h}x{w} values, the model takes {INPUT}",
                data.name()
            )));
        }
        let (x, _) = data.to_f32_normalized(norm).into_raw_vec_and_offset();
        Ok(Self {
            x,
            y: data.labels().to_vec(),
        })
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
        let mut x = Vec::with_capacity(indices.len() * INPUT);
        let mut y = Vec::with_capacity(indices.len());
        for &i in indices {
            x.extend_from_slice(&self.x[i * INPUT..(i + 1) * INPUT]);
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
    /// Prepares `splits` for `config`: `val_size` training images held out
    /// (chosen by `seed`), then `train_subset` and `test_subset` drawn with
    /// `seed`; every split normalised with the full training split's mean and
    /// standard deviation.
    ///
    /// # Errors
    ///
    /// When the images are not 784 pixels, or a split or subset is larger
    /// than the data.
    pub fn prepare(splits: &Splits, config: &TrainConfig) -> Result<Self> {
        let norm = splits.normalizer();
        let (train, val) = splits
            .train
            .split_validation(config.val_size, config.seed)?;
        let train = match config.train_subset {
            Some(n) if n < train.len() => train.subset(n, config.seed)?,
            _ => train,
        };
        let test = match config.test_subset {
            Some(n) if n < splits.test.len() => splits.test.subset(n, config.seed)?,
            _ => splits.test.clone(),
        };
        Ok(Self {
            train: Split::new(&train, &norm)?,
            val: Split::new(&val, &norm)?,
            test: Split::new(&test, &norm)?,
        })
    }
}
