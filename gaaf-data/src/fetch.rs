//! Downloading the datasets from their published locations (feature `fetch`).
//!
//! Each file is downloaded to `<name>.part`, resumed with an HTTP `Range`
//! request when a partial file is there, checked against its published
//! checksum and only then renamed into place, so that a reader never sees a
//! partial or corrupt file. Archives are unpacked into a temporary folder that
//! is renamed into place once complete.
//!
//! Checksums and where they come from:
//! - MNIST: SHA-256 of each decompressed file ([`crate::mnist::SHA256`]);
//!   the gzip files themselves differ between mirrors. The files come from the mirror that
//!   torchvision uses, the original site being unreliable.
//! - CIFAR-10 and CIFAR-100: MD5 of the binary tarballs, as published on the
//!   CIFAR page (the only checksums the authors publish).
//! - SVHN: MD5 of each `.mat` file, as published on the SVHN page
//!   ([`crate::svhn::MD5`]).

use crate::dir::{DataDir, DatasetKind};
use crate::error::{Error, Result};
use crate::hex;
use indicatif::{ProgressBar, ProgressStyle};
use md5::Md5;
use sha2::{Digest, Sha256};
use std::fs::{self, File, OpenOptions};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Where MNIST's gzipped IDX files are downloaded from.
pub const MNIST_BASE_URL: &str = "https://ossci-datasets.s3.amazonaws.com/mnist/";
/// CIFAR-10's binary tarball.
pub const CIFAR10_URL: &str = "https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz";
/// Published MD5 of [`CIFAR10_URL`].
pub const CIFAR10_MD5: &str = "c32a1d4ab5d03f1284b67883e8d87530";
/// CIFAR-100's binary tarball.
pub const CIFAR100_URL: &str = "https://www.cs.toronto.edu/~kriz/cifar-100-binary.tar.gz";
/// Published MD5 of [`CIFAR100_URL`].
pub const CIFAR100_MD5: &str = "03b5dce01913d631647c71ecec9e9cb8";
/// Where SVHN's `.mat` files are downloaded from.
pub const SVHN_BASE_URL: &str = "http://ufldl.stanford.edu/housenumbers/";

