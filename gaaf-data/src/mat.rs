//! A checked reader for the subset of MATLAB 5 MAT-files that SVHN uses:
//! numeric, real, full arrays, stored plain (`miMATRIX`) or zlib-compressed
//! (`miCOMPRESSED`), in either byte order.
//!
//! Why not the `matfile` crate: it parses the whole file eagerly through `nom`
//! and sizes buffers from the dimensions the file claims, so a hostile header
//! can make it allocate without bound, and it has no distinct answer for v7.3
//! (HDF5) files. The subset needed here is small enough to read with every
//! size checked: a sub-element may not overrun its matrix, a matrix may not
//! overrun the file, a compressed matrix may not claim more than DEFLATE can
//! expand to (1032:1) nor more than [`MAX_CONTENT_BYTES`], and buffers grow
//! only with data that really arrives.
//!
//! Only the variables asked for are decoded; for compressed variables the
//! decompression stops after the name when the name is not wanted.

use crate::error::{Error, Result};
use crate::io::{read_exact_bounded, MAX_CONTENT_BYTES, MAX_INFLATE_RATIO};
use flate2::read::ZlibDecoder;
use std::io::Read;
use std::path::Path;

const HDF5_SIGNATURE: &[u8; 8] = b"\x89HDF\r\n\x1a\n";
const MI_INT8: u32 = 1;
const MI_UINT8: u32 = 2;
const MI_INT32: u32 = 5;
const MI_UINT32: u32 = 6;
const MI_MATRIX: u32 = 14;
const MI_COMPRESSED: u32 = 15;
const MI_UTF8: u32 = 16;
/// The numeric array classes: mxDOUBLE_CLASS (6) through mxUINT64_CLASS (15).
const NUMERIC_CLASSES: std::ops::RangeInclusive<u8> = 6..=15;
const MAX_DIMS: u64 = 32;
const MAX_NAME: u64 = 256;

/// A variable's values.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum MatData {
    /// Stored as `miUINT8`: the bytes as they are.
    U8(Vec<u8>),
    /// Any other numeric storage type, converted to `f64`.
    F64(Vec<f64>),
}

impl MatData {
    /// The number of values.
    pub fn len(&self) -> usize {
        match self {
            Self::U8(v) => v.len(),
            Self::F64(v) => v.len(),
        }
    }

