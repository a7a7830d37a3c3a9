//! Encoders for the published formats: IDX, gzip and MATLAB 5, the byte-level
//! half of [`crate::synthetic`].
//!
//! They write what they are given without checking it against the format's
//! meaning (an IDX header may disagree with its data, a MATLAB variable's
//! dimensions with its values), because the crate's own tests use them to make
//! malformed files as well as valid ones. They refuse only what the format
//! cannot express at all, such as a length over `u32::MAX`. The high-level
//! [`write`](super::write) and [`write_splits`](super::write_splits) only
//! produce consistent files.

use crate::error::{Error, Result};
use flate2::write::{GzEncoder, ZlibEncoder};
use flate2::Compression;
use std::io::Write;

/// MATLAB array class `mxDOUBLE_CLASS`, for [`MatVar::class`].
pub const MX_DOUBLE: u8 = 6;
/// MATLAB array class `mxUINT8_CLASS`, for [`MatVar::class`].
pub const MX_UINT8: u8 = 9;
/// MATLAB data type `miUINT8`, for [`MatVar::data_type`].
pub const MI_UINT8: u32 = 2;
/// MATLAB data type `miDOUBLE`, for [`MatVar::data_type`].
pub const MI_DOUBLE: u32 = 9;

const MI_INT8: u32 = 1;
const MI_INT32: u32 = 5;
const MI_UINT32: u32 = 6;
const MI_MATRIX: u32 = 14;
const MI_COMPRESSED: u32 = 15;

/// An IDX file of unsigned bytes (type code `0x08`): the magic number, one
/// big-endian `u32` per dimension, then `data` as given.
///
/// `data` is not checked against `dims`, so that tests can write files whose
/// header lies; MNIST images are `[n, 28, 28]`, labels `[n]`.
///
/// # Errors
///
/// [`Error::InvalidRequest`] for more than 255 dimensions, which the one-byte
/// dimension count cannot express.
///
/// ```
/// use gaaf_data::synthetic::idx_u8;
/// let bytes = idx_u8(&[2], &[7, 9])?;
/// assert_eq!(bytes, [0, 0, 8, 1, 0, 0, 0, 2, 7, 9]);
/// let parsed = gaaf_data::idx::parse(&bytes, std::path::Path::new("labels"), 1)?;
/// assert_eq!(parsed.data, [7, 9]);
/// # Ok::<(), gaaf_data::Error>(())
/// ```
pub fn idx_u8(dims: &[u32], data: &[u8]) -> Result<Vec<u8>> {
    let ndims = u8::try_from(dims.len()).map_err(|_| {
        Error::InvalidRequest(format!(
            "an IDX file has at most 255 dimensions, not {}",
            dims.len()
        ))
    })?;
    let mut out = Vec::with_capacity(4 + 4 * dims.len() + data.len());
    out.extend([0, 0, 0x08, ndims]);
    for d in dims {
        out.extend(d.to_be_bytes());
    }
    out.extend_from_slice(data);
    Ok(out)
}

/// The gzip stream of `bytes`, as MNIST's `.gz` files are.
///
/// ```
/// use gaaf_data::synthetic::{gzip, idx_u8};
/// let file = gzip(&idx_u8(&[1], &[3])?);
/// assert_eq!(&file[..2], [0x1f, 0x8b]);
/// let parsed = gaaf_data::idx::parse(&file, std::path::Path::new("l.gz"), 1)?;
/// assert_eq!(parsed.data, [3]);
/// # Ok::<(), gaaf_data::Error>(())
/// ```
pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut e = GzEncoder::new(Vec::with_capacity(bytes.len() / 2), Compression::fast());
    // Writing into a Vec cannot fail: these errors can only come from the sink.
    e.write_all(bytes).expect("writing to a Vec cannot fail");
    e.finish().expect("writing to a Vec cannot fail")
}

/// One variable of a MATLAB 5 file for [`mat5`]: a real, full numeric array.
///
/// The fields are written as they are; [`MatVar::uint8`] and
/// [`MatVar::double`] build consistent variables.
#[derive(Debug, Clone, PartialEq)]
pub struct MatVar<'a> {
    /// The variable's name, e.g. `X`.
    pub name: &'a str,
    /// The MATLAB array class, e.g. [`MX_UINT8`] or [`MX_DOUBLE`].
    pub class: u8,
    /// The dimensions, as MATLAB stores them (column-major order of values).
    pub dims: Vec<i32>,
    /// The data element's type, e.g. [`MI_UINT8`] or [`MI_DOUBLE`].
    pub data_type: u32,
    /// The data element's bytes, little-endian.
    pub data: Vec<u8>,
}

