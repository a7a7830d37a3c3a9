//! Small datasets in the published formats, for tests, demos and CI where the
//! real data is absent.
//!
//! The real datasets are hundreds of megabytes behind network downloads, so
//! tests and CI runs that need a dataset on disk (the end-to-end training tests
//! of `gaaf-repro`, this crate's loader tests) use files written here instead.
//! They are byte-for-byte in the published layouts, in the folders where
//! [`crate::load`] looks, so that the code under test reads them exactly as it
//! would read the real files: no test-only loading path.
//!
//! - [`write()`] generates a learnable dataset ([`generate`]) of the size in a
//!   [`SyntheticSpec`] and writes it; [`write_splits`] writes any [`Splits`]
//!   (e.g. a subset of the real data) in a dataset's layout.
//! - The encoders underneath, [`idx_u8`], [`gzip`], [`mat5`] with [`MatVar`],
//!   and [`svhn_vars`], write what they are given, which lets tests make
//!   malformed files too.
//!
//! # The generator
//!
//! Each class has a prototype: per channel, a 4 x 4 grid of cells (7 x 7
//! pixels for MNIST's 28 x 28 images, 8 x 8 for the others' 32 x 32), each cell
//! one value drawn uniformly from 32..=223. An image is its class's prototype
//! plus independent noise on every pixel, uniform in -48..=48, clamped to
//! 0..=255. Labels are balanced (`i mod classes` before shuffling) and in a
//! seeded random order. The prototypes are shared by both splits; the noise
//! and the label order differ between them. Everything comes from ChaCha8
//! seeded by [`SyntheticSpec::seed`] (the prototypes, the training split and
//! the test split on three streams), so a seed gives the same files on every
//! platform.
//!
//! The classes are far apart relative to the noise: a nearest-class-mean
//! classifier, and so any small convnet, learns them well above chance from a
//! few images per class, while no single pixel decides the label.
//!
//! ```
//! use gaaf_data::synthetic::{self, SyntheticSpec};
//! use gaaf_data::{DataDir, DatasetKind};
//! let tmp = tempfile::tempdir()?;
//! let dir = DataDir::new(tmp.path());
//! let spec = SyntheticSpec::new(50, 10, 7);
//! synthetic::write(&dir, DatasetKind::Cifar10, &spec)?;
//! let splits = gaaf_data::load(&dir, DatasetKind::Cifar10)?;
//! assert_eq!(splits.train.images().dim(), (50, 3, 32, 32));
//! assert_eq!(splits, synthetic::generate(DatasetKind::Cifar10, &spec)?);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod encode;

pub use encode::{gzip, idx_u8, mat5, svhn_vars, MatVar, MI_DOUBLE, MI_UINT8, MX_DOUBLE, MX_UINT8};

use crate::batch::shuffled_indices;
use crate::dataset::{Dataset, Splits};
use crate::dir::{DataDir, DatasetKind};
use crate::error::{Error, Result};
use ndarray::Array4;
use rand_chacha::rand_core::{RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::borrow::Cow;
use std::path::Path;

/// The most images [`generate`] makes per split (about 3.2 GB of CIFAR-sized
/// pixels), so that a mistyped size is an error rather than an abort.
pub const MAX_IMAGES: usize = 1 << 20;

/// Prototype cells per side.
const GRID: usize = 4;
/// Prototype cell values lie in `PROTO_LOW..PROTO_LOW + PROTO_RANGE`.
const PROTO_LOW: u32 = 32;
const PROTO_RANGE: u32 = 192;
/// Noise is uniform in `-NOISE..=NOISE`.
const NOISE: u32 = 48;

/// ChaCha8 streams of one seed.
const STREAM_PROTOTYPES: u64 = 0;
const STREAM_TRAIN: u64 = 1;
const STREAM_TEST: u64 = 2;

/// How much synthetic data to make: images per split and the seed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SyntheticSpec {
    /// Training images (at least 1; at least 5 for CIFAR-10, one per
    /// `data_batch_*.bin` file).
    pub train: usize,
    /// Test images (at least 1).
    pub test: usize,
    /// The seed of everything generated.
    pub seed: u64,
}

impl SyntheticSpec {
    /// `train` and `test` images from `seed`.
    ///
    /// ```
    /// let spec = gaaf_data::synthetic::SyntheticSpec::new(100, 20, 1);
    /// assert_eq!((spec.train, spec.test, spec.seed), (100, 20, 1));
    /// ```
    pub fn new(train: usize, test: usize, seed: u64) -> Self {
        Self { train, test, seed }
    }
}

