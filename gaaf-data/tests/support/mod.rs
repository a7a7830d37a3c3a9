//! The tests' fixed pixel pattern, and files built from it with the encoders
//! of `gaaf_data::synthetic` (unwrapped here: a failure is a test bug).
//!
//! The pattern, unlike the synthetic generator's, gives every pixel a value
//! the tests can predict from its position, so that they can check where each
//! byte of a file lands in the loaded images.
// Each test file uses a different part of the support code.
#![allow(dead_code, unused_imports)]

use gaaf_data::synthetic;
use std::path::Path;

pub(crate) use gaaf_data::synthetic::{gzip, MatVar};

/// An IDX file of unsigned bytes.
pub(crate) fn idx(dims: &[u32], data: &[u8]) -> Vec<u8> {
    synthetic::idx_u8(dims, data).unwrap()
}

/// The pixel the tests put at (image n, channel c, row r, column w).
pub(crate) fn pixel(n: usize, c: usize, r: usize, w: usize) -> u8 {
    ((n * 31 + c * 17 + r * 5 + w * 3) % 256) as u8
}

/// Image `n` of the pattern: `channels x side x side` bytes, CHW.
fn image(n: usize, channels: usize, side: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(channels * side * side);
    for c in 0..channels {
        for r in 0..side {
            for w in 0..side {
                out.push(pixel(n, c, r, w));
            }
        }
    }
    out
}

/// MNIST images and labels of `n` records, as IDX bytes.
pub(crate) fn mnist_split(n: usize, label: impl Fn(usize) -> u8) -> (Vec<u8>, Vec<u8>) {
    let px: Vec<u8> = (0..n).flat_map(|i| image(i, 1, 28)).collect();
    let labels: Vec<u8> = (0..n).map(label).collect();
    (idx(&[n as u32, 28, 28], &px), idx(&[n as u32], &labels))
}

/// Writes the four MNIST files (gzipped when `gz`) into `dir/mnist`.
pub(crate) fn write_mnist(dir: &Path, n_train: usize, n_test: usize, gz: bool) {
    let folder = dir.join("mnist");
    std::fs::create_dir_all(&folder).unwrap();
    for (prefix, n) in [("train", n_train), ("t10k", n_test)] {
        let (images, labels) = mnist_split(n, |i| (i % 10) as u8);
        for (kind, bytes) in [("images-idx3", images), ("labels-idx1", labels)] {
            let name = format!("{prefix}-{kind}-ubyte");
            if gz {
                std::fs::write(folder.join(format!("{name}.gz")), gzip(&bytes)).unwrap();
            } else {
                std::fs::write(folder.join(name), bytes).unwrap();
            }
        }
    }
}

/// One CIFAR record: label bytes then 3072 CHW pixels of image `n`.
pub(crate) fn cifar_record(labels: &[u8], n: usize) -> Vec<u8> {
    [labels, &image(n, 3, 32)].concat()
}

/// A MATLAB 5 file holding `vars`, each plain or zlib-compressed.
pub(crate) fn mat5(vars: &[MatVar<'_>], compress: bool) -> Vec<u8> {
    synthetic::mat5(vars, compress).unwrap()
}

/// SVHN `X` (uint8 [32, 32, 3, n], column-major, from [`pixel`]) and `y`
/// (double [n, 1]) for the given labels (1..=10).
pub(crate) fn svhn_vars(labels: &[f64]) -> Vec<MatVar<'static>> {
    let images: Vec<u8> = (0..labels.len()).flat_map(|i| image(i, 3, 32)).collect();
    synthetic::svhn_vars(&images, labels).unwrap()
}
