//! The convolutional experiment's report, rebuilt from its [`Run`]s alone:
//! `table5.md` and a `report.md` ([`write_report`]).

use std::path::Path;

use super::{Diverged, Run};
use crate::report_common::write_files;
pub use crate::report_common::{ReportError, ReportMeta, Written};

#[cfg(test)]
mod fixtures;
mod paper;
mod summary;
mod table5;

pub use summary::render_report;
pub use table5::render_table5;

/// Writes `table5.md` and `report.md` of `runs` and the `diverged` ones into
/// `out` (created if missing; every file rendered first, then written
/// atomically).
///
/// # Errors
///
/// [`ReportError::NoRuns`] for an empty `runs`, [`ReportError::Io`] with the
/// path when a file cannot be written.
pub fn write_report(
    runs: &[Run],
    diverged: &[Diverged],
    out: &Path,
    meta: &ReportMeta,
) -> Result<Written, ReportError> {
    write_files(runs.len() + diverged.len(), out, || {
        Ok(vec![
            ("table5.md", render_table5(runs, diverged)),
            ("report.md", render_report(runs, diverged, meta)),
        ])
    })
}
