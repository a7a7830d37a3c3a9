//! Writers for the published formats, used to make small test files.
#![allow(dead_code)] // Each test file uses a different part of the support code.

use flate2::write::{GzEncoder, ZlibEncoder};
use flate2::Compression;
use std::io::Write;
use std::path::Path;

/// An IDX file of unsigned bytes.
pub(crate) fn idx(dims: &[u32], data: &[u8]) -> Vec<u8> {
    let mut out = vec![0, 0, 8, dims.len() as u8];
    for d in dims {
        out.extend(d.to_be_bytes());
    }
    out.extend(data);
    out
}

/// Gzip of `bytes`.
pub(crate) fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut e = GzEncoder::new(Vec::new(), Compression::fast());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

/// The pixel the tests put at (image n, channel c, row r, column w).
pub(crate) fn pixel(n: usize, c: usize, r: usize, w: usize) -> u8 {
    ((n * 31 + c * 17 + r * 5 + w * 3) % 256) as u8
}

/// MNIST images and labels of `n` records, as IDX bytes.
pub(crate) fn mnist_split(n: usize, label: impl Fn(usize) -> u8) -> (Vec<u8>, Vec<u8>) {
    let mut px = Vec::new();
    for i in 0..n {
        for r in 0..28 {
            for w in 0..28 {
                px.push(pixel(i, 0, r, w));
            }
        }
    }
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
    let mut out = labels.to_vec();
    for c in 0..3 {
        for r in 0..32 {
            for w in 0..32 {
                out.push(pixel(n, c, r, w));
            }
        }
    }
    out
}

/// A MATLAB 5 file holding `vars`, each plain or zlib-compressed.
pub(crate) fn mat5(vars: &[MatVar], compress: bool) -> Vec<u8> {
    let mut out = Vec::new();
    let mut text = b"MATLAB 5.0 MAT-file, written by gaaf-data tests".to_vec();
    text.resize(116, b' ');
    out.extend(text);
    out.extend([0u8; 8]);
    out.extend(0x0100u16.to_le_bytes());
    out.extend(b"IM");
    for v in vars {
        let matrix = matrix_element(v);
        if compress {
            let mut z = ZlibEncoder::new(Vec::new(), Compression::default());
            z.write_all(&matrix).unwrap();
            let body = z.finish().unwrap();
            out.extend(15u32.to_le_bytes());
            out.extend((body.len() as u32).to_le_bytes());
            out.extend(body);
        } else {
            out.extend(matrix);
        }
    }
    out
}

/// A variable for [`mat5`].
pub(crate) struct MatVar {
    pub(crate) name: &'static str,
    /// MATLAB class: 6 double, 9 uint8.
    pub(crate) class: u8,
    pub(crate) dims: Vec<i32>,
    /// Data element type (2 miUINT8, 9 miDOUBLE) and bytes.
    pub(crate) data_type: u32,
    pub(crate) data: Vec<u8>,
}

fn sub(out: &mut Vec<u8>, ty: u32, data: &[u8]) {
    out.extend(ty.to_le_bytes());
    out.extend((data.len() as u32).to_le_bytes());
    out.extend(data);
    while out.len() % 8 != 0 {
        out.push(0);
    }
}

fn matrix_element(v: &MatVar) -> Vec<u8> {
    let mut body = Vec::new();
    let mut flags = vec![v.class, 0, 0, 0];
    flags.extend([0u8; 4]);
    sub(&mut body, 6, &flags);
    let dims: Vec<u8> = v.dims.iter().flat_map(|d| d.to_le_bytes()).collect();
    sub(&mut body, 5, &dims);
    sub(&mut body, 1, v.name.as_bytes());
    sub(&mut body, v.data_type, &v.data);
    let mut out = Vec::new();
    out.extend(14u32.to_le_bytes());
    out.extend((body.len() as u32).to_le_bytes());
    out.extend(body);
    out
}

/// SVHN `X` (uint8 [32, 32, 3, n], column-major, from [`pixel`]) and `y`
/// (double [n, 1]) for the given labels (1..=10).
pub(crate) fn svhn_vars(labels: &[f64]) -> Vec<MatVar> {
    let n = labels.len();
    let mut x = vec![0u8; 3072 * n];
    for i in 0..n {
        for c in 0..3 {
            for r in 0..32 {
                for w in 0..32 {
                    x[r + 32 * w + 1024 * c + 3072 * i] = pixel(i, c, r, w);
                }
            }
        }
    }
    vec![
        MatVar {
            name: "X",
            class: 9,
            dims: vec![32, 32, 3, n as i32],
            data_type: 2,
            data: x,
        },
        MatVar {
            name: "y",
            class: 6,
            dims: vec![n as i32, 1],
            data_type: 9,
            data: labels.iter().flat_map(|l| l.to_le_bytes()).collect(),
        },
    ]
}
