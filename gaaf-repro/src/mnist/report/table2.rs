//! Table 2: gradient information (Eq. 5) per layer and model.

use std::fmt::Write;

use super::paper;
use super::runs_of;
use crate::mnist::{Run, Variant};
use crate::report_common::stats::{sci, Summary, DASH};

/// Rows of Table 2: name and weight matrix (0-based), top layer first; the
/// last layer is our addition.
pub(crate) const ROWS: [(&str, usize); 4] = [
    ("Layer3 (W3)", 2),
    ("Layer2 (W2)", 1),
    ("Layer1 (W1)", 0),
    ("Last (W4)", 3),
];

/// The epochs Table 2 averages over unless told (`--g-window`), the same for
/// every model: the first 20.
///
/// An average up to each run's selected epoch (what Table 2 showed before
/// 2026-12-03) tracks when a run stopped, not the model: the gradient
/// shrinks as training goes on, so a run selected at epoch 26 showed 4x the
/// value of one selected at epoch 130. Every run trains at least two plateau
/// windows (40 epochs by default; under the old patience rule, 21), so the
/// first 20 are there for every model; the per-epoch curve in the run files
/// and `fig_gradient.svg` show the rest.
pub const G_WINDOW: usize = 20;

/// Which gradient figure of the run files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Gradient {
    /// Eq. 5 as written: per-sample gradients (`Epoch::grad_info_per_sample`).
    PerSample,
    /// The batch-mean gradient (`Epoch::grad_info`), at most Eq. 5.
    BatchMean,
}

/// `run`'s gradient figure of weight matrix `w` (0-based), averaged over its
/// first `window` epochs (all of them if it has fewer); `None` if a
/// run file lacks it (per-sample figures exist since 2026-12-03).
pub(crate) fn windowed_g(run: &Run, w: usize, which: Gradient, window: usize) -> Option<f64> {
    let epochs = &run.epochs[..run.epochs.len().min(window)];
    let values: Vec<f64> = epochs
        .iter()
        .map(|e| match which {
            Gradient::PerSample => e.grad_info_per_sample.get(w).copied(),
            Gradient::BatchMean => e.grad_info.get(w).copied(),
        })
        .collect::<Option<_>>()?;
    (!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64)
}

/// Mean over `variant`'s seeds of [`windowed_g`] for weight matrix `w`.
pub(crate) fn mean_g(
    runs: &[Run],
    variant: Variant,
    w: usize,
    which: Gradient,
    window: usize,
) -> Option<Summary> {
    Summary::of(
        runs_of(runs, variant)
            .into_iter()
            .filter_map(|r| windowed_g(r, w, which, window)),
    )
}

/// Table 2 as Markdown: the gradient information `G_k` of each weight matrix
/// (Eq. 5, per-sample gradients, over the first `window` epochs), mean
/// over seeds, for every model, with the paper's values beside; then the
/// batch-mean gradient over the same epochs, for comparison.
pub fn render_table2(runs: &[Run], window: usize) -> String {
    let mut s = String::new();
    s.push_str("## Table 2: gradient information flowing through the layers\n\n");
    s.push_str(
        "| Layer | Without dropout | Paper | With dropout | Paper | GAAF | Paper | \
         GAAF, dropout-matched |\n|---|--:|--:|--:|--:|--:|--:|--:|\n",
    );
    for (name, w) in ROWS {
        let _ = write!(s, "| {name} |");
        for variant in Variant::ALL {
            let ours = mean_g(runs, variant, w, Gradient::PerSample, window)
                .map_or_else(|| DASH.to_string(), |g| sci(g.mean));
            let _ = write!(s, " {ours} |");
            if variant != Variant::DropoutMatched {
                let p = paper::table2(variant, w).map_or_else(|| DASH.to_string(), sci);
                let _ = write!(s, " {p} |");
            }
        }
        s.push('\n');
    }
    s.push_str("\nSeeds:");
    for variant in Variant::ALL {
        let _ = write!(s, " {} {},", variant.name(), runs_of(runs, variant).len());
    }
    s.pop();
    let _ = write!(
        s,
        ".\n\nG_k (Eq. 5): per weight matrix, the mean over samples of the mean \
         absolute per-sample gradient `|dE_n/dW|` (`E_n` the loss of sample n \
         alone), averaged over the training iterations of the first {window} \
         epochs, the same for every model; the mean over seeds is shown (a dash: \
         run files without per-sample figures). The paper gives no value for the \
         last layer. Its GAAF values come from section 5.1 (\"1.15E-3, 6.43E-4, \
         1.78E-4 for the three layers\"), which does not say the order of the \
         layers; they are placed here in Table 2's row order (Layer3 first). Read \
         as Layer1 first, they would be reversed.\n\n"
    );
    s.push_str(
        "Batch-mean gradient over the same epochs (the mean absolute gradient of \
         the batch's mean loss, what a training step applies; at most Eq. 5, and \
         smaller by about the per-sample noise that averaging over the batch \
         removes):\n\n| Layer | Without dropout | With dropout | GAAF | GAAF, \
         dropout-matched |\n|---|--:|--:|--:|--:|\n",
    );
    for (name, w) in ROWS {
        let _ = write!(s, "| {name} |");
        for variant in Variant::ALL {
            let ours = mean_g(runs, variant, w, Gradient::BatchMean, window)
                .map_or_else(|| DASH.to_string(), |g| sci(g.mean));
            let _ = write!(s, " {ours} |");
        }
        s.push('\n');
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mnist::report::fixtures;

    #[test]
    fn all_variants() {
        insta::assert_snapshot!(render_table2(&fixtures::runs(2), G_WINDOW));
    }

    #[test]
    fn missing_variants_and_short_vectors() {
        let mut base = fixtures::run(Variant::Base, 0);
        for e in &mut base.epochs {
            e.grad_info.truncate(3);
            e.grad_info_per_sample.clear();
        }
        insta::assert_snapshot!(render_table2(&[base], G_WINDOW));
    }
}
