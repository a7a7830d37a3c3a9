//! The one dataset type shared by all four loaders.

use crate::batch::{shuffled_indices, Batches};
use crate::error::{Error, Result};
use crate::normalize::{to_unit_f32, Normalizer};
use ndarray::{Array4, Axis};
use sha2::{Digest, Sha256};

/// Labelled images: NCHW `u8` pixels and one label per image.
///
/// The images are always in standard (row-major, contiguous) layout.
#[derive(Debug, Clone, PartialEq)]
pub struct Dataset {
    name: String,
    images: Array4<u8>,
    labels: Vec<u8>,
    classes: usize,
}

/// The published splits of a dataset.
#[derive(Debug, Clone, PartialEq)]
pub struct Splits {
    /// The training split.
    pub train: Dataset,
    /// The test split.
    pub test: Dataset,
}

impl Splits {
    /// Per-channel statistics of the training split, to normalise every split.
    pub fn normalizer(&self) -> Normalizer {
        Normalizer::fit(&self.train)
    }
}

impl Dataset {
    /// A dataset named `name` (e.g. `mnist/train`) from NCHW images and labels
    /// in `0..classes`.
    ///
    /// ```
    /// use gaaf_data::Dataset;
    /// let images = ndarray::Array4::<u8>::zeros((3, 1, 2, 2));
    /// let data = Dataset::new("toy", images, vec![0, 1, 1], 2)?;
    /// assert_eq!(data.label_histogram(), [1, 2]);
    /// # Ok::<(), gaaf_data::Error>(())
    /// ```
    pub fn new(
        name: impl Into<String>,
        images: Array4<u8>,
        labels: Vec<u8>,
        classes: usize,
    ) -> Result<Self> {
        if images.dim().0 != labels.len() {
            return Err(Error::InvalidRequest(format!(
                "{} images but {} labels",
                images.dim().0,
                labels.len()
            )));
        }
        if let Some(bad) = labels.iter().find(|&&l| usize::from(l) >= classes) {
            return Err(Error::InvalidRequest(format!(
                "label {bad} outside 0..{classes}"
            )));
        }
        let images = if images.is_standard_layout() {
            images
        } else {
            images.as_standard_layout().into_owned()
        };
        Ok(Self {
            name: name.into(),
            images,
            labels,
            classes,
        })
    }

    /// The dataset's name, e.g. `mnist/train`.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The images, shape (N, C, H, W).
    pub fn images(&self) -> &Array4<u8> {
        &self.images
    }

    /// The labels, one per image.
    pub fn labels(&self) -> &[u8] {
        &self.labels
    }

    /// The number of classes; every label is below it.
    pub fn classes(&self) -> usize {
        self.classes
    }

    /// The number of images.
    pub fn len(&self) -> usize {
        self.labels.len()
    }

    /// Whether there are no images.
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    /// Images and labels, by value.
    pub fn into_parts(self) -> (Array4<u8>, Vec<u8>) {
        (self.images, self.labels)
    }

    /// How many images each class has.
    pub fn label_histogram(&self) -> Vec<usize> {
        let mut hist = vec![0; self.classes];
        for &l in &self.labels {
            hist[usize::from(l)] += 1;
        }
        hist
    }

    /// SHA-256 of the content: the NCHW pixel bytes, then the label bytes.
    /// Independent of the file format the data came from.
    pub fn checksum(&self) -> [u8; 32] {
        let mut h = Sha256::new();
        h.update(self.images.as_slice().expect("standard layout"));
        h.update(&self.labels);
        h.finalize().into()
    }

    /// Pixels as `f32` in `[0, 1]`.
    pub fn to_f32(&self) -> Array4<f32> {
        to_unit_f32(self.images.view())
    }

    /// Pixels as `(x / 255 - mean[c]) / std[c]`.
    ///
    /// # Panics
    /// When `norm` has another number of channels than the images.
    pub fn to_f32_normalized(&self, norm: &Normalizer) -> Array4<f32> {
        norm.apply(self.images.view())
    }

