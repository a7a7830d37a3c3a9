//! MNIST from its four published IDX files, raw or `.gz`, in `<data>/mnist/`.
//!
//! The files are parsed by [`crate::idx`] (see there why the `mnist` crate is
//! not used). The SHA-256 of each decompressed file, the same whichever mirror
//! served the gzip, is in [`SHA256`].

use crate::dataset::{Dataset, Splits};
use crate::dir::{find_file, DataDir, DatasetKind};
use crate::error::{Error, Result};
use crate::idx::{self, Idx};
use ndarray::Array4;
use std::path::Path;

/// The four files, as published (each may also be present as `<name>.gz`).
pub const FILES: [&str; 4] = crate::dir::MNIST_FILES;

/// SHA-256 of each decompressed file (the gzip files differ between mirrors;
/// their content does not).
pub const SHA256: [(&str, &str); 4] = [
    (
        "train-images-idx3-ubyte",
        "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
    ),
    (
        "train-labels-idx1-ubyte",
        "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
    ),
    (
        "t10k-images-idx3-ubyte",
        "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
    ),
    (
        "t10k-labels-idx1-ubyte",
        "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
    ),
];

/// Image side length.
pub const SIDE: usize = 28;
/// Number of classes.
pub const CLASSES: usize = 10;

/// Loads the training and test splits from `<dir>/mnist/`.
pub fn load(dir: &DataDir) -> Result<Splits> {
    let folder = dir.dataset_dir(DatasetKind::Mnist);
    Ok(Splits {
        train: load_split(&folder, "train", "mnist/train")?,
        test: load_split(&folder, "t10k", "mnist/test")?,
    })
}

/// Loads one split (`prefix` is `train` or `t10k`) from `folder`.
/// The path of MNIST file `name` (one of [`FILES`]) in `dir`: the raw file if
/// present, else `name.gz`.
///
/// # Errors
///
/// [`crate::Error::MissingFile`], saying how to get the data, when neither exists.
pub fn file_path(dir: &DataDir, name: &str) -> Result<std::path::PathBuf> {
    find_file(
        &dir.dataset_dir(DatasetKind::Mnist),
        name,
        true,
        DatasetKind::Mnist,
    )
}

fn load_split(folder: &Path, prefix: &str, name: &str) -> Result<Dataset> {
    let kind = DatasetKind::Mnist;
    let images_path = find_file(folder, &format!("{prefix}-images-idx3-ubyte"), true, kind)?;
    let labels_path = find_file(folder, &format!("{prefix}-labels-idx1-ubyte"), true, kind)?;
    let images = idx::read(&images_path, 3)?;
    let labels = idx::read(&labels_path, 1)?;
    from_idx(images, &images_path, labels, &labels_path, name)
}

/// Builds a dataset from decoded IDX images and labels, checking MNIST's
/// dimensions, the counts and the label range. The paths name the files in
/// errors.
pub fn from_idx(
    images: Idx,
    images_path: &Path,
    labels: Idx,
    labels_path: &Path,
    name: &str,
) -> Result<Dataset> {
    let n = images.dims.first().copied().unwrap_or(0);
    if images.dims.len() != 3 || images.dims[1..] != [SIDE, SIDE] {
        return Err(Error::WrongDimensions {
            path: images_path.to_owned(),
            expected: format!("N x {SIDE} x {SIDE}"),
            found: format!("{:?}", images.dims),
        });
    }
    if labels.data.len() != n {
        return Err(Error::CountMismatch {
            path: labels_path.to_owned(),
            images: n,
            labels: labels.data.len(),
        });
    }
    if let Some(i) = labels.data.iter().position(|&l| usize::from(l) >= CLASSES) {
        return Err(Error::LabelOutOfRange {
            path: labels_path.to_owned(),
            index: i,
            label: f64::from(labels.data[i]),
            expected: format!("0..={}", CLASSES - 1),
        });
    }
    let found = images.data.len();
    let images = Array4::from_shape_vec((n, 1, SIDE, SIDE), images.data).map_err(|_| {
        Error::SizeMismatch {
            path: images_path.to_owned(),
            expected: (n as u64).saturating_mul((SIDE * SIDE) as u64),
            actual: found as u64,
        }
    })?;
    Dataset::new(name, images, labels.data, CLASSES)
}
