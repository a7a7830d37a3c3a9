//! The IDX format of MNIST, raw or gzipped, as a checked parser.
//!
//! An IDX file is a 4-byte magic number (`0x00 0x00`, the element type, the
//! number of dimensions), one big-endian `u32` per dimension, then the elements
//! in row-major order. MNIST uses unsigned bytes (type `0x08`).
//!
//! Why not the `mnist` crate: `mnist` 0.6 reads only uncompressed files (the
//! published files are gzipped), asserts on malformed headers and indexes
//! without checks, so a corrupt file panics. This parser checks every header
//! field against the real content length and [`MAX_CONTENT_BYTES`] before it
//! allocates, and reports each problem as an [`Error`].

use crate::error::{Error, Result};
use crate::io::{
    content_reader, count_rest, is_gzip, read_exact_bounded, MAX_CONTENT_BYTES, MAX_INFLATE_RATIO,
};
use std::path::Path;

/// The element type code of unsigned bytes.
const TYPE_U8: u8 = 0x08;

/// A decoded IDX file of unsigned bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Idx {
    /// The dimensions, outermost first (for images: count, rows, columns).
    pub dims: Vec<usize>,
    /// The elements, row-major.
    pub data: Vec<u8>,
}

/// Decodes an IDX file of unsigned bytes with `ndims` dimensions from its bytes,
/// raw or gzip (recognised by its signature, not its name). `path` only names
/// the file in errors.
///
/// ```
/// let mut file = vec![0, 0, 8, 1, 0, 0, 0, 3];
/// file.extend([7, 8, 9]);
/// let idx = gaaf_data::idx::parse(&file, std::path::Path::new("labels"), 1)?;
/// assert_eq!(idx.dims, [3]);
/// assert_eq!(idx.data, [7, 8, 9]);
/// # Ok::<(), gaaf_data::Error>(())
/// ```
pub fn parse(bytes: &[u8], path: &Path, ndims: u8) -> Result<Idx> {
    let compressed = is_gzip(bytes);
    let mut reader = content_reader(bytes);
    let header_len = 4 + 4 * u64::from(ndims);
    let header = read_exact_bounded(&mut reader, header_len, header_len, path, compressed, 0)?;
    let expected_magic = [0, 0, TYPE_U8, ndims];
    if header[..4] != expected_magic {
        return Err(Error::BadMagic {
            path: path.to_owned(),
            expected: format!("0x{}", crate::hex(&expected_magic)),
            found: format!("0x{}", crate::hex(&header[..4])),
        });
    }
    let mut dims = Vec::with_capacity(usize::from(ndims));
    let mut len: u64 = 1;
    for chunk in header[4..].chunks_exact(4) {
        let d = u32::from_be_bytes([chunk[0], chunk[1], chunk[2], chunk[3]]);
        dims.push(d as usize);
        len = len.saturating_mul(u64::from(d));
    }
    if len > MAX_CONTENT_BYTES {
        return Err(Error::TooLarge {
            path: path.to_owned(),
            what: format!("the header (dimensions {dims:?})"),
            claimed: len,
            limit: MAX_CONTENT_BYTES,
        });
    }
    if !compressed {
        // The whole file is in memory: compare before copying anything.
        let actual = bytes.len() as u64 - header_len;
        if actual < len {
            return Err(Error::Truncated {
                path: path.to_owned(),
                expected: header_len + len,
                actual: bytes.len() as u64,
            });
        }
        if actual > len {
            return Err(Error::SizeMismatch {
                path: path.to_owned(),
                expected: len,
                actual,
            });
        }
        let data = bytes[header_len as usize..].to_vec();
        return Ok(Idx { dims, data });
    }
    let cap_hint = (bytes.len() as u64).saturating_mul(MAX_INFLATE_RATIO);
    let data = read_exact_bounded(&mut reader, len, cap_hint, path, true, header_len)?;
    let rest = count_rest(&mut reader, path, true)?;
    if rest > 0 {
        return Err(Error::SizeMismatch {
            path: path.to_owned(),
            expected: len,
            actual: len + rest,
        });
    }
    Ok(Idx { dims, data })
}

/// Reads and decodes an IDX file (see [`parse`]).
pub fn read(path: &Path, ndims: u8) -> Result<Idx> {
    let bytes = crate::io::read_file(path)?;
    parse(&bytes, path, ndims)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p() -> &'static Path {
        Path::new("t")
    }

    #[test]
    fn huge_header_is_refused_before_allocating() {
        let file = [
            0, 0, 8, 3, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 2,
        ];
        assert!(matches!(parse(&file, p(), 3), Err(Error::TooLarge { .. })));
    }

    #[test]
    fn length_must_match_header() {
        let short = [0, 0, 8, 1, 0, 0, 0, 4, 1, 2];
        assert!(matches!(
            parse(&short, p(), 1),
            Err(Error::Truncated { .. })
        ));
        let long = [0, 0, 8, 1, 0, 0, 0, 1, 1, 2];
        assert!(matches!(
            parse(&long, p(), 1),
            Err(Error::SizeMismatch { .. })
        ));
        let magic = [0, 0, 9, 1, 0, 0, 0, 1, 1];
        assert!(matches!(parse(&magic, p(), 1), Err(Error::BadMagic { .. })));
    }
}
