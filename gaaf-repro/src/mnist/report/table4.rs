//! Table 4: test accuracy and epochs to converge per model, the paper's
//! headline result.

use std::fmt::Write;

use super::paper;
use super::{model_label, runs_of};
use crate::mnist::{Run, Variant};
use crate::report_common::stats::{Summary, DASH};

/// One variant's accuracy (in %) and train epochs over its seeds.
pub(crate) struct Row {
    pub(crate) acc: Option<Summary>,
    pub(crate) epochs: Option<Summary>,
}

/// Accuracy and epochs of `variant`'s runs.
pub(crate) fn row(runs: &[Run], variant: Variant) -> Row {
    let runs = runs_of(runs, variant);
    Row {
        acc: Summary::of(runs.iter().map(|r| 100.0 * r.test_acc)),
        epochs: Summary::of(runs.iter().map(|r| r.best_epoch as f64)),
    }
}

fn activation(variant: Variant) -> &'static str {
    match variant {
        Variant::Base | Variant::Dropout | Variant::BaseLrScaled => "tanh",
        Variant::Gaaf | Variant::DropoutMatched | Variant::GaafShoulder => "GAAF",
    }
}

/// Table 4 as Markdown: per model, test accuracy (%) and train epochs as
/// `mean (std)` over seeds, the number of seeds, and the paper's values.
pub fn render_table4(runs: &[Run]) -> String {
    let mut s = String::new();
    s.push_str("## Table 4: experiment results on MNIST\n\n");
    s.push_str(
        "| Model | Activation | Seeds | Test accuracy (%) | Paper | Train epochs | Paper |\n",
    );
    s.push_str("|---|---|--:|--:|--:|--:|--:|\n");
    for variant in Variant::ALL {
        let ours = row(runs, variant);
        let n = ours.acc.map_or(0, |a| a.n);
        let acc = ours.acc.map_or_else(|| DASH.to_string(), |a| a.fmt(2, 3));
        let epochs = ours
            .epochs
            .map_or_else(|| DASH.to_string(), |e| e.fmt(1, 1));
        let (p_acc, p_epochs) = paper::table4(variant).map_or_else(
            || (DASH.to_string(), DASH.to_string()),
            |p| {
                (
                    format!("{:.2} ({:.3})", p.acc, p.acc_std),
                    format!("{:.0} ({:.1})", p.epochs, p.epochs_std),
                )
            },
        );
        let _ = writeln!(
            s,
            "| {} | {} | {n} | {acc} | {p_acc} | {epochs} | {p_epochs} |",
            model_label(variant),
            activation(variant),
        );
    }
    s.push_str(
        "\nMean (std) over seeds; std is the sample standard deviation (n - 1), \
         \"—\" with a single seed. The paper averages five executions and does not \
         say which standard deviation it reports. Test accuracy is that of the \
         checkpoint with the best validation accuracy; train epochs is the epoch of \
         that checkpoint. The dropout-matched model is ours, not the paper's.\n",
    );
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mnist::report::fixtures;

    #[test]
    fn five_seeds() {
        insta::assert_snapshot!(render_table4(&fixtures::runs(5)));
    }

    #[test]
    fn one_seed_and_missing_variants() {
        let runs = vec![
            fixtures::run(Variant::Base, 0),
            fixtures::run(Variant::Dropout, 3),
        ];
        insta::assert_snapshot!(render_table4(&runs));
    }
}
