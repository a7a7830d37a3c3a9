//! What every experiment's report shares: how the runs were made
//! ([`ReportMeta`]), writing the rendered files, its error
//! ([`ReportError`]), and statistics and number formats (`stats`).

pub(crate) mod gain;
pub(crate) mod stats;

use crate::sweep::{
    machine, read_invocations, utc, write_atomic, Invocation, SweepOptions, Swept, COMMIT,
};
use std::fmt::Write;
use std::path::{Path, PathBuf};

/// Facts about how the runs were made, for report.md.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportMeta {
    /// The command line that produced the runs.
    pub command: String,
    /// The machine it ran on.
    pub machine: String,
    /// The commit of the code that built the report ([`crate::sweep::COMMIT`]).
    pub commit: String,
    /// Wall-clock seconds of the whole experiment, if known.
    pub wall_seconds: Option<f64>,
    /// Every invocation that trained into the output folder
    /// ([`crate::sweep::read_invocations`]).
    pub invocations: Vec<Invocation>,
    /// Whether this was a quick run, not comparable to the paper.
    pub quick: bool,
}

impl ReportMeta {
    /// How `swept` was made by `opts`; `quick` when asked for (`--quick`),
    /// or when some run used a subset of the data.
    pub fn of<O>(opts: &SweepOptions, swept: &Swept<O>, quick: bool) -> Self {
        Self {
            command: opts.command.clone(),
            machine: machine(),
            commit: COMMIT.to_string(),
            wall_seconds: swept.wall_seconds,
            // A record that cannot be read is left out rather than failing
            // the report; the count printed shows what was read.
            invocations: read_invocations(&opts.out).unwrap_or_default(),
            quick: quick || swept.partial,
        }
    }

    /// The first lines of a report's "How the runs were made": the command,
    /// the machine and the wall time (its hours with `hour_decimals`).
    pub(crate) fn write_invocation(&self, s: &mut String, hour_decimals: usize) {
        s.push_str("## How the runs were made\n\n");
        let _ = writeln!(s, "- Command: `{}`", self.command);
        let _ = writeln!(s, "- Machine: {}", self.machine);
        let _ = writeln!(s, "- Report built from commit: {}", self.commit);
        match self.wall_seconds {
            Some(w) => {
                let h = w / 3600.0;
                let _ = writeln!(s, "- Wall time: {w:.1} s ({h:.hour_decimals$} h)");
            }
            None => {
                s.push_str("- Wall time: not measured (this report was merged from run files)\n")
            }
        }
        if !self.invocations.is_empty() {
            let done: Vec<&Invocation> = self
                .invocations
                .iter()
                .filter(|i| i.seconds.is_some())
                .collect();
            // A fold from +0: an empty `sum` of floats is -0.
            let total = done
                .iter()
                .filter_map(|i| i.seconds)
                .fold(0.0, |a, b| a + b);
            let _ = writeln!(
                s,
                "- Sweep invocations that trained into this folder: {} ({} ended, \
                 {total:.0} s = {:.2} h together; see `invocations/`):",
                self.invocations.len(),
                done.len(),
                total / 3600.0
            );
            for i in &self.invocations {
                let took = match (i.seconds, i.trained) {
                    (Some(sec), Some(n)) => format!("{sec:.0} s, {n} run(s) trained"),
                    _ => "did not end (killed, or still running)".to_string(),
                };
                let _ = writeln!(
                    s,
                    "  - {}, shard {}, commit {}: {took}",
                    utc(i.started_unix),
                    i.shard,
                    i.commit
                );
            }
        }
    }
}

/// The files a report writer wrote.
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
    #[error("cannot draw {figure}")]
    Plot {
        /// The figure's file name.
        figure: &'static str,
        /// plotters' error.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
}

/// Renders every `(name, contents)` with `render`, then creates `out` and
/// writes each into it atomically, so that a rendering error leaves the
/// folder as it was; [`ReportError::NoRuns`] instead when `runs` is 0, so
/// that a report is never written about nothing.
///
/// # Errors
///
/// [`ReportError::NoRuns`], `render`'s, or [`ReportError::Io`] with the path.
pub(crate) fn write_files(
    runs: usize,
    out: &Path,
    render: impl FnOnce() -> Result<Vec<(&'static str, String)>, ReportError>,
) -> Result<Written, ReportError> {
    if runs == 0 {
        return Err(ReportError::NoRuns);
    }
    let files = render()?;
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| ReportError::Io { path, source }
    };
    std::fs::create_dir_all(out).map_err(io(out))?;
    let mut written = Vec::with_capacity(files.len());
    for (name, contents) in &files {
        let path = out.join(name);
        write_atomic(&path, contents.as_bytes()).map_err(io(&path))?;
        written.push(path);
    }
    Ok(Written { files: written })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_invocation_is_listed_and_only_ended_ones_are_summed() {
        let ended = Invocation {
            command: "gaaf-repro mnist".to_string(),
            commit: "abc".to_string(),
            machine: "m".to_string(),
            shard: "1/1".to_string(),
            started_unix: 1_796_300_000,
            seconds: Some(3600.0),
            trained: Some(7),
        };
        let killed = Invocation {
            started_unix: 1_796_200_000,
            seconds: None,
            trained: None,
            ..ended.clone()
        };
        let meta = ReportMeta {
            invocations: vec![killed, ended],
            command: "c".to_string(),
            machine: "m".to_string(),
            commit: "abc".to_string(),
            wall_seconds: None,
            quick: false,
        };
        let mut s = String::new();
        meta.write_invocation(&mut s, 1);
        assert!(s.contains("2 (1 ended, 3600 s = 1.00 h together"), "{s}");
        assert!(
            s.contains("2026-12-03T12:13:20Z, shard 1/1, commit abc: 3600 s, 7 run(s) trained"),
            "{s}"
        );
        assert!(s.contains("did not end (killed, or still running)"), "{s}");
        assert!(s.contains("Wall time: not measured"), "{s}");
    }
}
