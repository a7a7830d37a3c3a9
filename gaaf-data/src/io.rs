//! Bounded reading: whole files, gzip streams and content checksums, with
//! every size checked against the real input before anything is allocated.

use crate::error::{Error, Result};
use flate2::read::GzDecoder;
use sha2::{Digest, Sha256};
use std::io::{self, Read};
use std::path::Path;

/// The largest file (or decompressed stream) the loaders accept: above SVHN's
/// 1.6 GB `extra` split, far below what a corrupt header could claim.
pub const MAX_CONTENT_BYTES: u64 = 4 << 30;

/// DEFLATE cannot expand data by more than about 1032:1, so a compressed input
/// of `n` bytes can never honestly claim more than this many times `n`.
pub(crate) const MAX_INFLATE_RATIO: u64 = 1032;

/// Reads a whole file, refusing files over [`MAX_CONTENT_BYTES`].
pub(crate) fn read_file(path: &Path) -> Result<Vec<u8>> {
    let io_err = |source| Error::Io {
        path: path.to_owned(),
        source,
    };
    let len = std::fs::metadata(path).map_err(io_err)?.len();
    if len > MAX_CONTENT_BYTES {
        return Err(Error::TooLarge {
            path: path.to_owned(),
            what: "the file".into(),
            claimed: len,
            limit: MAX_CONTENT_BYTES,
        });
    }
    std::fs::read(path).map_err(io_err)
}

/// Whether `bytes` start with the gzip signature.
pub(crate) fn is_gzip(bytes: &[u8]) -> bool {
    bytes.starts_with(&[0x1f, 0x8b])
}

/// A reader over the content of `bytes`: decompressed when they are gzip.
pub(crate) fn content_reader(bytes: &[u8]) -> Box<dyn Read + '_> {
    if is_gzip(bytes) {
        Box::new(GzDecoder::new(bytes))
    } else {
        Box::new(bytes)
    }
}

/// Maps an error of a (possibly decompressing) reader to the crate's error.
pub(crate) fn read_error(path: &Path, err: io::Error, compressed: bool) -> Error {
    if compressed && err.kind() != io::ErrorKind::Interrupted {
        Error::CorruptCompression {
            path: path.to_owned(),
            message: err.to_string(),
        }
    } else {
        Error::Io {
            path: path.to_owned(),
            source: err,
        }
    }
}

/// Reads exactly `len` bytes, reserving at most `cap_hint` bytes up front so
/// that memory grows only with data that really arrives.
///
/// Fewer bytes give [`Error::Truncated`]; `offset` is how many bytes of the
/// content came before (for the message).
pub(crate) fn read_exact_bounded(
    r: &mut dyn Read,
    len: u64,
    cap_hint: u64,
    path: &Path,
    compressed: bool,
    offset: u64,
) -> Result<Vec<u8>> {
    let capacity = usize::try_from(len.min(cap_hint)).unwrap_or(0);
    let mut buf = Vec::with_capacity(capacity);
    r.take(len)
        .read_to_end(&mut buf)
        .map_err(|e| read_error(path, e, compressed))?;
    if (buf.len() as u64) < len {
        return Err(Error::Truncated {
            path: path.to_owned(),
            expected: offset + len,
            actual: offset + buf.len() as u64,
        });
    }
    Ok(buf)
}

/// Counts the bytes left in `r` (up to [`MAX_CONTENT_BYTES`]) without keeping them.
pub(crate) fn count_rest(r: &mut dyn Read, path: &Path, compressed: bool) -> Result<u64> {
    io::copy(&mut r.take(MAX_CONTENT_BYTES), &mut io::sink())
        .map_err(|e| read_error(path, e, compressed))
}

/// SHA-256 of a file's content: of the decompressed bytes when the file is
/// gzip (gzip output differs between compressors, the content does not).
///
/// Streams the file, so memory stays constant; content over
/// [`MAX_CONTENT_BYTES`] is refused.
pub fn content_sha256(path: &Path) -> Result<[u8; 32]> {
    let io_err = |source| Error::Io {
        path: path.to_owned(),
        source,
    };
    let mut file = std::fs::File::open(path).map_err(io_err)?;
    let mut magic = [0u8; 2];
    let got = read_up_to(&mut file, &mut magic).map_err(io_err)?;
    let head = io::Cursor::new(magic[..got].to_vec());
    let chained = head.chain(file);
    let compressed = is_gzip(&magic[..got]);
    let mut reader: Box<dyn Read> = if compressed {
        Box::new(GzDecoder::new(chained))
    } else {
        Box::new(chained)
    };
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    let mut total = 0u64;
    loop {
        let n = match reader.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(read_error(path, e, compressed)),
        };
        total += n as u64;
        if total > MAX_CONTENT_BYTES {
            return Err(Error::TooLarge {
                path: path.to_owned(),
                what: "the content".into(),
                claimed: total,
                limit: MAX_CONTENT_BYTES,
            });
        }
        hasher.update(&buf[..n]);
    }
    Ok(hasher.finalize().into())
}

fn read_up_to(r: &mut dyn Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match r.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}

/// Lower-case hexadecimal of `bytes`.
///
/// ```
/// assert_eq!(gaaf_data::hex(&[0x0f, 0xa0]), "0fa0");
/// ```
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(DIGITS[usize::from(b >> 4)] as char);
        s.push(DIGITS[usize::from(b & 15)] as char);
    }
    s
}
