//! Table 5: top-1 test accuracy of the convolutional models on CIFAR-100,
//! CIFAR-10 and SVHN, with GAAF's gain over the same model without it.

use std::fmt::Write;

use super::paper;
use crate::conv::{Dataset, Diverged, Run, Variant};
use crate::report_common::stats::{signed, Summary, DASH};

/// The model's row label.
pub(super) fn label(variant: Variant) -> &'static str {
    match variant {
        Variant::Base => "Base Model",
        Variant::Bn => "+Batch Norm (BN)",
        Variant::Gaaf => "+GAAF",
        Variant::BnGaaf => "+BN +GAAF",
        Variant::GaafSaturation => "+GAAF, saturation-only shape",
        Variant::BnGaafSaturation => "+BN +GAAF, saturation-only shape",
    }
}

fn activation(variant: Variant) -> &'static str {
    if variant.gaaf() {
        "GAAF"
    } else {
        "ReLU"
    }
}

/// Test accuracy (%) over the seeds of `dataset` and `variant`.
fn accuracy(runs: &[Run], dataset: Dataset, variant: Variant) -> Option<Summary> {
    Summary::of(
        runs.iter()
            .filter(|r| r.config.dataset == dataset && r.config.variant == variant)
            .map(|r| 100.0 * r.test_acc),
    )
}

/// Table 5 as Markdown: per model and dataset present in `runs`, the test
/// accuracy as `mean (std)` over seeds with the seed count, GAAF's gain over
/// the same model without GAAF (difference of the means), and the paper's
/// value and gain beside it. Datasets without runs are left out.
pub fn render_table5(runs: &[Run], diverged: &[Diverged]) -> String {
    let datasets: Vec<Dataset> = Dataset::ALL
        .into_iter()
        .filter(|d| {
            runs.iter().any(|r| r.config.dataset == *d)
                || diverged.iter().any(|r| r.config.dataset == *d)
        })
        .collect();
    let mut s = String::new();
    s.push_str("## Table 5: test accuracies (%) on CIFAR and SVHN (top-1)\n\n");
    s.push_str("| Model | Activation |");
    for d in &datasets {
        let _ = write!(s, " {} | Seeds | Paper |", d.title());
    }
    s.push_str("\n|---|---|");
    for _ in &datasets {
        s.push_str("--:|--:|--:|");
    }
    s.push('\n');
    // Table 5's rows always; the saturation-only ones where they ran.
    let rows = Variant::EVERY.into_iter().filter(|v| {
        Variant::ALL.contains(v)
            || runs.iter().any(|r| r.config.variant == *v)
            || diverged.iter().any(|r| r.config.variant == *v)
    });
    for variant in rows {
        let _ = write!(s, "| {} | {} |", label(variant), activation(variant));
        for &d in &datasets {
            let ours = accuracy(runs, d, variant);
            let n = ours.map_or(0, |a| a.n);
            let mut cell = ours.map_or_else(|| DASH.to_string(), |a| a.fmt(2, 2));
            let lost = diverged
                .iter()
                .filter(|r| r.config.dataset == d && r.config.variant == variant)
                .count();
            let theirs = paper::table5(d, variant);
            let mut paper = theirs.map_or_else(|| DASH.to_string(), |p| format!("{p:.2}"));
            if variant.gaaf() {
                let base = variant.without_gaaf();
                if let (Some(o), Some(b)) = (ours, accuracy(runs, d, base)) {
                    let _ = write!(cell, " ({})", signed(o.mean - b.mean, 2));
                }
                if let (Some(t), Some(b)) = (theirs, paper::table5(d, base)) {
                    let _ = write!(paper, " ({})", signed(t - b, 2));
                }
            }
            if lost > 0 {
                let _ = write!(cell, "; {lost} diverged");
            }
            let _ = write!(s, " {cell} | {n} | {paper} |");
        }
        s.push('\n');
    }
    s.push_str(
        "\nMean (std) over seeds; std is the sample standard deviation (n - 1), \
         \"—\" with a single seed. In parentheses: GAAF's gain, the difference of \
         the mean accuracies of the model with GAAF and the same model without it. \
         Test accuracy is that of the checkpoint with the best validation \
         accuracy. \"N diverged\": N more runs whose loss stopped being finite \
         (not in the mean; Seeds counts the finished ones). The paper does not \
         say how many runs its values are from.\n",
    );
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conv::report::fixtures;

    #[test]
    fn two_datasets_two_seeds() {
        let runs = [Dataset::Cifar10, Dataset::Svhn]
            .into_iter()
            .flat_map(|d| {
                Variant::ALL
                    .into_iter()
                    .flat_map(move |v| (0..2).map(move |seed| fixtures::run(d, v, seed)))
            })
            .collect::<Vec<_>>();
        insta::assert_snapshot!(render_table5(&runs, &[]));
    }

    #[test]
    fn one_seed_and_missing_variants() {
        let runs = vec![
            fixtures::run(Dataset::Cifar100, Variant::Base, 0),
            fixtures::run(Dataset::Cifar100, Variant::Gaaf, 0),
        ];
        insta::assert_snapshot!(render_table5(&runs, &[]));
    }

    #[test]
    fn diverged_runs_are_counted_beside_the_finished_ones() {
        let runs = vec![
            fixtures::run(Dataset::Mnist32, Variant::Base, 0),
            fixtures::run(Dataset::Mnist32, Variant::Base, 1),
            fixtures::run(Dataset::Mnist32, Variant::GaafSaturation, 0),
        ];
        let diverged = vec![
            fixtures::diverged(Dataset::Mnist32, Variant::Gaaf, 0),
            fixtures::diverged(Dataset::Mnist32, Variant::Gaaf, 1),
            fixtures::diverged(Dataset::Mnist32, Variant::GaafSaturation, 1),
        ];
        let table = render_table5(&runs, &diverged);
        let row = |label: &str| {
            table
                .lines()
                .find(|l| l.starts_with(&format!("| {label} |")))
                .unwrap_or_else(|| panic!("no row {label} in\n{table}"))
                .to_string()
        };
        assert!(row("+GAAF").contains("| —; 2 diverged | 0 |"), "{table}");
        let saturation = row("+GAAF, saturation-only shape");
        assert!(saturation.contains("; 1 diverged | 1 |"), "{table}");
        assert!(!row("Base Model").contains("diverged"), "{table}");
        assert!(table.contains("MNIST (32x32)"), "{table}");
    }
}