impl<'a> MatVar<'a> {
    /// A `uint8` array stored as `miUINT8`; `data` is column-major.
    ///
    /// ```
    /// use gaaf_data::synthetic::{mat5, MatVar};
    /// let file = mat5(&[MatVar::uint8("X", vec![1, 2], vec![4, 5])], false)?;
    /// let vars = gaaf_data::mat::parse(&file, std::path::Path::new("x.mat"), &["X"])?;
    /// assert_eq!(vars[0].dims, [1, 2]);
    /// # Ok::<(), gaaf_data::Error>(())
    /// ```
    pub fn uint8(name: &'a str, dims: Vec<i32>, data: Vec<u8>) -> Self {
        Self {
            name,
            class: MX_UINT8,
            dims,
            data_type: MI_UINT8,
            data,
        }
    }

    /// A `double` array stored as `miDOUBLE`; `values` are column-major.
    ///
    /// ```
    /// use gaaf_data::mat::MatData;
    /// use gaaf_data::synthetic::{mat5, MatVar};
    /// let file = mat5(&[MatVar::double("y", vec![2, 1], &[1.0, 10.0])], true)?;
    /// let vars = gaaf_data::mat::parse(&file, std::path::Path::new("y.mat"), &["y"])?;
    /// assert_eq!(vars[0].data, MatData::F64(vec![1.0, 10.0]));
    /// # Ok::<(), gaaf_data::Error>(())
    /// ```
    pub fn double(name: &'a str, dims: Vec<i32>, values: &[f64]) -> Self {
        Self {
            name,
            class: MX_DOUBLE,
            dims,
            data_type: MI_DOUBLE,
            data: values.iter().flat_map(|v| v.to_le_bytes()).collect(),
        }
    }
}