/// What a downloaded file must hash to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Checksum<'a> {
    /// SHA-256 of the file, hex.
    Sha256(&'a str),
    /// SHA-256 of the file's content after gzip decompression, hex.
    ContentSha256(&'a str),
    /// MD5 of the file, hex.
    Md5(&'a str),
}

impl Checksum<'_> {
    /// Checks `path` against the checksum.
    pub fn verify(&self, path: &Path) -> Result<()> {
        let (algorithm, expected, actual) = match *self {
            Self::Sha256(e) => ("SHA-256", e, hex(&hash_file::<Sha256>(path)?)),
            Self::Md5(e) => ("MD5", e, hex(&hash_file::<Md5>(path)?)),
            Self::ContentSha256(e) => ("SHA-256", e, hex(&crate::content_sha256(path)?)),
        };
        if actual.eq_ignore_ascii_case(expected) {
            Ok(())
        } else {
            Err(Error::ChecksumMismatch {
                path: path.to_owned(),
                algorithm,
                expected: expected.to_owned(),
                actual,
            })
        }
    }
}

fn hash_file<D: Digest>(path: &Path) -> Result<Vec<u8>> {
    let io_err = |source| Error::Io {
        path: path.to_owned(),
        source,
    };
    let mut file = File::open(path).map_err(io_err)?;
    let mut hasher = D::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = file.read(&mut buf).map_err(io_err)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(hasher.finalize().to_vec())
}

/// How to download.
#[derive(Debug, Clone)]
pub struct FetchOptions {
    /// Show a progress bar on stderr.
    pub progress: bool,
    /// Also download SVHN's 1.3 GB `extra_32x32.mat`.
    pub svhn_extra: bool,
    /// How long to wait for a connection; short, so that an offline machine
    /// fails fast.
    pub connect_timeout: Duration,
}

impl Default for FetchOptions {
    fn default() -> Self {
        Self {
            progress: true,
            svhn_extra: false,
            connect_timeout: Duration::from_secs(10),
        }
    }
}

/// Downloads `kind` into its folder of `dir`, skipping files already there
/// with the right checksum.
pub fn fetch(dir: &DataDir, kind: DatasetKind, opts: &FetchOptions) -> Result<()> {
    let folder = dir.dataset_dir(kind);
    let hint = |e: Error| match e {
        Error::Network { url, message } => Error::Network {
            url,
            message: format!(
                "{message}; to install by hand, download the files elsewhere and put {} in {}",
                kind.files().join(", "),
                folder.display()
            ),
        },
        e => e,
    };
    match kind {
        DatasetKind::Mnist => {
            for (name, sha) in crate::mnist::SHA256 {
                let url = format!("{MNIST_BASE_URL}{name}.gz");
                let dest = folder.join(format!("{name}.gz"));
                download(&url, &dest, Checksum::ContentSha256(sha), opts).map_err(hint)?;
            }
            Ok(())
        }
        DatasetKind::Cifar10 => {
            fetch_tarball(dir, kind, CIFAR10_URL, CIFAR10_MD5, opts).map_err(hint)
        }
        DatasetKind::Cifar100 => {
            fetch_tarball(dir, kind, CIFAR100_URL, CIFAR100_MD5, opts).map_err(hint)
        }
        DatasetKind::Svhn => {
            for (name, md5) in crate::svhn::MD5 {
                if name == crate::svhn::EXTRA_FILE && !opts.svhn_extra {
                    continue;
                }
                let url = format!("{SVHN_BASE_URL}{name}");
                download(&url, &folder.join(name), Checksum::Md5(md5), opts).map_err(hint)?;
            }
            Ok(())
        }
    }
}

fn fetch_tarball(
    dir: &DataDir,
    kind: DatasetKind,
    url: &str,
    md5: &str,
    opts: &FetchOptions,
) -> Result<()> {
    let folder = dir.dataset_dir(kind);
    if kind.files().iter().all(|f| folder.join(f).is_file()) {
        return Ok(());
    }
    let file_name = url.rsplit('/').next().unwrap_or("archive.tar.gz");
    let archive = dir.path().join(file_name);
    download(url, &archive, Checksum::Md5(md5), opts)?;
    unpack_tarball(&archive, dir.path(), kind.folder())?;
    fs::remove_file(&archive).map_err(|source| Error::Io {
        path: archive.clone(),
        source,
    })
}

/// Unpacks the folder `folder` of the `.tar.gz` `archive` into `root`,
/// through a temporary folder renamed into place at the end. Entries outside
/// `folder`, links and paths that climb out are ignored.
pub fn unpack_tarball(archive: &Path, root: &Path, folder: &str) -> Result<()> {
    let io_err = |path: &Path| {
        let path = path.to_owned();
        move |source| Error::Io { path, source }
    };
    let tmp = root.join(format!(".{folder}.unpacking"));
    if tmp.exists() {
        fs::remove_dir_all(&tmp).map_err(io_err(&tmp))?;
    }
    fs::create_dir_all(&tmp).map_err(io_err(&tmp))?;
    let file = File::open(archive).map_err(io_err(archive))?;
    let mut tar = tar::Archive::new(flate2::read::GzDecoder::new(file));
    let corrupt = |e: std::io::Error| Error::CorruptCompression {
        path: archive.to_owned(),
        message: e.to_string(),
    };
    for entry in tar.entries().map_err(corrupt)? {
        let mut entry = entry.map_err(corrupt)?;
        let path = entry.path().map_err(corrupt)?.into_owned();
        let inside = path.starts_with(folder)
            && path
                .components()
                .all(|c| matches!(c, std::path::Component::Normal(_)));
        let kind = entry.header().entry_type();
        if inside && (kind.is_file() || kind.is_dir()) {
            entry.unpack_in(&tmp).map_err(corrupt)?;
        }
    }
    let final_dir = root.join(folder);
    if final_dir.exists() {
        fs::remove_dir_all(&final_dir).map_err(io_err(&final_dir))?;
    }
    fs::rename(tmp.join(folder), &final_dir).map_err(io_err(&final_dir))?;
    fs::remove_dir_all(&tmp).map_err(io_err(&tmp))
}

/// Downloads `url` to `dest`: resumes `<dest>.part` if present, verifies
/// `checksum`, then renames into place. Does nothing when `dest` already has
/// the right checksum; a mismatch removes the partial file.
pub fn download(url: &str, dest: &Path, checksum: Checksum<'_>, opts: &FetchOptions) -> Result<()> {
    if dest.is_file() && checksum.verify(dest).is_ok() {
        return Ok(());
    }
    if let Some(parent) = dest.parent() {
        fs::create_dir_all(parent).map_err(|source| Error::Io {
            path: parent.to_owned(),
            source,
        })?;
    }
    let part = part_path(dest);
    let io_err = |source| Error::Io {
        path: part.clone(),
        source,
    };
    let have = fs::metadata(&part).map(|m| m.len()).unwrap_or(0);
    let net = |message: String| Error::Network {
        url: url.to_owned(),
        message,
    };
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_connect(Some(opts.connect_timeout))
        .timeout_recv_body(Some(Duration::from_secs(60)))
        .http_status_as_error(false)
        .build()
        .into();
    let mut request = agent.get(url);
    if have > 0 {
        request = request.header("Range", format!("bytes={have}-"));
    }
    let response = request.call().map_err(|e| net(e.to_string()))?;
    let status = response.status().as_u16();
    let length = response
        .headers()
        .get("content-length")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let (mut file, start) = match status {
        206 if have > 0 => (
            OpenOptions::new()
                .append(true)
                .open(&part)
                .map_err(io_err)?,
            have,
        ),
        200 => (File::create(&part).map_err(io_err)?, 0),
        416 if have > 0 => {
            // The partial file may already be complete.
            return finish(&part, dest, checksum);
        }
        _ => return Err(net(format!("server answered HTTP {status}"))),
    };
    let bar = if opts.progress {
        let bar = ProgressBar::new(start + length.unwrap_or(0));
        bar.set_style(
            ProgressStyle::with_template(
                "{msg} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec} {eta}",
            )
            .expect("the template is valid")
            .progress_chars("=> "),
        );
        bar.set_message(
            dest.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
        );
        bar.set_position(start);
        bar
    } else {
        ProgressBar::hidden()
    };
    let mut body = response.into_body().into_reader();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = match body.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => {
                bar.abandon();
                return Err(net(format!(
                    "{e} (the partial file {} will be resumed)",
                    part.display()
                )));
            }
        };
        file.write_all(&buf[..n]).map_err(io_err)?;
        bar.inc(n as u64);
    }
    file.sync_all().map_err(io_err)?;
    drop(file);
    bar.finish();
    finish(&part, dest, checksum)
}

fn finish(part: &Path, dest: &Path, checksum: Checksum<'_>) -> Result<()> {
    if let Err(e) = checksum.verify(part) {
        let _ = fs::remove_file(part);
        return Err(e);
    }
    fs::rename(part, dest).map_err(|source| Error::Io {
        path: dest.to_owned(),
        source,
    })
}

fn part_path(dest: &Path) -> PathBuf {
    let mut name = dest.file_name().unwrap_or_default().to_os_string();
    name.push(".part");
    dest.with_file_name(name)
}