    /// Whether there are no values.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// One numeric variable: column-major values with MATLAB's dimensions.
#[derive(Debug, Clone, PartialEq)]
pub struct MatArray {
    /// The variable's name.
    pub name: String,
    /// The MATLAB class: 6 double, 7 single, 8 int8, 9 uint8, ... 15 uint64.
    pub class: u8,
    /// The dimensions, as MATLAB reports them.
    pub dims: Vec<usize>,
    /// The values, column-major.
    pub data: MatData,
}

/// Reads the variables named in `wanted` from the bytes of a MATLAB 5 file;
/// other variables are skipped. `path` only names the file in errors.
///
/// A v7.3 (HDF5) file gives [`Error::MatV73`]; non-numeric, complex or sparse
/// wanted variables give [`Error::MatWrongShape`].
pub fn parse(bytes: &[u8], path: &Path, wanted: &[&str]) -> Result<Vec<MatArray>> {
    let big_endian = check_header(bytes, path)?;
    let file_len = bytes.len() as u64;
    let mut out = Vec::new();
    let mut pos = 128u64;
    while pos < file_len {
        let malformed = |what: String| Error::MatMalformed {
            path: path.to_owned(),
            offset: pos,
            what,
        };
        if file_len - pos < 8 {
            return Err(malformed(format!(
                "{} trailing bytes, expected an 8-byte element tag",
                file_len - pos
            )));
        }
        let start = pos as usize;
        let (ty, nbytes, small) = decode_tag(&bytes[start..start + 8], big_endian);
        let body_len = if small { 0 } else { nbytes };
        if body_len > file_len - pos - 8 {
            return Err(Error::Truncated {
                path: path.to_owned(),
                expected: pos + 8 + body_len,
                actual: file_len,
            });
        }
        let body = &bytes[start + 8..start + 8 + body_len as usize];
        let found = match ty {
            MI_MATRIX => {
                let mut reader = body;
                let mut s = Stream::new(&mut reader, body_len, path, false, pos + 8, body_len);
                s.big_endian = big_endian;
                read_matrix(&mut s, wanted)?
            }
            MI_COMPRESSED => read_compressed(body, path, pos + 8, big_endian, wanted)?,
            _ => None,
        };
        out.extend(found);
        pos += 8 + body_len;
        // Plain elements are padded to 8 bytes; compressed ones are not.
        if ty != MI_COMPRESSED {
            pos = pos.next_multiple_of(8).min(file_len);
        }
    }
    Ok(out)
}

/// Reads a MATLAB 5 file (see [`parse`]).
pub fn read(path: &Path, wanted: &[&str]) -> Result<Vec<MatArray>> {
    let bytes = crate::io::read_file(path)?;
    parse(&bytes, path, wanted)
}

/// Checks the 128-byte header; returns whether the file is big-endian.
fn check_header(bytes: &[u8], path: &Path) -> Result<bool> {
    let v73 = bytes.starts_with(HDF5_SIGNATURE)
        || bytes.starts_with(b"MATLAB 7.3 MAT-file")
        || bytes.get(512..520) == Some(HDF5_SIGNATURE.as_slice());
    if v73 {
        return Err(Error::MatV73 {
            path: path.to_owned(),
        });
    }
    if bytes.len() < 128 {
        return Err(Error::Truncated {
            path: path.to_owned(),
            expected: 128,
            actual: bytes.len() as u64,
        });
    }
    let bad_magic = || Error::BadMagic {
        path: path.to_owned(),
        expected: "a MATLAB 5 header (version 0x0100, endian indicator IM or MI)".into(),
        found: format!(
            "version and indicator bytes {}",
            crate::hex(&bytes[124..128])
        ),
    };
    let big_endian = match &bytes[126..128] {
        b"IM" => false,
        b"MI" => true,
        _ => return Err(bad_magic()),
    };
    let version = [bytes[124], bytes[125]];
    let version = if big_endian {
        u16::from_be_bytes(version)
    } else {
        u16::from_le_bytes(version)
    };
    if version != 0x0100 {
        return Err(bad_magic());
    }
    Ok(big_endian)
}

/// `(type, nbytes, small)` of an 8-byte tag. In the small format the upper
/// half of the first word is the byte count and the data sits in the second.
fn decode_tag(tag: &[u8], big_endian: bool) -> (u32, u64, bool) {
    let w0 = word(&tag[0..4], big_endian);
    let w1 = word(&tag[4..8], big_endian);
    if w0 >> 16 != 0 {
        (w0 & 0xffff, u64::from(w0 >> 16), true)
    } else {
        (w0, u64::from(w1), false)
    }
}

fn word(b: &[u8], big_endian: bool) -> u32 {
    let a = [b[0], b[1], b[2], b[3]];
    if big_endian {
        u32::from_be_bytes(a)
    } else {
        u32::from_le_bytes(a)
    }
}

fn read_compressed(
    body: &[u8],
    path: &Path,
    offset: u64,
    big_endian: bool,
    wanted: &[&str],
) -> Result<Option<MatArray>> {
    let mut z = ZlibDecoder::new(body);
    let tag = read_exact_bounded(&mut z, 8, 8, path, true, 0)?;
    let (ty, nbytes, small) = decode_tag(&tag, big_endian);
    if ty != MI_MATRIX || small {
        return Err(Error::MatMalformed {
            path: path.to_owned(),
            offset,
            what: format!("compressed element holds type {ty}, expected a matrix (14)"),
        });
    }
    let limit = (body.len() as u64)
        .saturating_mul(MAX_INFLATE_RATIO)
        .min(MAX_CONTENT_BYTES);
    if nbytes > limit {
        return Err(Error::TooLarge {
            path: path.to_owned(),
            what: format!("the compressed element at byte {offset}"),
            claimed: nbytes,
            limit,
        });
    }
    let cap_hint = (body.len() as u64).saturating_mul(8);
    let mut s = Stream::new(&mut z, nbytes, path, true, offset, cap_hint);
    s.big_endian = big_endian;
    read_matrix(&mut s, wanted)
}

/// A bounded view of one matrix's sub-elements.
struct Stream<'a> {
    r: &'a mut dyn Read,
    pos: u64,
    limit: u64,
    path: &'a Path,
    compressed: bool,
    base: u64,
    cap_hint: u64,
    big_endian: bool,
}