/// The image shape and class count of a dataset: (channels, side, classes).
fn geometry(kind: DatasetKind) -> (usize, usize, usize) {
    match kind {
        DatasetKind::Mnist => (1, crate::mnist::SIDE, crate::mnist::CLASSES),
        DatasetKind::Cifar10 => (3, crate::cifar::SIDE, 10),
        DatasetKind::Cifar100 => (3, crate::cifar::SIDE, 100),
        DatasetKind::Svhn => (3, crate::svhn::SIDE, crate::svhn::CLASSES),
    }
}

fn rng(seed: u64, stream: u64) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(stream);
    rng
}

/// Generates the train and test splits that [`write()`] would write, in memory
/// (see the [module docs](self) for the generator). They equal what
/// [`crate::load`] reads back, names included (`cifar10/train`, ...), and
/// CIFAR-100's labels are the fine ones.
///
/// # Errors
///
/// [`Error::InvalidRequest`] for an empty split, a split over [`MAX_IMAGES`],
/// or a CIFAR-10 training split under 5 images.
///
/// ```
/// use gaaf_data::synthetic::{generate, SyntheticSpec};
/// use gaaf_data::DatasetKind;
/// let splits = generate(DatasetKind::Mnist, &SyntheticSpec::new(30, 10, 3))?;
/// assert_eq!(splits.train.images().dim(), (30, 1, 28, 28));
/// assert_eq!(splits.train.label_histogram(), [3; 10]);
/// assert_eq!(splits, generate(DatasetKind::Mnist, &SyntheticSpec::new(30, 10, 3))?);
/// # Ok::<(), gaaf_data::Error>(())
/// ```
pub fn generate(kind: DatasetKind, spec: &SyntheticSpec) -> Result<Splits> {
    for (split, n) in [("train", spec.train), ("test", spec.test)] {
        if n == 0 || n > MAX_IMAGES {
            return Err(Error::InvalidRequest(format!(
                "synthetic {kind} {split} split of {n} images: expected 1..={MAX_IMAGES}"
            )));
        }
    }
    check_cifar10_train(kind, spec.train)?;
    let (channels, side, classes) = geometry(kind);
    let prototypes = prototypes(&mut rng(spec.seed, STREAM_PROTOTYPES), classes, channels);
    let split = |name: &str, n: usize, stream: u64| {
        let mut rng = rng(spec.seed, stream);
        // The label order has its own seed, derived from the split's stream.
        let order_seed = rng.next_u64();
        let labels: Vec<u8> = shuffled_indices(n, order_seed)
            .into_iter()
            .map(|i| (i % classes) as u8)
            .collect();
        let mut pixels = Vec::with_capacity(n * channels * side * side);
        for &label in &labels {
            let proto = &prototypes[usize::from(label)];
            for c in 0..channels {
                for r in 0..side {
                    for w in 0..side {
                        let base = proto[(c * GRID + r * GRID / side) * GRID + w * GRID / side];
                        let noise = (rng.next_u32() % (2 * NOISE + 1)) as i32 - NOISE as i32;
                        pixels.push((base as i32 + noise).clamp(0, 255) as u8);
                    }
                }
            }
        }
        let images = Array4::from_shape_vec((n, channels, side, side), pixels)
            .expect("one value per pixel was pushed");
        Dataset::new(format!("{}/{name}", kind.name()), images, labels, classes)
    };
    Ok(Splits {
        train: split("train", spec.train, STREAM_TRAIN)?,
        test: split("test", spec.test, STREAM_TEST)?,
    })
}

/// One prototype per class: `channels x GRID x GRID` cell values.
fn prototypes(rng: &mut ChaCha8Rng, classes: usize, channels: usize) -> Vec<Vec<u32>> {
    (0..classes)
        .map(|_| {
            (0..channels * GRID * GRID)
                .map(|_| PROTO_LOW + rng.next_u32() % PROTO_RANGE)
                .collect()
        })
        .collect()
}

fn check_cifar10_train(kind: DatasetKind, n: usize) -> Result<()> {
    if kind == DatasetKind::Cifar10 && n < 5 {
        return Err(Error::InvalidRequest(format!(
            "synthetic cifar10 train split of {n} images: expected at least 5, \
             one per data_batch file"
        )));
    }
    Ok(())
}

