//! Table 3: the net variance dropout causes in each layer.

use std::fmt::Write;

use super::paper;
use super::runs_of;
use crate::mnist::{Run, Variant};
use crate::report_common::stats::{plain, Summary, DASH};

/// Rows of Table 3: name and index into `net_variance`, top layer first.
pub(crate) const ROWS: [(&str, usize); 4] = [
    ("Last Layer", 3),
    ("Layer3", 2),
    ("Layer2", 1),
    ("Layer1", 0),
];

/// The dropout model's net variance at `index` (`[Layer1, Layer2, Layer3,
/// Last]`) over the seeds that measured it.
pub(crate) fn variance(runs: &[Run], index: usize) -> Option<Summary> {
    Summary::of(
        runs_of(runs, Variant::Dropout)
            .into_iter()
            .filter_map(|r| r.net_variance.as_ref()?.get(index).copied()),
    )
}

/// Table 3 as Markdown: the dropout model's mean net variance per layer
/// (mean and std over seeds), with the paper's values beside.
pub fn render_table3(runs: &[Run]) -> String {
    let mut s = String::new();
    s.push_str("## Table 3: average net variance in each layer during training with dropout\n\n");
    s.push_str("| Layer | Seeds | Net variance (ours) | Paper |\n|---|--:|--:|--:|\n");
    for (name, i) in ROWS {
        let ours = variance(runs, i);
        let n = ours.map_or(0, |v| v.n);
        let cell = ours.map_or_else(
            || DASH.to_string(),
            |v| match v.std {
                Some(sd) => format!("{} ({})", plain(v.mean), plain(sd)),
                None => format!("{} ({DASH})", plain(v.mean)),
            },
        );
        let p = if i == 0 {
            "0 (text only)".to_string()
        } else {
            plain(paper::TABLE3[i])
        };
        let _ = writeln!(s, "| {name} | {n} | {cell} | {p} |");
    }
    s.push_str(
        "\nFor one batch of 128 training images and 20 dropout masks, the variance \
         of each unit's net over the masks, averaged over the layer's units; mean \
         (sample std) over the dropout model's seeds. The paper's table lists only \
         the last three rows; its text says Layer1's variance is zero because the \
         input is not dropped.\n",
    );
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mnist::report::fixtures;

    #[test]
    fn three_seeds() {
        insta::assert_snapshot!(render_table3(&fixtures::runs(3)));
    }

    #[test]
    fn no_dropout_runs() {
        insta::assert_snapshot!(render_table3(&[fixtures::run(Variant::Base, 0)]));
    }
}
