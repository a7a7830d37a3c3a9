//! The crate's one error type.

use std::path::PathBuf;

/// Everything that can go wrong while locating, reading, checking or fetching a
/// dataset.
///
/// Every variant that concerns a file carries its path and what was expected,
/// so that the one-line message is enough to fix the problem.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A file the dataset needs is not there; `hint` says how to get it.
    #[error("missing {}: {hint}", path.display())]
    MissingFile {
        /// The file that was looked for.
        path: PathBuf,
        /// How to get it.
        hint: String,
    },

    /// Reading a file failed at the operating-system level.
    #[error("cannot read {}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },

    /// The file does not start with the magic number of its format.
    #[error("{}: wrong magic number: expected {expected}, found {found}", path.display())]
    BadMagic {
        /// The file.
        path: PathBuf,
        /// The magic number (or signature) of the format.
        expected: String,
        /// What the file holds instead.
        found: String,
    },

    /// The sizes in the header disagree with the length of the file's content.
    #[error(
        "{}: header says {expected} bytes of content but the file has {actual}",
        path.display()
    )]
    SizeMismatch {
        /// The file.
        path: PathBuf,
        /// The length the header implies.
        expected: u64,
        /// The real length.
        actual: u64,
    },

    /// The file ends before its content does.
    #[error("{}: truncated: expected {expected} bytes, found {actual}", path.display())]
    Truncated {
        /// The file.
        path: PathBuf,
        /// The bytes needed.
        expected: u64,
        /// The bytes present.
        actual: u64,
    },

    /// A header claims more data than this loader accepts (a limit that keeps
    /// hostile headers from making it allocate).
    #[error("{}: {what} claims {claimed} bytes, over the limit of {limit}", path.display())]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// What made the claim.
        what: String,
        /// The claimed size.
        claimed: u64,
        /// The limit.
        limit: u64,
    },

    /// A gzip or zlib stream is damaged.
    #[error("{}: corrupt compressed data: {message}", path.display())]
    CorruptCompression {
        /// The file.
        path: PathBuf,
        /// What the decompressor reported.
        message: String,
    },

    /// A label lies outside the dataset's classes.
    #[error(
        "{}: label {label} of record {index} is out of range: expected {expected}",
        path.display()
    )]
    LabelOutOfRange {
        /// The file.
        path: PathBuf,
        /// The record's index in the file.
        index: usize,
        /// The label found.
        label: f64,
        /// The valid range, in words.
        expected: String,
    },

    /// Images have other dimensions than the dataset's.
    #[error("{}: wrong image dimensions: expected {expected}, found {found}", path.display())]
    WrongDimensions {
        /// The file.
        path: PathBuf,
        /// The dataset's dimensions.
        expected: String,
        /// The file's dimensions.
        found: String,
    },

    /// The image and label files of one split hold different numbers of records.
    #[error(
        "{}: {labels} labels for {images} images: expected one label per image",
        path.display()
    )]
    CountMismatch {
        /// The label file.
        path: PathBuf,
        /// Images found.
        images: usize,
        /// Labels found.
        labels: usize,
    },

    /// A MATLAB file lacks a variable the dataset needs.
    #[error("{}: no variable `{name}` in the MATLAB file: expected {expected}", path.display())]
    MatMissingVariable {
        /// The file.
        path: PathBuf,
        /// The variable.
        name: String,
        /// The variable's expected type and shape.
        expected: String,
    },

    /// A MATLAB variable has the wrong shape or type.
    #[error("{}: variable `{name}`: expected {expected}, found {found}", path.display())]
    MatWrongShape {
        /// The file.
        path: PathBuf,
        /// The variable.
        name: String,
        /// Expected shape and type.
        expected: String,
        /// Found shape and type.
        found: String,
    },

    /// A MATLAB v7.3 file (HDF5), which this crate does not read.
    #[error(
        "{}: MATLAB v7.3 (HDF5) file: expected a MATLAB 5 file (re-save it with `save -v7`)",
        path.display()
    )]
    MatV73 {
        /// The file.
        path: PathBuf,
    },

    /// A MATLAB 5 file whose structure is broken.
    #[error("{}: malformed MATLAB file at byte {offset}: {what}", path.display())]
    MatMalformed {
        /// The file.
        path: PathBuf,
        /// Where, in the file or in the decompressed element.
        offset: u64,
        /// What was wrong.
        what: String,
    },

    /// A dataset name that this crate does not know.
    #[error("unknown dataset `{name}`: expected one of mnist, cifar10, cifar100, svhn")]
    UnknownDataset {
        /// The name given.
        name: String,
    },

    /// A split, subset or batch request that the dataset cannot satisfy.
    #[error("invalid request: {0}")]
    InvalidRequest(String),

    /// A download failed.
    #[error("cannot download {url}: {message}")]
    Network {
        /// The address.
        url: String,
        /// What went wrong and what to do instead.
        message: String,
    },

    /// Downloaded or stored content does not have the published checksum.
    #[error("{}: {algorithm} checksum mismatch: expected {expected}, found {actual}", path.display())]
    ChecksumMismatch {
        /// The file.
        path: PathBuf,
        /// `SHA-256` or `MD5`.
        algorithm: &'static str,
        /// The published digest, hex.
        expected: String,
        /// The file's digest, hex.
        actual: String,
    },
}

/// Short for `Result<T, gaaf_data::Error>`.
pub type Result<T, E = Error> = std::result::Result<T, E>;
