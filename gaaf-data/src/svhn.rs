//! SVHN cropped digits from `train_32x32.mat`, `test_32x32.mat` and the
//! optional `extra_32x32.mat` in `<data>/svhn/`.
//!
//! Each file is a MATLAB 5 file (read by [`crate::mat`]) with `X`, uint8
//! `[32, 32, 3, N]` column-major (row, column, channel, image), and `y`,
//! `[N, 1]` of any numeric type, where label 10 stands for digit 0. Labels are
//! mapped to `0..=9`, so that label `k` means digit `k`.
//!
//! The published MD5s of the three files (from the SVHN page, as also listed
//! by torchvision) are in [`MD5`].

use crate::dataset::{Dataset, Splits};
use crate::dir::{find_file, DataDir, DatasetKind};
use crate::error::{Error, Result};
use crate::mat::{self, MatArray, MatData};
use ndarray::Array4;
use std::path::Path;

/// The required files.
pub const FILES: [&str; 2] = crate::dir::SVHN_FILES;
/// The optional extra training file.
pub const EXTRA_FILE: &str = "extra_32x32.mat";

/// Published MD5 of each file, from the SVHN page.
pub const MD5: [(&str, &str); 3] = [
    ("train_32x32.mat", "e26dedcc434d2e4c54c9b2d4a06d8373"),
    ("test_32x32.mat", "eb5a983be6a315427106f1b164d9cef3"),
    ("extra_32x32.mat", "a93ce644f1a588dc4d68dda5feec44a7"),
];

/// Image side length.
pub const SIDE: usize = 32;
/// Number of classes (digits).
pub const CLASSES: usize = 10;

/// Loads the training and test splits from `<dir>/svhn/`.
pub fn load(dir: &DataDir) -> Result<Splits> {
    let folder = dir.dataset_dir(DatasetKind::Svhn);
    let train = find_file(&folder, FILES[0], false, DatasetKind::Svhn)?;
    let test = find_file(&folder, FILES[1], false, DatasetKind::Svhn)?;
    Ok(Splits {
        train: load_file(&train, "svhn/train")?,
        test: load_file(&test, "svhn/test")?,
    })
}

/// Loads the optional extra split from `<dir>/svhn/extra_32x32.mat`.
pub fn load_extra(dir: &DataDir) -> Result<Dataset> {
    let folder = dir.dataset_dir(DatasetKind::Svhn);
    let path = folder.join(EXTRA_FILE);
    if !path.is_file() {
        return Err(Error::MissingFile {
            hint: format!(
                "run `cargo xtask data fetch --dataset svhn` or put {EXTRA_FILE} in {}",
                folder.display()
            ),
            path,
        });
    }
    load_file(&path, "svhn/extra")
}

/// Reads one SVHN MATLAB file.
pub fn load_file(path: &Path, name: &str) -> Result<Dataset> {
    let bytes = crate::io::read_file(path)?;
    parse(&bytes, path, name)
}

/// Decodes one SVHN MATLAB file from its bytes; `path` only names it in errors.
pub fn parse(bytes: &[u8], path: &Path, name: &str) -> Result<Dataset> {
    let vars = mat::parse(bytes, path, &["X", "y"])?;
    let x = take(&vars, "X", path, "uint8 [32, 32, 3, N]")?;
    let y = take(&vars, "y", path, "[N, 1] numeric labels 1..=10")?;

    let n = match x.dims.as_slice() {
        [SIDE, SIDE, 3, n] => *n,
        [SIDE, SIDE, 3] => 1,
        _ => {
            return Err(Error::MatWrongShape {
                path: path.to_owned(),
                name: "X".into(),
                expected: "uint8 [32, 32, 3, N]".into(),
                found: format!("{:?}", x.dims),
            })
        }
    };
    let MatData::U8(pixels) = &x.data else {
        return Err(Error::MatWrongShape {
            path: path.to_owned(),
            name: "X".into(),
            expected: "uint8 [32, 32, 3, N]".into(),
            found: format!("MATLAB class {} {:?}", x.class, x.dims),
        });
    };
    let y_ok = matches!(y.dims.as_slice(), [a, 1] | [1, a] if *a == n);
    if !y_ok {
        return Err(Error::MatWrongShape {
            path: path.to_owned(),
            name: "y".into(),
            expected: format!("[{n}, 1] (one label per image of X)"),
            found: format!("{:?}", y.dims),
        });
    }
    let mut labels = Vec::with_capacity(n);
    for i in 0..n {
        let v = match &y.data {
            MatData::U8(v) => f64::from(v[i]),
            MatData::F64(v) => v[i],
        };
        if !(1.0..=10.0).contains(&v) || v.fract() != 0.0 {
            return Err(Error::LabelOutOfRange {
                path: path.to_owned(),
                index: i,
                label: v,
                expected: "1..=10 (10 means digit 0)".into(),
            });
        }
        labels.push((v as u8) % 10);
    }
    let images = Array4::from_shape_vec((n, 3, SIDE, SIDE), to_nchw(pixels, n))
        .expect("X's dimensions were checked");
    Dataset::new(name, images, labels, CLASSES)
}

fn take<'a>(vars: &'a [MatArray], name: &str, path: &Path, expected: &str) -> Result<&'a MatArray> {
    vars.iter()
        .find(|v| v.name == name)
        .ok_or_else(|| Error::MatMissingVariable {
            path: path.to_owned(),
            name: name.into(),
            expected: expected.into(),
        })
}

/// Column-major (row, column, channel, image) to NCHW row-major.
fn to_nchw(x: &[u8], n: usize) -> Vec<u8> {
    let plane = SIDE * SIDE;
    let mut out = Vec::with_capacity(x.len());
    for img in x.chunks_exact(3 * plane).take(n) {
        for chan in img.chunks_exact(plane) {
            for row in 0..SIDE {
                out.extend((0..SIDE).map(|col| chan[row + SIDE * col]));
            }
        }
    }
    out
}