/// Generates a dataset with [`generate`] and writes it in its published
/// layout into `dir`'s folder for `kind`, where [`crate::load`] reads it.
///
/// See [`write_splits`] for the files and for what is overwritten.
///
/// # Errors
///
/// Those of [`generate`], and [`Error::Io`] when a folder or file cannot be
/// written.
///
/// ```
/// use gaaf_data::synthetic::{write, SyntheticSpec};
/// use gaaf_data::{DataDir, DatasetKind};
/// let tmp = tempfile::tempdir()?;
/// let dir = DataDir::new(tmp.path());
/// write(&dir, DatasetKind::Svhn, &SyntheticSpec::new(20, 5, 0))?;
/// let splits = gaaf_data::load(&dir, DatasetKind::Svhn)?;
/// assert_eq!((splits.train.len(), splits.test.len()), (20, 5));
/// assert!(splits.train.labels().iter().all(|&l| l < 10));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn write(dir: &DataDir, kind: DatasetKind, spec: &SyntheticSpec) -> Result<()> {
    write_splits(dir, kind, &generate(kind, spec)?)
}

/// Writes `splits` in `kind`'s published layout into `dir`'s folder for
/// `kind` (created if needed):
///
/// - MNIST: `mnist/{train,t10k}-{images-idx3,labels-idx1}-ubyte.gz`, gzipped
///   IDX. A raw file of the same name would be read instead of the `.gz`, so
///   one is removed if present.
/// - CIFAR-10: `cifar-10-batches-bin/data_batch_{1..5}.bin`, the training
///   images in order, spread as evenly as possible, and `test_batch.bin`.
/// - CIFAR-100: `cifar-100-binary/{train,test}.bin`. A [`Dataset`] has one
///   label, taken as the fine one; the coarse byte is written as `fine / 5`,
///   which is not the real superclass mapping.
/// - SVHN: `svhn/{train,test}_32x32.mat`, compressed MATLAB 5 files with `X`
///   and `y` as [`svhn_vars`] makes them (label 10 for digit 0).
///
/// Existing files of those names are overwritten; other files are left alone.
///
/// # Errors
///
/// [`Error::InvalidRequest`] when a split is empty or does not have `kind`'s
/// image shape and number of classes, or CIFAR-10's training split has under
/// 5 images; [`Error::Io`] when a folder or file cannot be written.
///
/// ```
/// use gaaf_data::synthetic::{generate, write_splits, SyntheticSpec};
/// use gaaf_data::{DataDir, DatasetKind};
/// let tmp = tempfile::tempdir()?;
/// let dir = DataDir::new(tmp.path());
/// let splits = generate(DatasetKind::Mnist, &SyntheticSpec::new(40, 10, 5))?;
/// // A subset, as one might cut from the real data for a fixture.
/// let small = gaaf_data::Splits { train: splits.train.subset(8, 0)?, test: splits.test };
/// write_splits(&dir, DatasetKind::Mnist, &small)?;
/// assert_eq!(gaaf_data::load(&dir, DatasetKind::Mnist)?.train.len(), 8);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn write_splits(dir: &DataDir, kind: DatasetKind, splits: &Splits) -> Result<()> {
    let (channels, side, classes) = geometry(kind);
    for data in [&splits.train, &splits.test] {
        let (n, c, h, w) = data.images().dim();
        if n == 0 || (c, h, w) != (channels, side, side) || data.classes() != classes {
            return Err(Error::InvalidRequest(format!(
                "cannot write {} ({n} x {c} x {h} x {w}, {} classes) as {kind}: \
                 expected N x {channels} x {side} x {side} with N > 0 and {classes} classes",
                data.name(),
                data.classes()
            )));
        }
    }
    check_cifar10_train(kind, splits.train.len())?;
    let folder = dir.dataset_dir(kind);
    std::fs::create_dir_all(&folder).map_err(|source| Error::Io {
        path: folder.clone(),
        source,
    })?;
    match kind {
        DatasetKind::Mnist => {
            for (prefix, data) in [("train", &splits.train), ("t10k", &splits.test)] {
                let n = u32::try_from(data.len()).map_err(|_| {
                    Error::InvalidRequest(format!("{} images do not fit IDX", data.len()))
                })?;
                let side = side as u32;
                let images = idx_u8(&[n, side, side], &pixels(data))?;
                let labels = idx_u8(&[n], data.labels())?;
                for (what, bytes) in [("images-idx3", images), ("labels-idx1", labels)] {
                    let name = format!("{prefix}-{what}-ubyte");
                    remove_if_present(&folder.join(&name))?;
                    write_file(&folder.join(format!("{name}.gz")), &gzip(&bytes))?;
                }
            }
        }
        DatasetKind::Cifar10 => {
            let files = &crate::cifar::CIFAR10_FILES;
            let n = splits.train.len();
            for (j, name) in files[..5].iter().enumerate() {
                let range = j * n / 5..(j + 1) * n / 5;
                write_file(
                    &folder.join(name),
                    &cifar_bytes(&splits.train, range, false),
                )?;
            }
            let all = 0..splits.test.len();
            write_file(
                &folder.join(files[5]),
                &cifar_bytes(&splits.test, all, false),
            )?;
        }
        DatasetKind::Cifar100 => {
            let files = &crate::cifar::CIFAR100_FILES;
            for (name, data) in files.iter().zip([&splits.train, &splits.test]) {
                write_file(&folder.join(name), &cifar_bytes(data, 0..data.len(), true))?;
            }
        }
        DatasetKind::Svhn => {
            for (name, data) in crate::svhn::FILES.iter().zip([&splits.train, &splits.test]) {
                let labels: Vec<f64> = data
                    .labels()
                    .iter()
                    .map(|&d| if d == 0 { 10.0 } else { f64::from(d) })
                    .collect();
                let file = mat5(&svhn_vars(&pixels(data), &labels)?, true)?;
                write_file(&folder.join(name), &file)?;
            }
        }
    }
    Ok(())
}

