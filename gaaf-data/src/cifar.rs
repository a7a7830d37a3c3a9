//! CIFAR-10 and CIFAR-100, binary versions, as a checked parser.
//!
//! Each record is the label byte(s) followed by 3072 pixel bytes: the 1024
//! red values of the 32 x 32 image row by row, then green, then blue, which is
//! already CHW. CIFAR-10 records have one label byte; CIFAR-100 records have a
//! coarse and a fine label byte. The files have no header: a file is valid when
//! its length is a positive multiple of the record size.
//!
//! Why not the `cifar-ten` crate: 0.6 reads CIFAR-10 only, panics on short or
//! odd-sized files (unchecked indexing) and checks no label; this parser is
//! about as long as the code needed to validate its input would be.
//!
//! Published checksums (the tarballs' MD5s, from the CIFAR page) are used by
//! the `fetch` feature.

use crate::dataset::{Dataset, Splits};
use crate::dir::{find_file, DataDir, DatasetKind};
use crate::error::{Error, Result};
use ndarray::Array4;
use std::path::Path;

/// CIFAR-10's files in `cifar-10-batches-bin/`.
pub const CIFAR10_FILES: [&str; 6] = crate::dir::CIFAR10_FILES;

/// CIFAR-100's files in `cifar-100-binary/`.
pub const CIFAR100_FILES: [&str; 2] = crate::dir::CIFAR100_FILES;

/// Image side length.
pub const SIDE: usize = 32;
/// Pixel bytes per record.
pub const PIXELS: usize = 3 * SIDE * SIDE;

/// Which CIFAR-100 label to use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Cifar100Labels {
    /// The 100 fine classes (the default).
    #[default]
    Fine,
    /// The 20 coarse superclasses.
    Coarse,
}

/// The record layout of one CIFAR binary variant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Layout {
    /// CIFAR-10: one label byte (0..=9).
    Cifar10,
    /// CIFAR-100: coarse (0..=19) and fine (0..=99) label bytes.
    Cifar100(Cifar100Labels),
}

impl Layout {
    fn label_bytes(self) -> usize {
        match self {
            Self::Cifar10 => 1,
            Self::Cifar100(_) => 2,
        }
    }

    /// The number of classes of the chosen label.
    pub fn classes(self) -> usize {
        match self {
            Self::Cifar10 => 10,
            Self::Cifar100(Cifar100Labels::Fine) => 100,
            Self::Cifar100(Cifar100Labels::Coarse) => 20,
        }
    }
}

/// Decoded records: pixels (CHW per record, concatenated) and the chosen labels.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Records {
    /// `PIXELS` bytes per record.
    pub pixels: Vec<u8>,
    /// One label per record.
    pub labels: Vec<u8>,
}

/// Decodes a CIFAR binary file from its bytes; `path` only names it in errors.
///
/// Both labels of a CIFAR-100 record are checked, whichever is kept.
///
/// ```
/// use gaaf_data::cifar::{parse, Layout};
/// let mut file = vec![7u8];
/// file.extend([0u8; 3072]);
/// let records = parse(&file, std::path::Path::new("batch"), Layout::Cifar10)?;
/// assert_eq!(records.labels, [7]);
/// # Ok::<(), gaaf_data::Error>(())
/// ```
pub fn parse(bytes: &[u8], path: &Path, layout: Layout) -> Result<Records> {
    let record = layout.label_bytes() + PIXELS;
    if bytes.is_empty() || bytes.len() % record != 0 {
        let whole = bytes.len() / record;
        return Err(Error::Truncated {
            path: path.to_owned(),
            expected: ((whole + 1) * record) as u64,
            actual: bytes.len() as u64,
        });
    }
    let n = bytes.len() / record;
    let mut pixels = Vec::with_capacity(n * PIXELS);
    let mut labels = Vec::with_capacity(n);
    for (i, rec) in bytes.chunks_exact(record).enumerate() {
        let (head, px) = rec.split_at(layout.label_bytes());
        let label = match layout {
            Layout::Cifar10 => {
                check_label(path, i, head[0], 10)?;
                head[0]
            }
            Layout::Cifar100(which) => {
                check_label(path, i, head[0], 20)?;
                check_label(path, i, head[1], 100)?;
                match which {
                    Cifar100Labels::Fine => head[1],
                    Cifar100Labels::Coarse => head[0],
                }
            }
        };
        labels.push(label);
        pixels.extend_from_slice(px);
    }
    Ok(Records { pixels, labels })
}

fn check_label(path: &Path, index: usize, label: u8, classes: u8) -> Result<()> {
    if label < classes {
        Ok(())
    } else {
        Err(Error::LabelOutOfRange {
            path: path.to_owned(),
            index,
            label: f64::from(label),
            expected: format!("0..={}", classes - 1),
        })
    }
}

/// Loads CIFAR-10 from `<dir>/cifar-10-batches-bin/`: the five training batches
/// in order, and the test batch.
pub fn load_cifar10(dir: &DataDir) -> Result<Splits> {
    let folder = dir.dataset_dir(DatasetKind::Cifar10);
    let kind = DatasetKind::Cifar10;
    let paths = CIFAR10_FILES
        .iter()
        .map(|f| find_file(&folder, f, false, kind))
        .collect::<Result<Vec<_>>>()?;
    let (train_paths, test_path) = paths.split_at(5);
    Ok(Splits {
        train: load_files(train_paths, Layout::Cifar10, "cifar10/train")?,
        test: load_files(test_path, Layout::Cifar10, "cifar10/test")?,
    })
}

/// Loads CIFAR-100 from `<dir>/cifar-100-binary/` with fine or coarse labels.
pub fn load_cifar100(dir: &DataDir, labels: Cifar100Labels) -> Result<Splits> {
    let folder = dir.dataset_dir(DatasetKind::Cifar100);
    let kind = DatasetKind::Cifar100;
    let train = find_file(&folder, CIFAR100_FILES[0], false, kind)?;
    let test = find_file(&folder, CIFAR100_FILES[1], false, kind)?;
    let layout = Layout::Cifar100(labels);
    Ok(Splits {
        train: load_files(&[train], layout, "cifar100/train")?,
        test: load_files(&[test], layout, "cifar100/test")?,
    })
}

/// Reads and concatenates CIFAR binary files into one dataset.
pub fn load_files(paths: &[impl AsRef<Path>], layout: Layout, name: &str) -> Result<Dataset> {
    let mut pixels = Vec::new();
    let mut labels = Vec::new();
    for path in paths {
        let path = path.as_ref();
        let bytes = crate::io::read_file(path)?;
        let mut records = parse(&bytes, path, layout)?;
        drop(bytes);
        pixels.append(&mut records.pixels);
        labels.append(&mut records.labels);
    }
    let images = Array4::from_shape_vec((labels.len(), 3, SIDE, SIDE), pixels)
        .expect("parse yields PIXELS bytes per label");
    Dataset::new(name, images, labels, layout.classes())
}
