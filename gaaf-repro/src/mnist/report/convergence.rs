//! Whether each run had stopped improving when training ended: the mean
//! validation accuracy of its last N epochs minus that of the N before, in
//! points (N: the run's plateau window, else [`Plateau::DEFAULT`]'s). About
//! zero for a run that had converged; clearly positive for one whose
//! accuracy was still rising (as in the dropout runs of 2026-11-27 under
//! patience 20: +0.04 to +0.14 points).

use std::fmt::Write;

use super::{model_label, runs_of};
use crate::mnist::{Run, Variant};
use crate::report_common::stats::DASH;
use crate::sweep::{self, Plateau};

/// The window the check compares for `run`.
pub(crate) fn window(run: &Run) -> usize {
    run.config
        .stopping
        .plateau
        .unwrap_or(Plateau::DEFAULT)
        .window
}

/// `run`'s tail rise in points over [`window`]; `None` for a run of fewer
/// than two windows.
pub(crate) fn tail_rise(run: &Run) -> Option<f64> {
    sweep::tail_rise(&run.epochs, window(run)).map(|r| 100.0 * r)
}

/// Why `run` stopped: its epoch cap, the plateau test, or patience.
fn stop_reason(run: &Run) -> &'static str {
    let stopping = run.config.stopping;
    if run.epochs.len() >= stopping.max_epochs {
        "epoch cap"
    } else if stopping.plateau.is_some() {
        "plateau"
    } else {
        "patience"
    }
}

/// The convergence check as Markdown: per model, each seed's tail rise and
/// the largest.
pub fn render_convergence(runs: &[Run]) -> String {
    let mut s = String::new();
    s.push_str("## Convergence: was validation accuracy still rising?\n\n");
    s.push_str(
        "| Model | Per seed: rise in points (epochs, why it stopped) | Largest |\n|---|---|--:|\n",
    );
    for variant in Variant::ALL {
        let runs = runs_of(runs, variant);
        if runs.is_empty() {
            continue;
        }
        let cells: Vec<String> = runs
            .iter()
            .map(|r| {
                let rise = tail_rise(r).map_or_else(|| DASH.to_string(), |d| format!("{d:+.3}"));
                format!(
                    "s{} {rise} ({}, {})",
                    r.config.seed,
                    r.epochs.len(),
                    stop_reason(r)
                )
            })
            .collect();
        let largest = runs
            .iter()
            .filter_map(|r| tail_rise(r))
            .fold(None, |m: Option<f64>, d| Some(m.map_or(d, |m| m.max(d))))
            .map_or_else(|| DASH.to_string(), |d| format!("{d:+.3}"));
        let _ = writeln!(
            s,
            "| {} | {} | {largest} |",
            model_label(variant),
            cells.join(", ")
        );
    }
    let _ = write!(
        s,
        "\nPer run: the mean validation accuracy of its last N epochs minus that \
         of the N before, in percentage points, N being the run's plateau window \
         ({} unless set; a dash: fewer than 2N epochs). A run that had converged \
         shows about zero; a positive value means its accuracy was still rising \
         when training ended. Under the plateau test a run stops once this is at \
         most the test's threshold ({:.2} points by default); a run stopped by its \
         epoch cap or by patience can show more.\n",
        Plateau::DEFAULT.window,
        100.0 * Plateau::DEFAULT.min_rise
    );
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mnist::report::fixtures;
    use crate::mnist::Epoch;

    #[test]
    fn a_rising_run_shows_a_positive_rise_and_a_flat_one_zero() {
        let mut run = fixtures::run(Variant::Dropout, 0);
        let template = run.epochs[0].clone();
        run.epochs = (1..=50)
            .map(|e| Epoch {
                epoch: e,
                val_acc: 0.90 + 0.001 * e as f64,
                ..template.clone()
            })
            .collect();
        // Last 20 (31..=50) against 11..=30: 20 epochs apart, 0.001 each.
        let rise = tail_rise(&run).unwrap();
        assert!((rise - 2.0).abs() < 1e-9, "{rise}");
        let mut flat = run.clone();
        flat.config.seed = 1;
        for e in &mut flat.epochs {
            e.val_acc = 0.98;
        }
        assert!(tail_rise(&flat).unwrap().abs() < 1e-12);
        let mut short = flat.clone();
        short.config.seed = 2;
        short.epochs.truncate(39);
        assert_eq!(tail_rise(&short), None);
        insta::assert_snapshot!(render_convergence(&[run, flat, short]));
    }
}