/// The images' pixels, NCHW row-major.
fn pixels(data: &Dataset) -> Cow<'_, [u8]> {
    match data.images().as_slice() {
        Some(s) => Cow::Borrowed(s),
        None => Cow::Owned(data.images().iter().copied().collect()),
    }
}

/// CIFAR records of images `range`: the label byte(s), then the CHW pixels.
fn cifar_bytes(data: &Dataset, range: std::ops::Range<usize>, coarse: bool) -> Vec<u8> {
    let px = pixels(data);
    let size = crate::cifar::PIXELS;
    let mut out = Vec::with_capacity(range.len() * (size + 2));
    for i in range {
        let label = data.labels()[i];
        if coarse {
            out.push(label / 5);
        }
        out.push(label);
        out.extend_from_slice(&px[i * size..(i + 1) * size]);
    }
    out
}

fn write_file(path: &Path, bytes: &[u8]) -> Result<()> {
    std::fs::write(path, bytes).map_err(|source| Error::Io {
        path: path.to_owned(),
        source,
    })
}

fn remove_if_present(path: &Path) -> Result<()> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(Error::Io {
            path: path.to_owned(),
            source: e,
        }),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_are_checked() {
        for (kind, spec) in [
            (DatasetKind::Mnist, SyntheticSpec::new(0, 1, 0)),
            (DatasetKind::Svhn, SyntheticSpec::new(1, 0, 0)),
            (
                DatasetKind::Cifar100,
                SyntheticSpec::new(MAX_IMAGES + 1, 1, 0),
            ),
            (DatasetKind::Cifar10, SyntheticSpec::new(4, 1, 0)),
        ] {
            assert!(
                matches!(generate(kind, &spec), Err(Error::InvalidRequest(_))),
                "{kind} {spec:?}"
            );
        }
        assert!(generate(DatasetKind::Cifar10, &SyntheticSpec::new(5, 1, 0)).is_ok());
    }

    #[test]
    fn wrong_shape_is_refused() {
        let mnist = generate(DatasetKind::Mnist, &SyntheticSpec::new(5, 5, 0)).unwrap();
        let tmp = std::env::temp_dir().join("gaaf-synthetic-never-created");
        let err = write_splits(&DataDir::new(&tmp), DatasetKind::Svhn, &mnist).unwrap_err();
        assert!(matches!(err, Error::InvalidRequest(_)), "{err}");
        assert!(!tmp.exists());
    }

    #[test]
    fn pixels_stay_near_their_prototype() {
        let splits = generate(DatasetKind::Svhn, &SyntheticSpec::new(20, 1, 9)).unwrap();
        let protos = prototypes(&mut rng(9, STREAM_PROTOTYPES), 10, 3);
        for (img, &label) in splits
            .train
            .images()
            .outer_iter()
            .zip(splits.train.labels())
        {
            for ((c, r, w), &p) in img.indexed_iter() {
                let base = protos[usize::from(label)][(c * GRID + r / 8) * GRID + w / 8];
                assert!(u32::from(p).abs_diff(base) <= NOISE, "{c} {r} {w}");
            }
        }
    }
}