impl<'a> Stream<'a> {
    fn new(
        r: &'a mut dyn Read,
        limit: u64,
        path: &'a Path,
        compressed: bool,
        base: u64,
        cap_hint: u64,
    ) -> Self {
        Self {
            r,
            pos: 0,
            limit,
            path,
            compressed,
            base,
            cap_hint,
            big_endian: false,
        }
    }

    fn malformed(&self, what: String) -> Error {
        Error::MatMalformed {
            path: self.path.to_owned(),
            offset: self.base + if self.compressed { 0 } else { self.pos },
            what,
        }
    }

    fn bytes(&mut self, n: u64, what: &str) -> Result<Vec<u8>> {
        if n > self.limit - self.pos {
            return Err(self.malformed(format!(
                "{what} needs {n} bytes but its matrix has {} left",
                self.limit - self.pos
            )));
        }
        let offset = if self.compressed {
            self.pos
        } else {
            self.base + self.pos
        };
        let v = read_exact_bounded(self.r, n, self.cap_hint, self.path, self.compressed, offset)?;
        self.pos += n;
        Ok(v)
    }

    /// One sub-element: `(type, data)`, padding consumed.
    fn element(&mut self, what: &str) -> Result<(u32, Vec<u8>)> {
        let tag = self.bytes(8, what)?;
        let (ty, nbytes, small) = decode_tag(&tag, self.big_endian);
        if small {
            if nbytes > 4 {
                return Err(self.malformed(format!("{what}: small element claims {nbytes} bytes")));
            }
            let mut data = tag[4..8].to_vec();
            data.truncate(nbytes as usize);
            return Ok((ty, data));
        }
        let data = self.bytes(nbytes, what)?;
        let pad = (8 - nbytes % 8) % 8;
        if pad > 0 && self.limit - self.pos >= pad {
            self.bytes(pad, what)?;
        }
        Ok((ty, data))
    }

    /// A sub-element's tag is read first when its size must be checked
    /// before its data is.
    fn tag(&mut self, what: &str) -> Result<(u32, u64, bool, [u8; 4])> {
        let tag = self.bytes(8, what)?;
        let (ty, nbytes, small) = decode_tag(&tag, self.big_endian);
        Ok((ty, nbytes, small, [tag[4], tag[5], tag[6], tag[7]]))
    }
}

