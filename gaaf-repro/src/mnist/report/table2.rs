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

/// Mean over `variant`'s seeds of the gradient information of weight matrix
/// `w` (0-based).
pub(crate) fn mean_g(runs: &[Run], variant: Variant, w: usize) -> Option<Summary> {
    Summary::of(
        runs_of(runs, variant)
            .into_iter()
            .filter_map(|r| r.grad_info.get(w).copied()),
    )
}

/// Table 2 as Markdown: the gradient information `G_k` of each weight matrix,
/// mean over seeds, for every model, with the paper's values beside.
pub fn render_table2(runs: &[Run]) -> String {
    let mut s = String::new();
    s.push_str("## Table 2: gradient information flowing through the layers\n\n");
    s.push_str(
        "| Layer | Without dropout | Paper | With dropout | Paper | GAAF | Paper | \
         GAAF, dropout-matched |\n|---|--:|--:|--:|--:|--:|--:|--:|\n",
    );
    for (name, w) in ROWS {
        let _ = write!(s, "| {name} |");
        for variant in Variant::ALL {
            let ours = mean_g(runs, variant, w).map_or_else(|| DASH.to_string(), |g| sci(g.mean));
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
    s.push_str(
        ".\n\nG_k (Eq. 5): per weight matrix, the mean absolute gradient of the \
         loss, averaged over the training iterations up to the selected epoch; the \
         mean over seeds is shown. The paper gives no value for the last layer. Its \
         GAAF values come from section 5.1 (\"1.15E-3, 6.43E-4, 1.78E-4 for the \
         three layers\"), which does not say the order of the layers; they are \
         placed here in Table 2's row order (Layer3 first). Read as Layer1 first, \
         they would be reversed.\n",
    );
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mnist::report::fixtures;

    #[test]
    fn all_variants() {
        insta::assert_snapshot!(render_table2(&fixtures::runs(2)));
    }

    #[test]
    fn missing_variants_and_short_vectors() {
        let mut base = fixtures::run(Variant::Base, 0);
        base.grad_info.truncate(3);
        insta::assert_snapshot!(render_table2(&[base]));
    }
}
