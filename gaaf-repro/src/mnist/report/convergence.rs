//! Whether each run had stopped improving when the stopping rule ended it:
//! the mean validation accuracy of its last [`TAIL`] epochs minus that of
//! the [`TAIL`] before, in points. About zero for a run that had converged;
//! clearly positive for one whose accuracy was still rising (as in the
//! dropout runs of 2026-11-27: +0.04 to +0.14 points).

use std::fmt::Write;

use super::{model_label, runs_of};
use crate::mnist::{Epoch, Run, Variant};
use crate::report_common::stats::DASH;

/// Epochs in each of the two windows compared.
pub(crate) const TAIL: usize = 20;

/// The mean validation accuracy (in points) of `run`'s last [`TAIL`] epochs
/// minus that of the [`TAIL`] before; `None` for a run of fewer than
/// `2 TAIL` epochs.
pub(crate) fn tail_rise(run: &Run) -> Option<f64> {
    let n = run.epochs.len();
    if n < 2 * TAIL {
        return None;
    }
    let mean = |es: &[Epoch]| es.iter().map(|e| e.val_acc).sum::<f64>() / es.len() as f64;
    Some(100.0 * (mean(&run.epochs[n - TAIL..]) - mean(&run.epochs[n - 2 * TAIL..n - TAIL])))
}

/// The convergence check as Markdown: per model, each seed's tail rise and
/// the largest.
pub fn render_convergence(runs: &[Run]) -> String {
    let mut s = String::new();
    s.push_str("## Convergence: was validation accuracy still rising?\n\n");
    s.push_str("| Model | Per seed (points) | Largest |\n|---|---|--:|\n");
    for variant in Variant::ALL {
        let runs = runs_of(runs, variant);
        if runs.is_empty() {
            continue;
        }
        let cells: Vec<String> = runs
            .iter()
            .map(|r| {
                let rise = tail_rise(r).map_or_else(|| DASH.to_string(), |d| format!("{d:+.2}"));
                format!("s{} {rise}", r.config.seed)
            })
            .collect();
        let largest = runs
            .iter()
            .filter_map(|r| tail_rise(r))
            .fold(None, |m: Option<f64>, d| Some(m.map_or(d, |m| m.max(d))))
            .map_or_else(|| DASH.to_string(), |d| format!("{d:+.2}"));
        let _ = writeln!(
            s,
            "| {} | {} | {largest} |",
            model_label(variant),
            cells.join(", ")
        );
    }
    let _ = write!(
        s,
        "\nPer run: the mean validation accuracy of its last {TAIL} epochs minus that \
         of the {TAIL} before, in percentage points (a dash: fewer than {} epochs). \
         A run that had converged shows about zero; a positive value means its \
         accuracy was still rising when the stopping rule ended it.\n",
        2 * TAIL
    );
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mnist::report::fixtures;

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
