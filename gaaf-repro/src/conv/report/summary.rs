//! The convolutional experiment's `report.md`: how the runs were made, a
//! reading of the numbers generated from them, Table 5, and one line per run.

use std::fmt::Write;

use super::{paper, render_table5, ReportMeta};
use crate::conv::{Dataset, Run, Variant};
use crate::report_common::stats::{signed, Summary};
use crate::sweep::RunConfig;

fn mean_acc(runs: &[Run], d: Dataset, v: Variant, train: bool) -> Option<f64> {
    Summary::of(
        runs.iter()
            .filter(|r| r.config.dataset == d && r.config.variant == v)
            .map(|r| 100.0 * if train { r.train_acc } else { r.test_acc }),
    )
    .map(|s| s.mean)
}

/// `report.md` of the convolutional runs.
pub fn render_report(runs: &[Run], meta: &ReportMeta) -> String {
    let mut s = String::new();
    s.push_str("# Table 5 reproduced: GAAF in convolutional networks\n\n");
    if meta.quick {
        s.push_str(
            "**Quick run**: narrower layers, a subset of the data and few epochs, to \
             check the pipeline. The numbers are not comparable to the paper's.\n\n",
        );
    }
    meta.write_invocation(&mut s, 2);
    let total: f64 = runs.iter().map(|r| r.seconds).sum();
    let _ = writeln!(
        s,
        "- Runs: {}; training time summed over runs: {total:.1} s",
        runs.len()
    );
    if let Some(first) = runs.first() {
        let c = &first.config;
        let _ = writeln!(
            s,
            "- Configuration (of {}; every run's is in its JSON): SGD lr {}, momentum {}, \
             weight decay {}, batch {}, at most {} epochs, patience {}, {} validation \
             images, train subset {}, test subset {}, width divisor {}, augmentation {}, K {}",
            c.run_id(),
            c.lr,
            c.momentum,
            c.weight_decay,
            c.batch_size,
            c.stopping.max_epochs,
            c.stopping.patience,
            c.sizes.val_size,
            c.sizes
                .train_subset
                .map_or("none".to_string(), |n| n.to_string()),
            c.sizes
                .test_subset
                .map_or("none".to_string(), |n| n.to_string()),
            c.width_divisor,
            if c.augment { "on" } else { "off" },
            c.gaaf_k
        );
    }

    s.push_str("\n## Reading\n\n");
    for d in Dataset::ALL {
        for v in [Variant::Gaaf, Variant::BnGaaf] {
            let base = v.without_gaaf();
            let (Some(with), Some(without)) =
                (mean_acc(runs, d, v, false), mean_acc(runs, d, base, false))
            else {
                continue;
            };
            let ours = with - without;
            let theirs = paper::table5(d, v) - paper::table5(d, base);
            let verdict = if (ours > 0.0) == (theirs > 0.0) {
                "the same sign as the paper's"
            } else {
                "the opposite sign to the paper's"
            };
            let _ = writeln!(
                s,
                "- {}, {} model: GAAF changes test accuracy by {} points ({:.2} -> {:.2} %), \
                 {verdict} {} points.",
                d.title(),
                if base.batch_norm() { "+BN" } else { "base" },
                signed(ours, 2),
                without,
                with,
                signed(theirs, 2)
            );
            if let (Some(tw), Some(two)) =
                (mean_acc(runs, d, v, true), mean_acc(runs, d, base, true))
            {
                let _ = writeln!(
                    s,
                    "  Training accuracy of the selected checkpoints: {two:.2} % without, \
                     {tw:.2} % with GAAF."
                );
            }
        }
    }
    s.push('\n');
    s.push_str(&render_table5(runs));

    s.push_str("\n## Runs\n\n");
    s.push_str(
        "| Run | Device | Epochs | Best epoch | Val (%) | Test (%) | Train (%) | s/epoch |\n",
    );
    s.push_str("|---|---|--:|--:|--:|--:|--:|--:|\n");
    for r in runs {
        let per_epoch =
            r.epochs.iter().map(|e| e.seconds).sum::<f64>() / r.epochs.len().max(1) as f64;
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {:.2} | {:.2} | {:.2} | {per_epoch:.1} |",
            r.config.run_id(),
            r.device,
            r.epochs.len(),
            r.best_epoch,
            100.0 * r.best_val_acc,
            100.0 * r.test_acc,
            100.0 * r.train_acc,
        );
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conv::report::fixtures;

    #[test]
    fn report_reads_the_gains() {
        let runs: Vec<Run> = Variant::ALL
            .into_iter()
            .map(|v| fixtures::run(Dataset::Cifar10, v, 0))
            .collect();
        let meta = ReportMeta {
            invocations: Vec::new(),
            command: "gaaf-repro cifar10".to_string(),
            machine: "fixture".to_string(),
            commit: "fixture".to_string(),
            wall_seconds: Some(120.0),
            quick: false,
        };
        insta::assert_snapshot!(render_report(&runs, &meta));
    }
}