/// A little-endian MATLAB 5 MAT-file holding `vars` in order, each as a plain
/// `miMATRIX` element or, when `compress`, zlib-compressed in an
/// `miCOMPRESSED` element (as MATLAB's `save -v7` and SciPy's
/// `savemat(do_compression=True)` write them).
///
/// # Errors
///
/// [`Error::InvalidRequest`] when a variable's name, dimensions or data are
/// longer than a MATLAB 5 element can hold (`u32::MAX` bytes).
///
/// ```
/// use gaaf_data::synthetic::{mat5, MatVar};
/// let file = mat5(&[MatVar::uint8("a", vec![1, 1], vec![42])], false)?;
/// assert!(file.starts_with(b"MATLAB 5.0 MAT-file"));
/// assert_eq!(&file[126..128], b"IM");
/// # Ok::<(), gaaf_data::Error>(())
/// ```
pub fn mat5(vars: &[MatVar<'_>], compress: bool) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    let mut text = b"MATLAB 5.0 MAT-file, written by gaaf-data".to_vec();
    text.resize(116, b' ');
    out.extend(text);
    // No subsystem data; version 0x0100; little-endian ("IM" read as u16).
    out.extend([0u8; 8]);
    out.extend(0x0100u16.to_le_bytes());
    out.extend(b"IM");
    for v in vars {
        let matrix = matrix_element(v)?;
        if compress {
            let mut z = ZlibEncoder::new(Vec::new(), Compression::default());
            // Writing into a Vec cannot fail: these errors can only come from the sink.
            z.write_all(&matrix).expect("writing to a Vec cannot fail");
            let body = z.finish().expect("writing to a Vec cannot fail");
            out.extend(MI_COMPRESSED.to_le_bytes());
            out.extend(len_u32(body.len(), v.name)?.to_le_bytes());
            out.extend(body);
        } else {
            out.extend(matrix);
        }
    }
    Ok(out)
}

fn len_u32(len: usize, name: &str) -> Result<u32> {
    u32::try_from(len).map_err(|_| {
        Error::InvalidRequest(format!(
            "MATLAB variable `{name}`: {len} bytes do not fit a MATLAB 5 element"
        ))
    })
}

/// Appends a sub-element (tag, data, padding to 8 bytes).
fn sub(out: &mut Vec<u8>, ty: u32, data: &[u8], name: &str) -> Result<()> {
    out.extend(ty.to_le_bytes());
    out.extend(len_u32(data.len(), name)?.to_le_bytes());
    out.extend_from_slice(data);
    out.resize(out.len().next_multiple_of(8), 0);
    Ok(())
}

fn matrix_element(v: &MatVar<'_>) -> Result<Vec<u8>> {
    let mut body = Vec::with_capacity(64 + v.name.len() + 4 * v.dims.len() + v.data.len());
    // Array flags: the class in the low byte, no complex/global/logical bits.
    let flags = [v.class, 0, 0, 0, 0, 0, 0, 0];
    sub(&mut body, MI_UINT32, &flags, v.name)?;
    let dims: Vec<u8> = v.dims.iter().flat_map(|d| d.to_le_bytes()).collect();
    sub(&mut body, MI_INT32, &dims, v.name)?;
    sub(&mut body, MI_INT8, v.name.as_bytes(), v.name)?;
    sub(&mut body, v.data_type, &v.data, v.name)?;
    let mut out = Vec::with_capacity(8 + body.len());
    out.extend(MI_MATRIX.to_le_bytes());
    out.extend(len_u32(body.len(), v.name)?.to_le_bytes());
    out.extend(body);
    Ok(out)
}

/// SVHN's two variables for `labels.len()` images: `X`, uint8
/// `[32, 32, 3, n]` column-major (row, column, channel, image), from `images`
/// in NCHW order (`n x 3 x 32 x 32`, row-major, as [`crate::Dataset`] holds
/// them), and `y`, double `[n, 1]`, the labels as given.
///
/// The published files label digit `d` as `d` for 1..=9 and 0 as 10; the
/// labels are written unchanged so that tests can also write invalid ones.
///
/// # Errors
///
/// [`Error::InvalidRequest`] when `images` does not hold 3072 bytes per label
/// or there are more images than MATLAB's `i32` dimensions can count.
///
/// ```
/// use gaaf_data::synthetic::{mat5, svhn_vars};
/// let file = mat5(&svhn_vars(&[0; 2 * 3072], &[10.0, 1.0])?, true)?;
/// let data = gaaf_data::svhn::parse(&file, std::path::Path::new("t.mat"), "t")?;
/// assert_eq!(data.labels(), [0, 1]);
/// # Ok::<(), gaaf_data::Error>(())
/// ```
pub fn svhn_vars(images: &[u8], labels: &[f64]) -> Result<Vec<MatVar<'static>>> {
    const SIDE: usize = crate::svhn::SIDE;
    const PLANE: usize = SIDE * SIDE;
    let n = labels.len();
    if Some(images.len()) != n.checked_mul(3 * PLANE) {
        return Err(Error::InvalidRequest(format!(
            "SVHN: {} image bytes for {n} labels: expected {} per image",
            images.len(),
            3 * PLANE
        )));
    }
    let n_i32 = i32::try_from(n).map_err(|_| {
        Error::InvalidRequest(format!("SVHN: {n} images do not fit a MATLAB dimension"))
    })?;
    let mut x = vec![0u8; images.len()];
    for (i, img) in images.chunks_exact(3 * PLANE).enumerate() {
        for (c, chan) in img.chunks_exact(PLANE).enumerate() {
            for (r, row) in chan.chunks_exact(SIDE).enumerate() {
                for (w, &p) in row.iter().enumerate() {
                    x[r + SIDE * w + PLANE * c + 3 * PLANE * i] = p;
                }
            }
        }
    }
    Ok(vec![
        MatVar::uint8("X", vec![32, 32, 3, n_i32], x),
        MatVar::double("y", vec![n_i32, 1], labels),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn too_many_dims_is_an_error() {
        assert!(matches!(
            idx_u8(&[1; 256], &[]),
            Err(Error::InvalidRequest(_))
        ));
        assert!(idx_u8(&[1; 255], &[]).is_ok());
    }

    #[test]
    fn svhn_vars_checks_the_image_bytes() {
        assert!(matches!(
            svhn_vars(&[0; 3071], &[1.0]),
            Err(Error::InvalidRequest(_))
        ));
    }

    #[test]
    fn mat5_pads_every_sub_element() {
        let file = mat5(&[MatVar::uint8("abc", vec![1, 3], vec![1, 2, 3])], false).unwrap();
        // Header, then tag (8), flags (16), dims (16), name (16), data (16).
        assert_eq!(file.len(), 128 + 8 + 4 * 16);
    }
}