fn read_matrix(s: &mut Stream<'_>, wanted: &[&str]) -> Result<Option<MatArray>> {
    if s.limit == 0 {
        return Ok(None);
    }
    let (ty, flags) = s.element("array flags")?;
    if ty != MI_UINT32 || flags.len() != 8 {
        return Err(s.malformed(format!(
            "array flags: type {ty} of {} bytes, expected miUINT32 of 8",
            flags.len()
        )));
    }
    let w0 = word(&flags[0..4], s.big_endian);
    let class = (w0 & 0xff) as u8;
    let complex = w0 & 0x0800 != 0;

    let (ty, nbytes, small, _) = s.tag("dimensions")?;
    if ty != MI_INT32 || small || nbytes % 4 != 0 || !(8..=4 * MAX_DIMS).contains(&nbytes) {
        return Err(s.malformed(format!(
            "dimensions: type {ty} of {nbytes} bytes, expected 2 to {MAX_DIMS} miINT32"
        )));
    }
    let raw = s.bytes(nbytes, "dimensions")?;
    skip_pad(s, nbytes, "dimensions")?;
    let mut dims = Vec::with_capacity(raw.len() / 4);
    let mut count: u64 = 1;
    for chunk in raw.chunks_exact(4) {
        let d = word(chunk, s.big_endian) as i32;
        if d < 0 {
            return Err(s.malformed(format!("negative dimension {d}")));
        }
        dims.push(d as usize);
        count = count.saturating_mul(d as u64);
    }

    let (ty, name) = s.element("array name")?;
    if !(ty == MI_INT8 || ty == MI_UINT8 || ty == MI_UTF8) || name.len() as u64 > MAX_NAME {
        return Err(s.malformed(format!(
            "array name: type {ty} of {} bytes, expected miINT8 text",
            name.len()
        )));
    }
    let name = String::from_utf8_lossy(&name).into_owned();
    if !wanted.contains(&name.as_str()) {
        return Ok(None);
    }
    let wrong = |found: String| Error::MatWrongShape {
        path: s.path.to_owned(),
        name: name.clone(),
        expected: "a real, full, numeric array".into(),
        found,
    };
    if !NUMERIC_CLASSES.contains(&class) {
        return Err(wrong(format!("MATLAB class {class} (not numeric)")));
    }
    if complex {
        return Err(wrong("a complex array".into()));
    }

    let (ty, nbytes, small, inline) = s.tag("real part")?;
    let Some(size) = element_size(ty) else {
        return Err(s.malformed(format!("real part of `{name}` has non-numeric type {ty}")));
    };
    if count.checked_mul(size) != Some(nbytes) {
        return Err(s.malformed(format!(
            "real part of `{name}` has {nbytes} bytes, expected {count} values of {size} bytes for dimensions {dims:?}"
        )));
    }
    let raw = if small {
        inline[..nbytes as usize].to_vec()
    } else {
        s.bytes(nbytes, "real part")?
    };
    let data = if ty == MI_UINT8 {
        MatData::U8(raw)
    } else {
        MatData::F64(to_f64(&raw, ty, size as usize, s.big_endian))
    };
    Ok(Some(MatArray {
        name,
        class,
        dims,
        data,
    }))
}

fn skip_pad(s: &mut Stream<'_>, nbytes: u64, what: &str) -> Result<()> {
    let pad = (8 - nbytes % 8) % 8;
    if pad > 0 {
        s.bytes(pad, what)?;
    }
    Ok(())
}

fn element_size(ty: u32) -> Option<u64> {
    Some(match ty {
        1 | 2 => 1,
        3 | 4 => 2,
        5..=7 => 4,
        9 | 12 | 13 => 8,
        _ => return None,
    })
}

fn to_f64(raw: &[u8], ty: u32, size: usize, big_endian: bool) -> Vec<f64> {
    raw.chunks_exact(size)
        .map(|c| {
            let mut b = [0u8; 8];
            b[..size].copy_from_slice(c);
            if big_endian {
                b[..size].reverse();
            }
            match ty {
                1 => f64::from(b[0] as i8),
                2 => f64::from(b[0]),
                3 => f64::from(i16::from_le_bytes([b[0], b[1]])),
                4 => f64::from(u16::from_le_bytes([b[0], b[1]])),
                5 => f64::from(i32::from_le_bytes([b[0], b[1], b[2], b[3]])),
                6 => f64::from(u32::from_le_bytes([b[0], b[1], b[2], b[3]])),
                7 => f64::from(f32::from_le_bytes([b[0], b[1], b[2], b[3]])),
                9 => f64::from_le_bytes(b),
                12 => i64::from_le_bytes(b) as f64,
                _ => u64::from_le_bytes(b) as f64,
            }
        })
        .collect()
}
