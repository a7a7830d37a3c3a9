//! The MNIST experiment's report, rebuilt from its [`Run`]s alone:
//! Tables 1-4 as Markdown with the paper's published values beside ours, a
//! convergence check per run,
//! Figures 1, 3 and 6 as SVG and a `report.md` that ties them together
//! ([`write_report`]).
//!
//! Every renderer is a pure function of the runs returning a `String`; the
//! writer renders everything first, then writes each file atomically.

use std::path::Path;

use super::{Run, Variant};
use crate::report_common::write_files;
pub use crate::report_common::{ReportError, ReportMeta, Written};

mod controls;
mod convergence;
mod fig_gradient;
mod figures;
#[cfg(test)]
pub(crate) mod fixtures;
mod init_gain;
mod matched;
mod paper;
mod summary;
mod table1;
mod table2;
mod table3;
mod table4;

pub use controls::render_controls;
pub use convergence::render_convergence;
pub use fig_gradient::render_fig_gradient;
pub use figures::{render_fig1, render_fig3, render_fig6};
pub use init_gain::render_init_gain;
pub use matched::render_matched;
pub use summary::render_report;
pub use table1::render_table1;
pub use table2::{render_table2, G_WINDOW};
pub use table3::render_table3;
pub use table4::render_table4;

/// The runs of one variant, sorted by seed.
pub(crate) fn runs_of(runs: &[Run], variant: Variant) -> Vec<&Run> {
    let mut v: Vec<&Run> = runs
        .iter()
        .filter(|r| r.config.variant == variant)
        .collect();
    v.sort_by_key(|r| r.config.seed);
    v
}

/// The model's name as the paper's Table 4 writes it.
pub(crate) fn model_label(variant: Variant) -> &'static str {
    match variant {
        Variant::Base => "Base Model",
        Variant::Dropout => "+Dropout",
        Variant::Gaaf => "+GAAF",
        Variant::DropoutMatched => "+GAAF, dropout-matched shape",
        Variant::BaseLrScaled => "Base, per-layer LR x GAAF's gain",
        Variant::GaafShoulder => "+GAAF, shoulder shape",
    }
}

/// The hidden layers by paper name, with their index into `correlations` and
/// `nets`, in the order the paper's tables list them (top layer first).
pub(crate) const HIDDEN_TOP_DOWN: [(&str, usize); 3] =
    [("Layer3", 2), ("Layer2", 1), ("Layer1", 0)];

/// Writes table1.md..table4.md, convergence.md, init_gain.md, matched.md
/// (empty without dropout-matched runs), fig1.svg, fig3.svg, fig6.svg,
/// fig_gradient.svg and report.md for `runs` (the paper's four models) into
/// `out`, Table 2 over the first `g_window` epochs; with `controls` (the
/// rendered [`render_controls`]), also controls.md, and the same section at
/// the end of report.md. The folder is created if missing; every file is
/// rendered first, so a drawing error leaves the folder as it was, then
/// written atomically.
///
/// # Errors
///
/// [`ReportError::NoRuns`] for an empty `runs`, [`ReportError::Plot`] if a
/// figure cannot be drawn, [`ReportError::Io`] with the path if a file cannot
/// be written.
pub fn write_report(
    runs: &[Run],
    out: &Path,
    meta: &ReportMeta,
    g_window: usize,
    controls: Option<String>,
) -> Result<Written, ReportError> {
    write_files(runs.len(), out, || {
        let mut report = render_report(runs, meta, g_window);
        let mut files = vec![
            ("table1.md", render_table1(runs)),
            ("table2.md", render_table2(runs, g_window)),
            ("table3.md", render_table3(runs)),
            ("table4.md", render_table4(runs)),
            ("convergence.md", render_convergence(runs)),
            ("init_gain.md", render_init_gain(runs)),
            ("matched.md", render_matched(runs)),
            ("fig1.svg", render_fig1(runs)?),
            ("fig3.svg", render_fig3(runs)?),
            ("fig6.svg", render_fig6(runs)?),
            ("fig_gradient.svg", render_fig_gradient(runs)?),
        ];
        if let Some(c) = controls {
            report.push('\n');
            report.push_str(&c);
            files.push(("controls.md", c));
        }
        files.push(("report.md", report));
        Ok(files)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;
    use std::path::PathBuf;

    fn meta() -> ReportMeta {
        ReportMeta {
            invocations: Vec::new(),
            command: "test".to_string(),
            machine: "test".to_string(),
            commit: "test".to_string(),
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
        let written = write_report(&fixtures::runs(2), &out, &meta(), G_WINDOW, None).unwrap();
        let mut names: Vec<String> = fs::read_dir(&out)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(
            names,
            [
                "convergence.md",
                "fig1.svg",
                "fig3.svg",
                "fig6.svg",
                "fig_gradient.svg",
                "init_gain.md",
                "matched.md",
                "report.md",
                "table1.md",
                "table2.md",
                "table3.md",
                "table4.md"
            ]
        );
        assert_eq!(written.files.len(), 12);
        for f in &written.files {
            assert!(fs::metadata(f).unwrap().len() > 100, "{}", f.display());
        }
        // Writing again replaces the files in place.
        write_report(&fixtures::runs(1), &out, &meta(), G_WINDOW, None).unwrap();
        assert_eq!(fs::read_dir(&out).unwrap().count(), 12);
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn controls_get_their_file_and_the_end_of_the_report() {
        let dir = scratch("controls");
        let runs = fixtures::runs(2);
        let controls = render_controls(&runs, 0.05);
        write_report(&runs, &dir, &meta(), G_WINDOW, Some(controls.clone())).unwrap();
        assert_eq!(
            fs::read_to_string(dir.join("controls.md")).unwrap(),
            controls
        );
        let report = fs::read_to_string(dir.join("report.md")).unwrap();
        assert!(report.ends_with(&controls), "{report}");
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn no_runs_is_an_error() {
        let dir = scratch("none");
        let err = write_report(&[], &dir, &meta(), G_WINDOW, None).unwrap_err();
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
        let err = write_report(
            &fixtures::runs(1),
            &blocker.join("out"),
            &meta(),
            G_WINDOW,
            None,
        )
        .unwrap_err();
        assert!(matches!(&err, ReportError::Io { path, .. } if path.ends_with("out")));
        fs::remove_dir_all(&dir).unwrap();
    }
}
