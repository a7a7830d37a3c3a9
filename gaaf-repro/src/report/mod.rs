//! The paper's tables and figures rebuilt from run results: from the MNIST
//! [`RunResult`]s, Tables 1-4 as Markdown with the paper's published values
//! beside ours, Figures 1, 3 and 6 as SVG and a `report.md` that ties them
//! together ([`write_report`]); from the convolutional runs, Table 5 and its
//! `report.md` ([`write_conv_report`]).
//!
//! Every renderer is a pure function of the runs returning a `String`; the
//! writers render everything first, then write each file atomically.

use std::fs;
use std::path::{Path, PathBuf};

use crate::RunResult;

mod conv;
mod figures;
#[cfg(test)]
mod fixtures;
mod paper;
mod stats;
mod summary;
mod table1;
mod table2;
mod table3;
mod table4;
mod table5;

pub use conv::{render_conv_report, write_conv_report};
pub use figures::{render_fig1, render_fig3, render_fig6};
pub use summary::render_report;
pub use table1::render_table1;
pub use table2::render_table2;
pub use table3::render_table3;
pub use table4::render_table4;
pub use table5::render_table5;

/// Facts about how the runs were made, for report.md.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportMeta {
    /// The command line that produced the runs.
    pub command: String,
    /// The machine it ran on.
    pub machine: String,
    /// Wall-clock seconds of the whole experiment, if known.
    pub wall_seconds: Option<f64>,
    /// Whether this was a quick run, not comparable to the paper.
    pub quick: bool,
}

/// The files [`write_report`] wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    /// Their paths, in the order written.
    pub files: Vec<PathBuf>,
}

/// Why a report could not be written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReportError {
    /// There were no runs to report on.
    #[error("no runs to report on")]
    NoRuns,
    /// Reading or writing a file failed.
    #[error("cannot write {}", path.display())]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// What went wrong.
        #[source]
        source: std::io::Error,
    },
    /// Drawing a figure failed.
    #[error("cannot draw {figure}: {message}")]
    Plot {
        /// The figure's file name.
        figure: &'static str,
        /// plotters' error, as text.
        message: String,
    },
}

/// Writes table1.md..table4.md, fig1.svg, fig3.svg, fig6.svg and report.md into `out` (atomically: temp file + rename).
///
/// `out` is created if missing. Every file is rendered before the first is
/// written, so a drawing error leaves the folder as it was.
///
/// # Errors
///
/// [`ReportError::NoRuns`] for an empty `runs`, [`ReportError::Plot`] if a
/// figure cannot be drawn, [`ReportError::Io`] with the path if a file cannot
/// be written.
pub fn write_report(
    runs: &[RunResult],
    out: &Path,
    meta: &ReportMeta,
) -> Result<Written, ReportError> {
    if runs.is_empty() {
        return Err(ReportError::NoRuns);
    }
    let files = [
        ("table1.md", render_table1(runs)),
        ("table2.md", render_table2(runs)),
        ("table3.md", render_table3(runs)),
        ("table4.md", render_table4(runs)),
        ("fig1.svg", render_fig1(runs)?),
        ("fig3.svg", render_fig3(runs)?),
        ("fig6.svg", render_fig6(runs)?),
        ("report.md", render_report(runs, meta)),
    ];
    write_files(out, &files)
}

/// Creates `out` and writes each `(name, contents)` into it atomically.
fn write_files(out: &Path, files: &[(&str, String)]) -> Result<Written, ReportError> {
    fs::create_dir_all(out).map_err(|source| ReportError::Io {
        path: out.to_path_buf(),
        source,
    })?;
    let mut written = Vec::with_capacity(files.len());
    for (name, contents) in files {
        let path = out.join(name);
        crate::sweep::atomic_write(&path, contents.as_bytes()).map_err(|source| {
            ReportError::Io {
                path: path.clone(),
                source,
            }
        })?;
        written.push(path);
    }
    Ok(Written { files: written })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta() -> ReportMeta {
        ReportMeta {
            command: "test".to_string(),
            machine: "test".to_string(),
            wall_seconds: None,
            quick: true,
        }
    }

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("gaaf-report-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        dir
    }

    #[test]
    fn writes_every_file_and_no_temporaries() {
        let dir = scratch("all");
        let out = dir.join("nested/report");
        let written = write_report(&fixtures::runs(2), &out, &meta()).unwrap();
        let mut names: Vec<String> = fs::read_dir(&out)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(
            names,
            [
                "fig1.svg",
                "fig3.svg",
                "fig6.svg",
                "report.md",
                "table1.md",
                "table2.md",
                "table3.md",
                "table4.md"
            ]
        );
        assert_eq!(written.files.len(), 8);
        for f in &written.files {
            assert!(fs::metadata(f).unwrap().len() > 100, "{}", f.display());
        }
        // Writing again replaces the files in place.
        write_report(&fixtures::runs(1), &out, &meta()).unwrap();
        assert_eq!(fs::read_dir(&out).unwrap().count(), 8);
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn no_runs_is_an_error() {
        let dir = scratch("none");
        let err = write_report(&[], &dir, &meta()).unwrap_err();
        assert!(matches!(err, ReportError::NoRuns));
        assert_eq!(err.to_string(), "no runs to report on");
        assert!(!dir.exists());
    }

    #[test]
    fn unwritable_folder_names_the_path() {
        let dir = scratch("file");
        fs::create_dir_all(&dir).unwrap();
        let blocker = dir.join("blocker");
        fs::write(&blocker, "x").unwrap();
        let err = write_report(&fixtures::runs(1), &blocker.join("out"), &meta()).unwrap_err();
        assert!(matches!(&err, ReportError::Io { path, .. } if path.ends_with("out")));
        fs::remove_dir_all(&dir).unwrap();
    }
}
