//! Table 1: how many pairs of units in each hidden layer correlate strongly,
//! without and with dropout.

use std::fmt::Write;

use super::paper;
use super::{runs_of, HIDDEN_TOP_DOWN};
use crate::mnist::{LayerCorrelation, Run, Variant, CORRELATION_THRESHOLDS};
use crate::report_common::stats::{Summary, DASH};

/// Per layer (`[Layer1, Layer2, Layer3]`) summaries of one variant's
/// correlation counts over its seeds.
pub(crate) struct LayerCounts {
    /// Runs that reported this layer.
    pub(crate) seeds: usize,
    /// Mean count above each threshold; `None` where no run reported it.
    pub(crate) above: Vec<Option<f64>>,
    /// Mean pairs counted.
    pub(crate) pairs: Option<f64>,
    /// Mean and largest number of constant units.
    pub(crate) constant: Option<(f64, usize)>,
}

/// The correlation counts of `variant` in hidden layer `layer` (0-based).
pub(crate) fn layer_counts(runs: &[Run], variant: Variant, layer: usize) -> LayerCounts {
    let layers: Vec<&LayerCorrelation> = runs_of(runs, variant)
        .into_iter()
        .filter_map(|r| r.correlations.get(layer))
        .collect();
    let mean = |f: &dyn Fn(&LayerCorrelation) -> Option<f64>| {
        Summary::of(layers.iter().filter_map(|c| f(c))).map(|s| s.mean)
    };
    LayerCounts {
        seeds: layers.len(),
        above: (0..CORRELATION_THRESHOLDS.len())
            .map(|t| mean(&|c| c.above.get(t).map(|&v| v as f64)))
            .collect(),
        pairs: mean(&|c| Some(c.pairs as f64)),
        constant: mean(&|c| Some(c.constant_units as f64)).map(|m| {
            let max = layers.iter().map(|c| c.constant_units).max().unwrap_or(0);
            (m, max)
        }),
    }
}

fn header(s: &mut String) {
    s.push_str("| Layer | Model | Seeds |");
    for t in CORRELATION_THRESHOLDS {
        let _ = write!(s, " >{t} |");
    }
    s.push_str(" Pairs | Constant units |\n|---|---|--:|");
    for _ in CORRELATION_THRESHOLDS {
        s.push_str("--:|");
    }
    s.push_str("--:|--:|\n");
}

fn ours_row(s: &mut String, layer: &str, label: &str, c: &LayerCounts) {
    let _ = write!(s, "| {layer} | {label} | {} |", c.seeds);
    for a in &c.above {
        let cell = a.map_or_else(|| DASH.to_string(), |v| format!("{v:.1}"));
        let _ = write!(s, " {cell} |");
    }
    let pairs = c
        .pairs
        .map_or_else(|| DASH.to_string(), |p| format!("{p:.0}"));
    let constant = c.constant.map_or_else(
        || DASH.to_string(),
        |(m, max)| format!("{m:.1} (max {max})"),
    );
    let _ = writeln!(s, " {pairs} | {constant} |");
}

fn paper_row(s: &mut String, layer: &str, label: &str, counts: &[u64; 5]) {
    let _ = write!(s, "| {layer} | {label} | {DASH} |");
    for c in counts {
        let _ = write!(s, " {c} |");
    }
    let _ = writeln!(s, " {DASH} | {DASH} |");
}

/// Table 1 as Markdown: per hidden layer (Layer3, Layer2, Layer1), the mean
/// over seeds of the number of unit pairs with `|r|` above 0.9 ... 0.5,
/// without and with dropout, beside the paper's counts; then the same for the
/// GAAF models, where there are runs of them.
pub fn render_table1(runs: &[Run]) -> String {
    let mut s = String::new();
    s.push_str("## Table 1: unit pairs with high absolute correlation\n\n");
    header(&mut s);
    let compared = [
        (Variant::Base, "without dropout", &paper::TABLE1_BASE),
        (Variant::Dropout, "with dropout", &paper::TABLE1_DROPOUT),
    ];
    for (name, layer) in HIDDEN_TOP_DOWN {
        for (variant, label, published) in compared {
            let ours = layer_counts(runs, variant, layer);
            ours_row(&mut s, name, &format!("{label} (ours)"), &ours);
            paper_row(&mut s, name, &format!("{label} (paper)"), &published[layer]);
        }
    }

    let extra: Vec<Variant> = [Variant::Gaaf, Variant::DropoutMatched]
        .into_iter()
        .filter(|&v| !runs_of(runs, v).is_empty())
        .collect();
    if !extra.is_empty() {
        s.push_str("\nThe GAAF models (not in the paper's Table 1):\n\n");
        header(&mut s);
        for (name, layer) in HIDDEN_TOP_DOWN {
            for &v in &extra {
                ours_row(&mut s, name, v.name(), &layer_counts(runs, v, layer));
            }
        }
    }

    s.push_str(
        "\nCounts are the mean over seeds of the pairs of units whose Pearson \
         correlation over the test set has |r| above the threshold. Units whose \
         output is constant over the test set have no correlation: they and every \
         pair that involves them are excluded, so \"Pairs\" is the number of pairs \
         counted and \"Constant units\" the mean (and largest) number excluded per \
         run. The paper does not say whether its counts come from one run or an \
         average, nor how it treated constant units.\n",
    );
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mnist::report::fixtures;

    #[test]
    fn all_variants() {
        insta::assert_snapshot!(render_table1(&fixtures::runs(3)));
    }

    #[test]
    fn base_and_dropout_only() {
        let runs = vec![
            fixtures::run(Variant::Base, 1),
            fixtures::run(Variant::Dropout, 1),
        ];
        insta::assert_snapshot!(render_table1(&runs));
    }
}