    /// The images at `indices`, in that order, as a new dataset.
    ///
    /// # Panics
    /// When an index is out of range.
    pub fn select(&self, indices: &[usize], name: impl Into<String>) -> Dataset {
        Dataset {
            name: name.into(),
            images: self.images.select(Axis(0), indices),
            labels: indices.iter().map(|&i| self.labels[i]).collect(),
            classes: self.classes,
        }
    }

    /// `n` images drawn without replacement by a shuffle seeded with `seed`,
    /// for quick runs. The same seed always gives the same subset.
    pub fn subset(&self, n: usize, seed: u64) -> Result<Dataset> {
        if n > self.len() {
            return Err(Error::InvalidRequest(format!(
                "subset of {n} from {} images",
                self.len()
            )));
        }
        let mut order = shuffled_indices(self.len(), seed);
        order.truncate(n);
        Ok(self.select(&order, format!("{}[subset {n}]", self.name)))
    }

    /// Every image with `pixels` rows and columns of zeros added on each side
    /// (a `1 x 28 x 28` MNIST digit becomes `1 x 32 x 32` with `pixels = 2`,
    /// the input size of the paper's CIFAR and SVHN models). Zero is MNIST's
    /// background, so a padded digit is the same digit on a wider canvas.
    ///
    /// ```
    /// use gaaf_data::Dataset;
    /// let images = ndarray::Array4::<u8>::from_elem((2, 1, 28, 28), 7);
    /// let padded = Dataset::new("toy", images, vec![0, 1], 2)?.padded(2);
    /// assert_eq!(padded.images().dim(), (2, 1, 32, 32));
    /// assert_eq!(padded.images()[[0, 0, 0, 0]], 0);
    /// assert_eq!(padded.images()[[1, 0, 2, 2]], 7);
    /// assert_eq!(padded.name(), "toy[padded 2]");
    /// # Ok::<(), gaaf_data::Error>(())
    /// ```
    pub fn padded(&self, pixels: usize) -> Dataset {
        let (n, c, h, w) = self.images.dim();
        let mut images = Array4::<u8>::zeros((n, c, h + 2 * pixels, w + 2 * pixels));
        images
            .slice_mut(ndarray::s![.., .., pixels..pixels + h, pixels..pixels + w])
            .assign(&self.images);
        Dataset {
            name: format!("{}[padded {pixels}]", self.name),
            images,
            labels: self.labels.clone(),
            classes: self.classes,
        }
    }

    /// Splits off `n_val` images, chosen by a shuffle seeded with `seed`, as a
    /// validation set: returns `(train, validation)`, both in the original
    /// order of the remaining images.
    ///
    /// ```
    /// use gaaf_data::Dataset;
    /// let images = ndarray::Array4::<u8>::zeros((10, 1, 1, 1));
    /// let data = Dataset::new("toy", images, vec![0; 10], 1)?;
    /// let (train, val) = data.split_validation(3, 7)?;
    /// assert_eq!((train.len(), val.len()), (7, 3));
    /// # Ok::<(), gaaf_data::Error>(())
    /// ```
    pub fn split_validation(&self, n_val: usize, seed: u64) -> Result<(Dataset, Dataset)> {
        if n_val > self.len() {
            return Err(Error::InvalidRequest(format!(
                "validation split of {n_val} from {} images",
                self.len()
            )));
        }
        let order = shuffled_indices(self.len(), seed);
        let mut val: Vec<usize> = order[..n_val].to_vec();
        let mut train: Vec<usize> = order[n_val..].to_vec();
        val.sort_unstable();
        train.sort_unstable();
        Ok((
            self.select(&train, format!("{}[train]", self.name)),
            self.select(&val, format!("{}[validation]", self.name)),
        ))
    }

    /// Batches of `batch_size` images (the last may be smaller), shuffled by
    /// `seed` or in order when `seed` is `None`. Use a different seed per epoch
    /// (e.g. `base + epoch`) for a fresh order each epoch.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidRequest`] when `batch_size` is 0.
    pub fn batches(&self, batch_size: usize, seed: Option<u64>) -> Result<Batches<'_>> {
        if batch_size == 0 {
            return Err(Error::InvalidRequest(format!(
                "{}: batch size 0: a batch holds at least one image",
                self.name
            )));
        }
        Ok(Batches::new(self, batch_size, seed))
    }
}
