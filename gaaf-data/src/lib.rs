//! Checked, panic-free loaders for the four datasets of the gaaf reproduction
//! (MNIST, CIFAR-10, CIFAR-100 and SVHN) in their published binary formats.
//!
//! Every parser checks header sizes against the real input and a limit before
//! allocating, reports each problem as a distinct [`Error`] naming the file and
//! what was expected, and is fuzzed (`fuzz/` and the `robustness` tests).
//!
//! # Core types
//! - [`DataDir`]: where the data lives (explicit, else `$GAAF_DATA_DIR`, else
//!   `./data`), with one folder per dataset: `mnist/`, `cifar-10-batches-bin/`,
//!   `cifar-100-binary/`, `svhn/`.
//! - [`Dataset`]: NCHW `u8` images (an [`ndarray::Array4`]) and labels, with
//!   [`Dataset::subset`], [`Dataset::split_validation`] and seeded
//!   [`Dataset::batches`]; [`Splits`] holds the train and test splits.
//! - [`Normalizer`]: per-channel mean and std fitted on the training split,
//!   giving normalised `f32` images.
//! - Loaders: [`mnist::load`], [`cifar::load_cifar10`], [`cifar::load_cifar100`],
//!   [`svhn::load`], or [`load`] by [`DatasetKind`].
//! - [`synthetic`]: small datasets in the published formats, for tests, demos
//!   and CI where the real data is absent ([`synthetic::write`]).
//! - [`write_atomic`]: writes a file so that a reader never sees half of it,
//!   for results, checkpoints and reports.
//!
//! # Example
//! ```
//! use gaaf_data::{Dataset, Normalizer};
//! let images = ndarray::Array4::from_shape_fn((6, 1, 2, 2), |(n, _, h, w)| (n * 40 + h + w) as u8);
//! let data = Dataset::new("toy", images, vec![0, 1, 0, 1, 0, 1], 2)?;
//! let (train, val) = data.split_validation(2, 1)?;
//! let norm = Normalizer::fit(&train);
//! let x = val.to_f32_normalized(&norm);
//! assert_eq!(x.dim(), (2, 1, 2, 2));
//! let sizes: Vec<usize> = train.batches(3, Some(0))?.map(|b| b.labels.len()).collect();
//! assert_eq!(sizes, [3, 1]);
//! # Ok::<(), gaaf_data::Error>(())
//! ```
//!
//! # Feature flags
//! - `fetch` (off by default): [`fetch`] downloads the datasets from their
//!   published locations with resume, checksum verification, atomic writes and
//!   a progress bar. Without it the crate has no network code.

mod atomic;
mod batch;
pub mod cifar;
mod dataset;
mod dir;
mod error;
#[cfg(feature = "fetch")]
pub mod fetch;
pub mod idx;
mod io;
pub mod mat;
pub mod mnist;
mod normalize;
pub mod svhn;
pub mod synthetic;
mod utc;

pub use atomic::write_atomic;
pub use batch::{shuffled_indices, Batch, Batches};
pub use cifar::Cifar100Labels;
pub use dataset::{Dataset, Splits};
pub use dir::{DataDir, DatasetKind, DATA_DIR_ENV};
pub use error::{Error, Result};
pub use io::{content_sha256, hex, MAX_CONTENT_BYTES};
pub use normalize::Normalizer;
pub use utc::UtcTime;

/// Loads a dataset's train and test splits from `dir` (CIFAR-100 with fine
/// labels).
pub fn load(dir: &DataDir, kind: DatasetKind) -> Result<Splits> {
    match kind {
        DatasetKind::Mnist => mnist::load(dir),
        DatasetKind::Cifar10 => cifar::load_cifar10(dir),
        DatasetKind::Cifar100 => cifar::load_cifar100(dir, Cifar100Labels::Fine),
        DatasetKind::Svhn => svhn::load(dir),
    }
}
